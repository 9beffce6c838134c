#pragma once

#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>
#include <torch/types.h>

namespace dnas {

// A bias-free convolution with TFLite's SAME padding (samePadding(): odd padding goes to the
// bottom / right); `groups` = channels for depthwise. At stride 1 (odd kernel) that is
// PyTorch's symmetric padding; at stride 2 on an even size the input is padded explicitly.
torch::Tensor conv2dSame(const torch::Tensor& x, const torch::Tensor& weight, int stride,
                         int groups);

// A convolution followed by batch norm whose active size is chosen per call: the first `out`
// output channels, the first `in` input channels, and the centre `kernel` x `kernel` of the
// largest kernel. Depthwise units have in == out and one input channel per group. The stem
// of a grayscale subnet uses its weights summed over the three input channels (the same as
// feeding the gray image three times). Batch-norm statistics are sliced the same way.
class ElasticConvBnImpl : public torch::nn::Module {
public:
    ElasticConvBnImpl(int maxIn, int maxOut, int maxKernel, bool depthwise);

    // x has `in` channels (1 for a grayscale stem whose weights have 3).
    torch::Tensor forward(const torch::Tensor& x, int in, int out, int kernel, int stride);

    // The active weight slice, as forward() uses it (a view or, for gray stems, a sum).
    torch::Tensor activeWeight(int in, int out, int kernel) const;

    int maxIn() const { return maxIn_; }
    int maxOut() const { return maxOut_; }
    int maxKernel() const { return maxKernel_; }
    bool depthwise() const { return depthwise_; }

    static constexpr double kEps = 1e-3;     // Keras MobileNetV2 (the seed paper)
    static constexpr double kMomentum = 0.1; // running = 0.9 running + 0.1 batch

    torch::Tensor weight;
    torch::Tensor gamma;
    torch::Tensor beta;
    torch::Tensor runningMean;
    torch::Tensor runningVar;

private:
    int maxIn_;
    int maxOut_;
    int maxKernel_;
    bool depthwise_;
};
TORCH_MODULE(ElasticConvBn);

} // namespace dnas
