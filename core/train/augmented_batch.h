#pragma once

#include <memory>
#include <vector>

#include <opencv2/core/mat.hpp>
#include <torch/types.h>

#include "data/image_set.h"
#include "data/transforms.h"

namespace dnas {

class Rng;

// Training batches from a source ImageSet (ImageCache::sources): prepare() takes the random
// crop and flip of each row once; images() then resizes those same patches to any data
// configuration, so that every subnet of a sandwich step sees the same views (in-place
// distillation compares like with like).
class AugmentedBatch {
public:
    explicit AugmentedBatch(std::shared_ptr<const ImageSet> sources, TrainAugment augment = {});

    void prepare(const std::vector<std::size_t>& rows, Rng& rng);
    // (N, C, H, W) float in [-1, 1] at `config`; channels-last (NHWC in memory) when asked:
    // oneDNN trains these networks 2.4-2.6x faster so (`dnas bench train`).
    torch::Tensor images(const DataConfig& config, bool channelsLast) const;
    // (N) int64 labels.
    torch::Tensor labels() const;
    std::size_t size() const { return patches_.size(); }
    const ImageSet& sources() const { return *sources_; }

private:
    std::shared_ptr<const ImageSet> sources_;
    TrainAugment augment_;
    std::vector<cv::Mat> patches_;
    std::vector<std::int64_t> labels_;
};

} // namespace dnas
