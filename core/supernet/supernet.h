#pragma once

#include <optional>
#include <vector>

#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/types.h>

#include "space/search_space.h"
#include "supernet/elastic_conv_bn.h"

namespace dnas {

// One inverted-residual block slot of the supernet at its largest size.
class ElasticBlockImpl : public torch::nn::Module {
public:
    ElasticBlockImpl(int maxIn, int maxExpanded, int maxKernel, int maxOut, bool canExpand);
    // Runs the block at the size of `spec`'s block `index`.
    torch::Tensor forward(const torch::Tensor& x, const ArchitectureSpec& spec, std::size_t index);

    ElasticConvBn expand{nullptr}; // null when no choice of the space expands
    ElasticConvBn depthwise{nullptr};
    ElasticConvBn project{nullptr};
};
TORCH_MODULE(ElasticBlock);

// The classifier attached after a stage when it is the last non-empty one: the optional final
// 1x1 convolution, global average pooling, and a fully connected layer.
class ExitHeadImpl : public torch::nn::Module {
public:
    ExitHeadImpl(int maxIn, int maxLast, int classes);
    torch::Tensor forward(const torch::Tensor& x, int lastChannels);

    ElasticConvBn conv{nullptr}; // null when this exit never has a final convolution
    torch::Tensor fcWeight;
    torch::Tensor fcBias;
};
TORCH_MODULE(ExitHead);

// One weight-sharing MobileNetV2 supernet for every candidate of a search space, data
// configurations included: fully convolutional (any resolution), a stem that serves RGB and
// (summed over its input channels) grayscale, elastic width (first k channels), depth per
// stage (first d blocks), expansion and kernel per block (centre of the largest kernel), and
// residual connections. Each stage that can be a network's last has its own exit head.
// Channels are ordered by importance by construction: sandwich training always trains the
// smallest width, so the first channels are the ones every width shares.
class SupernetImpl : public torch::nn::Module {
public:
    SupernetImpl(SearchSpace space, int classes);

    // x: (N, C, H, W), C = 3 for RGB candidates and 1 for grayscale ones.
    torch::Tensor forward(const torch::Tensor& x, const Candidate& candidate);
    torch::Tensor forward(const torch::Tensor& x, const Candidate& candidate,
                          const ArchitectureSpec& spec);

    const SearchSpace& space() const { return space_; }
    int classes() const { return classes_; }
    // Re-draws every weight from `seed` (Kaiming-normal convolutions, unit batch norm, small
    // classifier weights) and resets the batch-norm statistics: same seed, same network.
    void initialize(std::uint64_t seed);
    // Stage whose exit serves a candidate: the last stage with a non-zero depth.
    static std::size_t exitStage(const Candidate& candidate);

    ElasticConvBn stem{nullptr};
    std::vector<ElasticBlock> blocks; // one per block slot of the space
    std::vector<ExitHead> exits;      // one per stage (null where a stage is never last)

private:
    SearchSpace space_;
    int classes_;
};
TORCH_MODULE(Supernet);

} // namespace dnas
