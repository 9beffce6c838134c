#include "export/graph_builder.h"

#include <torch/torch.h>

#include "space/architecture.h"
#include "supernet/elastic_conv_bn.h"

namespace dnas {
namespace {

std::vector<float> toVector(const torch::Tensor& t) {
    const auto c = t.detach().to(torch::kFloat32).contiguous();
    const auto* p = c.data_ptr<float>();
    return {p, p + c.numel()};
}

std::vector<int> shapeOf(const torch::Tensor& t) {
    std::vector<int> s;
    for (const auto d : t.sizes())
        s.push_back(static_cast<int>(d));
    return s;
}

class Builder {
public:
    explicit Builder(const ArchitectureSpec& spec)
        : size_(spec.resolution) {
        graph_.resolution = spec.resolution;
        graph_.channels = spec.inputChannels;
        graph_.classes = spec.classes;
        graph_.input = tensor("input", {1, size_, size_, spec.inputChannels});
    }

    int tensor(std::string name, std::vector<int> shape) {
        graph_.tensors.push_back({std::move(name), std::move(shape), 0, 0, {}});
        return static_cast<int>(graph_.tensors.size()) - 1;
    }

    // Conv + batch norm folded: w' = w * g / sqrt(v + eps), b' = beta - mean * g / sqrt(v + eps).
    int conv(const std::string& name, int from, torch::nn::Conv2d& c, torch::nn::BatchNorm2d& bn,
             bool relu6) {
        const auto& o = c->options;
        const int stride = static_cast<int>((*o.stride())[0]);
        const bool depthwise = o.groups() > 1;
        const auto factor = bn->weight / torch::sqrt(bn->running_var + bn->options.eps());
        const auto w = c->weight * factor.view({-1, 1, 1, 1});
        const auto b = bn->bias - bn->running_mean * factor;
        ExportOp op;
        op.kind = depthwise ? ExportOpKind::DepthwiseConv2d : ExportOpKind::Conv2d;
        op.name = name;
        op.kernel = static_cast<int>(w.size(2));
        op.stride = stride;
        op.relu6 = relu6;
        // PyTorch OIHW -> TFLite OHWI; depthwise (C, 1, KH, KW) -> 1 x KH x KW x C.
        const auto layout = depthwise ? w.permute({1, 2, 3, 0}) : w.permute({0, 2, 3, 1});
        op.weightShape = shapeOf(layout);
        op.weights = toVector(layout);
        op.bias = toVector(b);
        size_ = (size_ + stride - 1) / stride;
        op.inputs = {from};
        op.output = tensor(name, {1, size_, size_, op.outChannels()});
        graph_.ops.push_back(std::move(op));
        return graph_.ops.back().output;
    }

    int simple(ExportOpKind kind, const std::string& name, std::vector<int> inputs,
               std::vector<int> shape) {
        ExportOp op;
        op.kind = kind;
        op.name = name;
        op.inputs = std::move(inputs);
        op.output = tensor(name, std::move(shape));
        graph_.ops.push_back(std::move(op));
        return graph_.ops.back().output;
    }

    int fullyConnected(int from, torch::nn::Linear& fc) {
        ExportOp op;
        op.kind = ExportOpKind::FullyConnected;
        op.name = "classifier";
        op.inputs = {from};
        op.weightShape = shapeOf(fc->weight);
        op.weights = toVector(fc->weight);
        op.bias = toVector(fc->bias);
        op.output = tensor("logits", {1, op.weightShape[0]});
        graph_.ops.push_back(std::move(op));
        return graph_.ops.back().output;
    }

    ExportGraph& graph() { return graph_; }
    int channelsOf(int t) const { return graph_.tensors[static_cast<std::size_t>(t)].shape.back(); }

private:
    ExportGraph graph_;
    int size_;
};

torch::Tensor weightTensor(const ExportOp& op) {
    std::vector<std::int64_t> shape(op.weightShape.begin(), op.weightShape.end());
    auto w = torch::from_blob(const_cast<float*>(op.weights.data()), shape, torch::kFloat32);
    if (op.kind == ExportOpKind::Conv2d)
        return w.permute({0, 3, 1, 2}).contiguous();
    if (op.kind == ExportOpKind::DepthwiseConv2d)
        return w.permute({3, 0, 1, 2}).contiguous();
    return w.clone();
}

torch::Tensor biasTensor(const ExportOp& op) {
    return torch::from_blob(const_cast<float*>(op.bias.data()),
                            {static_cast<std::int64_t>(op.bias.size())}, torch::kFloat32)
        .clone();
}

} // namespace

ExportGraph exportGraphOf(StaticNetImpl& net) {
    torch::NoGradGuard noGrad;
    const auto& spec = net.spec();
    Builder b(spec);
    int h = b.conv("stem", b.graph().input, net.stem, net.stemBn, true);
    for (std::size_t i = 0; i < net.blocks.size(); ++i) {
        auto& block = net.blocks[i];
        const std::string name = "block" + std::to_string(i);
        int y = h;
        if (!block.expand.is_empty())
            y = b.conv(name + "_expand", y, block.expand, block.expandBn, true);
        y = b.conv(name + "_dw", y, block.depthwise, block.depthwiseBn, true);
        y = b.conv(name + "_project", y, block.project, block.projectBn, false);
        if (block.residual) {
            auto shape = b.graph().tensors[static_cast<std::size_t>(y)].shape;
            y = b.simple(ExportOpKind::Add, name + "_add", {h, y}, shape);
        }
        h = y;
    }
    if (!net.headConv.is_empty())
        h = b.conv("head", h, net.headConv, net.headBn, true);
    h = b.simple(ExportOpKind::GlobalAveragePool, "pool", {h}, {1, b.channelsOf(h)});
    const int logits = b.fullyConnected(h, net.classifier);
    auto& g = b.graph();
    g.logits = logits;
    g.output = b.simple(ExportOpKind::Softmax, "probabilities", {logits}, {1, spec.classes});
    return std::move(g);
}

torch::Tensor runFloatGraph(const ExportGraph& graph, const torch::Tensor& x,
                            const TensorVisitor& each) {
    torch::NoGradGuard noGrad;
    std::vector<torch::Tensor> values(graph.tensors.size());
    values[static_cast<std::size_t>(graph.input)] = x;
    if (each)
        each(graph.input, x);
    for (const auto& op : graph.ops) {
        const auto& in = values[static_cast<std::size_t>(op.inputs[0])];
        torch::Tensor y;
        switch (op.kind) {
        case ExportOpKind::Conv2d:
        case ExportOpKind::DepthwiseConv2d: {
            const auto w = weightTensor(op);
            const int groups = op.kind == ExportOpKind::DepthwiseConv2d ? op.outChannels() : 1;
            y = conv2dSame(in, w, op.stride, groups) + biasTensor(op).view({1, -1, 1, 1});
            if (op.relu6)
                y = torch::clamp(y, 0.0, 6.0);
            break;
        }
        case ExportOpKind::Add:
            y = in + values[static_cast<std::size_t>(op.inputs[1])];
            break;
        case ExportOpKind::GlobalAveragePool:
            y = in.mean({2, 3});
            break;
        case ExportOpKind::FullyConnected:
            y = torch::linear(in, weightTensor(op), biasTensor(op));
            break;
        case ExportOpKind::Softmax:
            y = torch::softmax(in, 1);
            break;
        }
        values[static_cast<std::size_t>(op.output)] = y;
        if (each)
            each(op.output, y);
    }
    return values[static_cast<std::size_t>(graph.output)];
}

void calibrateGraph(ExportGraph& graph, const torch::Tensor& x) {
    runFloatGraph(graph, x, [&graph](int id, const torch::Tensor& v) {
        auto& t = graph.tensors[static_cast<std::size_t>(id)];
        t.min = std::min(t.min, v.min().item<float>());
        t.max = std::max(t.max, v.max().item<float>());
    });
}

} // namespace dnas
