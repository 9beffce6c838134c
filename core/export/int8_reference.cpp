#include "export/int8_reference.h"

#include <stdexcept>

#include <torch/torch.h>

#include "export/quantise.h"
#include "supernet/elastic_conv_bn.h"

namespace dnas {
namespace {

torch::Tensor roundAway(const torch::Tensor& v) {
    return torch::sign(v) * torch::floor(torch::abs(v) + 0.5);
}

// q = round(real / scale) + zero point, clamped to [lo, hi] (int8 by default).
torch::Tensor requantise(const torch::Tensor& real, const QuantParams& q, double lo = -128,
                         double hi = 127) {
    return torch::clamp(roundAway(real / q.scale) + q.zeroPoint, lo, hi);
}

torch::Tensor int8Weights(const ExportOp& op) {
    std::vector<std::int64_t> shape(op.weightShape.begin(), op.weightShape.end());
    auto w = torch::from_blob(const_cast<std::int8_t*>(op.qweights.data()), shape, torch::kInt8)
                 .to(torch::kFloat32);
    if (op.kind == ExportOpKind::Conv2d)
        return w.permute({0, 3, 1, 2}).contiguous();
    if (op.kind == ExportOpKind::DepthwiseConv2d)
        return w.permute({3, 0, 1, 2}).contiguous();
    return w;
}

torch::Tensor int32Bias(const ExportOp& op) {
    return torch::from_blob(const_cast<std::int32_t*>(op.qbias.data()),
                            {static_cast<std::int64_t>(op.qbias.size())}, torch::kInt32)
        .to(torch::kFloat32);
}

// Per output channel: input scale x weight scale / output scale.
torch::Tensor multipliers(const ExportOp& op, double inScale, double outScale) {
    std::vector<double> m;
    for (const double s : op.weightScales)
        m.push_back(inScale * s / outScale);
    return torch::tensor(m, torch::kFloat64);
}

torch::Tensor convolve(const ExportOp& op, const torch::Tensor& q, const QuantParams& in,
                       const QuantParams& out) {
    const int groups = op.kind == ExportOpKind::DepthwiseConv2d ? op.outChannels() : 1;
    // Zero padding of (q - zero point) is padding with the zero point, as TFLite pads.
    const auto acc = conv2dSame(q - in.zeroPoint, int8Weights(op), op.stride, groups) +
                     int32Bias(op).view({1, -1, 1, 1});
    const auto scaled =
        acc.to(torch::kFloat64) * multipliers(op, in.scale, out.scale).view({1, -1, 1, 1});
    double lo = -128;
    double hi = 127;
    if (op.relu6) {
        lo = std::max(lo, static_cast<double>(out.zeroPoint));
        hi = std::min(hi, roundHalfAway(6.0 / out.scale) + out.zeroPoint);
    }
    return torch::clamp(roundAway(scaled) + out.zeroPoint, lo, hi).to(torch::kFloat32);
}

torch::Tensor softmaxOf(const torch::Tensor& x, const QuantParams& in, const QuantParams& out) {
    const auto p = torch::softmax((x.to(torch::kFloat64) - in.zeroPoint) * in.scale, 1);
    return requantise(p, out).to(torch::kFloat32);
}

} // namespace

torch::Tensor int8Softmax(const ExportGraph& graph, const torch::Tensor& logits) {
    const auto& op = graph.ops.back();
    if (op.kind != ExportOpKind::Softmax)
        throw std::logic_error("int8Softmax: the graph does not end in a softmax");
    const auto quant = [&graph](int id) -> const QuantParams& {
        return graph.tensors[static_cast<std::size_t>(id)].quant;
    };
    return softmaxOf(logits, quant(op.inputs[0]), quant(op.output)).to(torch::kInt8);
}

torch::Tensor quantiseInput(const ExportGraph& graph, const torch::Tensor& x) {
    const auto& q = graph.tensors[static_cast<std::size_t>(graph.input)].quant;
    return requantise(x.to(torch::kFloat64), q).to(torch::kInt8);
}

Int8Outputs runInt8Graph(const ExportGraph& graph, const torch::Tensor& qinput,
                         const TensorVisitor& each) {
    torch::NoGradGuard noGrad;
    const auto quant = [&graph](int id) -> const QuantParams& {
        return graph.tensors[static_cast<std::size_t>(id)].quant;
    };
    std::vector<torch::Tensor> values(graph.tensors.size()); // integer values held as float32
    values[static_cast<std::size_t>(graph.input)] = qinput.to(torch::kFloat32);
    for (const auto& op : graph.ops) {
        const auto& x = values[static_cast<std::size_t>(op.inputs[0])];
        const auto& in = quant(op.inputs[0]);
        const auto& out = quant(op.output);
        torch::Tensor y;
        switch (op.kind) {
        case ExportOpKind::Conv2d:
        case ExportOpKind::DepthwiseConv2d:
            y = convolve(op, x, in, out);
            break;
        case ExportOpKind::Add: {
            const auto& in2 = quant(op.inputs[1]);
            const auto& x2 = values[static_cast<std::size_t>(op.inputs[1])];
            const auto real = (x.to(torch::kFloat64) - in.zeroPoint) * in.scale +
                              (x2.to(torch::kFloat64) - in2.zeroPoint) * in2.scale;
            y = requantise(real, out).to(torch::kFloat32);
            break;
        }
        case ExportOpKind::GlobalAveragePool: // keeps its input's scale and zero point
            y = torch::clamp(roundAway(x.to(torch::kFloat64).mean({2, 3})), -128, 127)
                    .to(torch::kFloat32);
            break;
        case ExportOpKind::FullyConnected: {
            const auto acc = torch::linear(x - in.zeroPoint, int8Weights(op), int32Bias(op));
            y = torch::clamp(roundAway(acc.to(torch::kFloat64) *
                                       (in.scale * op.weightScales[0] / out.scale)) +
                                 out.zeroPoint,
                             -128, 127)
                    .to(torch::kFloat32);
            break;
        }
        case ExportOpKind::Softmax:
            y = softmaxOf(x, in, out);
            break;
        }
        values[static_cast<std::size_t>(op.output)] = y;
        if (each)
            each(op.output, y);
    }
    return {values[static_cast<std::size_t>(graph.logits)].to(torch::kInt8),
            values[static_cast<std::size_t>(graph.output)].to(torch::kInt8)};
}

} // namespace dnas
