#include "cost/network.h"

#include "space/architecture.h"

namespace dnas {

std::string_view toString(OpKind kind) {
    switch (kind) {
    case OpKind::Conv2D:
        return "conv";
    case OpKind::DepthwiseConv2D:
        return "depthwise";
    case OpKind::PointwiseConv2D:
        return "pointwise";
    case OpKind::Add:
        return "add";
    case OpKind::AveragePool2D:
        return "avgpool";
    case OpKind::MaxPool2D:
        return "maxpool";
    case OpKind::GlobalAveragePool:
        return "global_avgpool";
    case OpKind::FullyConnected:
        return "fc";
    }
    return "?";
}

std::string_view toString(Activation act) {
    switch (act) {
    case Activation::None:
        return "none";
    case Activation::Relu:
        return "relu";
    case Activation::Relu6:
        return "relu6";
    }
    return "?";
}

Macs Network::macs(const Op& op) const {
    const auto& in = inputOf(op);
    const auto& out = outputOf(op);
    const std::int64_t k2 = std::int64_t{op.kernel} * op.kernel;
    switch (op.kind) {
    case OpKind::Conv2D:
        return out.elements() * k2 * in.channels;
    case OpKind::PointwiseConv2D:
        return out.elements() * in.channels;
    case OpKind::DepthwiseConv2D:
        return out.elements() * k2;
    case OpKind::FullyConnected:
        return in.elements() * out.channels;
    default:
        return 0;
    }
}

ParamCount Network::weights(const Op& op) const {
    const auto& in = inputOf(op);
    const auto& out = outputOf(op);
    const std::int64_t k2 = std::int64_t{op.kernel} * op.kernel;
    switch (op.kind) {
    case OpKind::Conv2D:
        return k2 * in.channels * out.channels;
    case OpKind::PointwiseConv2D:
        return std::int64_t{in.channels} * out.channels;
    case OpKind::DepthwiseConv2D:
        return k2 * out.channels;
    case OpKind::FullyConnected:
        return in.elements() * out.channels;
    default:
        return 0;
    }
}

ParamCount Network::biases(const Op& op) const {
    return op.bias ? outputOf(op).channels : 0;
}

int Network::quantChannels(const Op& op) const {
    return weights(op) > 0 ? outputOf(op).channels : 0;
}

namespace {

class Builder {
public:
    explicit Builder(Network& net)
        : net_(net) {}

    int input(TensorShape shape) {
        net_.tensors.push_back(shape);
        return 0;
    }

    int conv(OpKind kind, std::string name, int in, int channels, int kernel, int stride,
             Activation act) {
        const auto& s = net_.tensors[in];
        const int outChannels = kind == OpKind::DepthwiseConv2D ? s.channels : channels;
        Op op;
        op.kind = kind;
        op.name = std::move(name);
        op.kernel = kernel;
        op.stride = stride;
        op.activation = act;
        op.batchNorm = true;
        op.bias = true;
        return emit(std::move(op), in, -1,
                    {ceilDiv(s.height, stride), ceilDiv(s.width, stride), outChannels});
    }

    int add(std::string name, int a, int b) {
        Op op;
        op.kind = OpKind::Add;
        op.name = std::move(name);
        return emit(std::move(op), a, b, net_.tensors[a]);
    }

    int globalPool(std::string name, int in) {
        Op op;
        op.kind = OpKind::GlobalAveragePool;
        op.name = std::move(name);
        op.kernel = net_.tensors[in].height;
        return emit(std::move(op), in, -1, {1, 1, net_.tensors[in].channels});
    }

    int fullyConnected(std::string name, int in, int classes) {
        Op op;
        op.kind = OpKind::FullyConnected;
        op.name = std::move(name);
        op.bias = true;
        return emit(std::move(op), in, -1, {1, 1, classes});
    }

private:
    static int ceilDiv(int a, int b) { return (a + b - 1) / b; }

    int emit(Op op, int a, int b, TensorShape out) {
        op.inputs = {a, b};
        op.output = static_cast<int>(net_.tensors.size());
        net_.tensors.push_back(out);
        net_.ops.push_back(std::move(op));
        return net_.ops.back().output;
    }

    Network& net_;
};

} // namespace

Network buildNetwork(const ArchitectureSpec& spec) {
    Network net;
    net.name = spec.name;
    net.tensors.reserve(spec.blocks.size() * 4 + 6);
    net.ops.reserve(spec.blocks.size() * 4 + 5);
    Builder b(net);
    int x = b.input({spec.resolution, spec.resolution, spec.inputChannels});
    x = b.conv(OpKind::Conv2D, "stem", x, spec.stemChannels, spec.stemKernel, spec.stemStride,
               Activation::Relu6);
    for (std::size_t i = 0; i < spec.blocks.size(); ++i) {
        const auto& blk = spec.blocks[i];
        std::string prefix = "b";
        prefix += std::to_string(i);
        prefix += '.';
        const int blockInput = x;
        const int expanded = spec.expandedChannels(i);
        if (blk.expansion != 1 || expanded != spec.blockInputChannels(i))
            x = b.conv(OpKind::PointwiseConv2D, prefix + "expand", x, expanded, 1, 1,
                       Activation::Relu6);
        x = b.conv(OpKind::DepthwiseConv2D, prefix + "dw", x, 0, blk.kernel, blk.stride,
                   Activation::Relu6);
        x = b.conv(OpKind::PointwiseConv2D, prefix + "project", x, blk.outChannels, 1, 1,
                   Activation::None);
        if (spec.residuals && blk.stride == 1 && spec.blockInputChannels(i) == blk.outChannels)
            x = b.add(prefix + "add", blockInput, x);
    }
    if (spec.lastChannels > 0)
        x = b.conv(OpKind::PointwiseConv2D, "head.conv", x, spec.lastChannels, 1, 1,
                   Activation::Relu6);
    x = b.globalPool("head.pool", x);
    b.fullyConnected("head.fc", x, spec.classes);
    return net;
}

} // namespace dnas
