#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/units.h"

namespace dnas {

struct ArchitectureSpec;

enum class OpKind {
    Conv2D,          // full k x k convolution (the stem)
    DepthwiseConv2D, // k x k per-channel convolution
    PointwiseConv2D, // 1 x 1 convolution (expand, project, last conv)
    Add,             // element-wise sum of two tensors (residual)
    AveragePool2D,   // k x k average pooling
    MaxPool2D,       // k x k max pooling
    GlobalAveragePool,
    FullyConnected,
};

enum class Activation { None, Relu, Relu6 };

std::string_view toString(OpKind kind);
std::string_view toString(Activation act);

// Shape of an activation tensor with batch 1, NHWC as on MCU runtimes.
struct TensorShape {
    int height = 0;
    int width = 0;
    int channels = 0;
    std::int64_t elements() const { return std::int64_t{height} * width * channels; }
    bool operator==(const TensorShape&) const = default;
};

// One operation in execution order. It reads one or two earlier tensors (`inputs`, -1 when
// unused) and writes exactly one new tensor (`output`).
struct Op {
    OpKind kind = OpKind::PointwiseConv2D;
    std::string name;
    std::array<int, 2> inputs{-1, -1};
    int output = -1;
    int kernel = 1;
    int stride = 1;
    Activation activation = Activation::None;
    bool batchNorm = false; // trained with batch norm (folded into weights and bias at deployment)
    bool bias = false;      // has a bias vector at deployment

    int inputCount() const { return inputs[1] >= 0 ? 2 : (inputs[0] >= 0 ? 1 : 0); }
};

// A concrete network: tensor shapes and operations in execution order. Tensor 0 is the model
// input; the output of the last op is the model output. Sizes are int8 elements.
class Network {
public:
    std::string name;
    std::vector<TensorShape> tensors;
    std::vector<Op> ops;

    const TensorShape& inputOf(const Op& op, int which = 0) const {
        return tensors[op.inputs[which]];
    }
    const TensorShape& outputOf(const Op& op) const { return tensors[op.output]; }

    Macs macs(const Op& op) const;
    // Weight elements (int8 at deployment) and bias elements (int32 at deployment).
    ParamCount weights(const Op& op) const;
    ParamCount biases(const Op& op) const;
    // Output channels that carry per-channel quantisation parameters (0 for ops without weights).
    int quantChannels(const Op& op) const;
};

// Builds the network of a MobileNetV2-family architecture: stem, inverted-residual blocks
// (expand, depthwise, project, residual add), optional last 1x1 convolution, global average
// pooling and the fully connected classifier. The spec must have passed
// validateArchitecture(); 'same' padding throughout.
Network buildNetwork(const ArchitectureSpec& spec);

} // namespace dnas
