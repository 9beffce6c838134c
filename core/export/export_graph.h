#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace dnas {

// int8 quantisation of a tensor: real = scale * (q - zeroPoint).
struct QuantParams {
    double scale = 0; // 0: not quantised (yet)
    int zeroPoint = 0;
};

// An activation tensor of an exported network. Feature maps are NHWC (N = 1), the pooled
// features, logits and probabilities {1, C}.
struct ExportTensor {
    std::string name;
    std::vector<int> shape;
    float min = 0; // range seen in calibration (includes 0)
    float max = 0;
    QuantParams quant;
};

enum class ExportOpKind {
    Conv2d,            // SAME padding (samePadding()), optional fused ReLU6
    DepthwiseConv2d,   // SAME padding, optional fused ReLU6; channel multiplier 1
    Add,               // residual shortcut: inputs[0] + inputs[1]
    GlobalAveragePool, // NHWC -> {1, C}
    FullyConnected,    // {1, I} -> {1, O}
    Softmax,           // {1, C} -> {1, C}
};

const char* toString(ExportOpKind kind);

// One operator of the deployed network. Weights are float after batch-norm folding, in
// TFLite's layouts: Conv2d O x KH x KW x I (OHWI), DepthwiseConv2d 1 x KH x KW x C,
// FullyConnected O x I; a bias per output channel. The int8 fields are set by quantisation:
// weights symmetric in [-127, 127] per output channel (FullyConnected: one scale), biases int32
// with scale input scale x weight scale.
struct ExportOp {
    ExportOpKind kind = ExportOpKind::Conv2d;
    std::string name;
    std::vector<int> inputs; // activation tensor ids
    int output = 0;
    int kernel = 1;
    int stride = 1;
    bool relu6 = false;
    std::vector<int> weightShape;
    std::vector<float> weights;
    std::vector<float> bias;
    std::vector<double> weightScales;
    std::vector<std::int8_t> qweights;
    std::vector<std::int32_t> qbias;

    // Output channels: weightShape[3] for depthwise, weightShape[0] otherwise.
    int outChannels() const;
};

// A StaticNet as the operators a microcontroller runtime executes: a chain of ops over
// activation tensors, ops in execution order, input an int8 image N x H x W x C (C = 1 for
// grayscale), output class probabilities after softmax.
struct ExportGraph {
    std::vector<ExportTensor> tensors;
    std::vector<ExportOp> ops;
    int input = 0;
    int logits = 0; // the fully connected layer's output
    int output = 0; // softmax probabilities
    int resolution = 0;
    int channels = 3;
    int classes = 0;

    bool quantised() const;
};

} // namespace dnas
