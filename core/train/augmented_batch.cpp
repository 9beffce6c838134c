#include "train/augmented_batch.h"

#include <opencv2/core.hpp>
#include <torch/torch.h>

#include "common/rng.h"
#include "data/tensor_batch.h"

namespace dnas {

AugmentedBatch::AugmentedBatch(std::shared_ptr<const ImageSet> sources, TrainAugment augment)
    : sources_(std::move(sources))
    , augment_(augment) {}

void AugmentedBatch::prepare(const std::vector<std::size_t>& rows, Rng& rng) {
    patches_.clear();
    labels_.clear();
    const int side = sources_->config.resolution;
    const int type = sources_->channels() == 1 ? CV_8UC1 : CV_8UC3;
    for (const auto row : rows) {
        const cv::Mat image(side, side, type, const_cast<std::uint8_t*>(sources_->image(row)));
        patches_.push_back(randomCropAndFlip(image, rng, augment_));
        labels_.push_back(sources_->labels[row]);
    }
}

torch::Tensor AugmentedBatch::images(const DataConfig& config, bool channelsLast) const {
    const std::size_t stride = bytesPerImage(config);
    std::vector<std::uint8_t> pixels(stride * patches_.size());
    for (std::size_t i = 0; i < patches_.size(); ++i)
        resizeAndConvert(patches_[i], config, pixels.data() + i * stride);
    return pixelsToTensor(pixels.data(), patches_.size(), config.resolution,
                          channelsOf(config.colour), channelsLast);
}

torch::Tensor AugmentedBatch::labels() const {
    return torch::tensor(labels_, torch::kInt64);
}

} // namespace dnas
