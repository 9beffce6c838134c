#pragma once

#include <vector>

#include <torch/nn/module.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>
#include <torch/types.h>

#include "space/architecture.h"
#include "space/genome.h"

namespace dnas {

class SupernetImpl;

// A standalone MobileNetV2-family network of fixed size built from an ArchitectureSpec with
// plain LibTorch modules (what is exported and deployed). Its input has the spec's channels:
// one for a grayscale network.
class StaticNetImpl : public torch::nn::Module {
public:
    explicit StaticNetImpl(const ArchitectureSpec& spec);
    torch::Tensor forward(const torch::Tensor& x);
    const ArchitectureSpec& spec() const { return spec_; }

    struct Block {
        torch::nn::Conv2d expand{nullptr};
        torch::nn::BatchNorm2d expandBn{nullptr};
        torch::nn::Conv2d depthwise{nullptr};
        torch::nn::BatchNorm2d depthwiseBn{nullptr};
        torch::nn::Conv2d project{nullptr};
        torch::nn::BatchNorm2d projectBn{nullptr};
        bool residual = false;
    };

    torch::nn::Conv2d stem{nullptr};
    torch::nn::BatchNorm2d stemBn{nullptr};
    std::vector<Block> blocks;
    torch::nn::Conv2d headConv{nullptr}; // null without a final 1x1 convolution
    torch::nn::BatchNorm2d headBn{nullptr};
    torch::nn::Linear classifier{nullptr};

private:
    ArchitectureSpec spec_;
};
TORCH_MODULE(StaticNet);

// Copies the weights and batch-norm statistics that `candidate` uses out of the supernet into
// a new StaticNet; afterwards the two are independent. In eval mode its outputs equal the
// supernet's on the same input (a grayscale stem gets the RGB weights summed).
StaticNet extractSubnet(SupernetImpl& supernet, const Candidate& candidate);

} // namespace dnas
