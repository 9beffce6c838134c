#include "export/quantise.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace dnas {

double roundHalfAway(double v) {
    return v < 0 ? -std::floor(-v + 0.5) : std::floor(v + 0.5);
}

QuantParams activationQuant(float min, float max) {
    const double lo = std::min(0.0, static_cast<double>(min));
    double hi = std::max(0.0, static_cast<double>(max));
    if (hi - lo < 1e-8) // a constant-zero tensor: any scale represents it
        hi = lo + 1e-8;
    QuantParams q;
    q.scale = (hi - lo) / 255.0;
    q.zeroPoint = static_cast<int>(std::clamp(roundHalfAway(-128.0 - lo / q.scale), -128.0, 127.0));
    return q;
}

namespace {

// Symmetric scales of `groups` groups of weights (one group per output channel, or one
// group): max |w| / 127, but at least `floors[group]`; fills the int8 weights. `groupOf(i)` is
// weight i's group.
template <typename GroupOf>
std::vector<double> quantiseWeights(const std::vector<float>& w, const std::vector<double>& floors,
                                    GroupOf groupOf, std::vector<std::int8_t>& out) {
    const std::size_t groups = floors.size();
    std::vector<double> maxAbs(groups, 0.0);
    for (std::size_t i = 0; i < w.size(); ++i) {
        auto& m = maxAbs[groupOf(i)];
        m = std::max(m, std::fabs(static_cast<double>(w[i])));
    }
    std::vector<double> scales(groups);
    for (std::size_t c = 0; c < groups; ++c) {
        scales[c] = std::max(maxAbs[c] / 127.0, floors[c]);
        if (scales[c] <= 0)
            scales[c] = 1.0; // an all-zero channel with a zero bias: any scale
    }
    out.resize(w.size());
    for (std::size_t i = 0; i < w.size(); ++i)
        out[i] = static_cast<std::int8_t>(
            std::clamp(roundHalfAway(w[i] / scales[groupOf(i)]), -127.0, 127.0));
    return scales;
}

void quantiseOp(ExportOp& op, double inputScale) {
    const auto channels = static_cast<std::size_t>(op.outChannels());
    const bool perTensor = op.kind == ExportOpKind::FullyConnected;
    // The bias must fit int32 at scale input x weight: after batch-norm folding a channel
    // whose gamma is near 0 has tiny weights but a bias near beta, so its weight scale is
    // raised until the bias fits (as TFLite's converter does) instead of clamping the bias.
    constexpr double kInt32Max = std::numeric_limits<std::int32_t>::max();
    std::vector<double> floors(perTensor ? 1 : channels, 0.0);
    for (std::size_t c = 0; c < op.bias.size(); ++c) {
        auto& f = floors[perTensor ? 0 : c];
        f = std::max(f, std::fabs(static_cast<double>(op.bias[c])) / (inputScale * kInt32Max));
    }
    if (op.kind == ExportOpKind::Conv2d) {
        const std::size_t perChannel = op.weights.size() / channels;
        op.weightScales = quantiseWeights(
            op.weights, floors, [perChannel](std::size_t i) { return i / perChannel; },
            op.qweights);
    } else if (op.kind == ExportOpKind::DepthwiseConv2d) {
        op.weightScales = quantiseWeights(
            op.weights, floors, [channels](std::size_t i) { return i % channels; }, op.qweights);
    } else {
        op.weightScales = quantiseWeights(
            op.weights, floors, [](std::size_t) { return std::size_t{0}; }, op.qweights);
    }
    op.qbias.resize(op.bias.size());
    for (std::size_t c = 0; c < op.bias.size(); ++c) {
        const double s = inputScale * op.weightScales[perTensor ? 0 : c];
        op.qbias[c] = static_cast<std::int32_t>(
            std::clamp(roundHalfAway(op.bias[c] / s), -kInt32Max, kInt32Max));
    }
}

} // namespace

void quantiseGraph(ExportGraph& graph) {
    auto& tensors = graph.tensors;
    for (auto& t : tensors)
        t.quant = activationQuant(t.min, t.max);
    tensors[static_cast<std::size_t>(graph.input)].quant = {kInputScale, kInputZeroPoint};
    for (auto& op : graph.ops) {
        const auto& in = tensors[static_cast<std::size_t>(op.inputs[0])].quant;
        auto& out = tensors[static_cast<std::size_t>(op.output)].quant;
        switch (op.kind) {
        case ExportOpKind::Conv2d:
        case ExportOpKind::DepthwiseConv2d:
        case ExportOpKind::FullyConnected:
            quantiseOp(op, in.scale);
            break;
        case ExportOpKind::GlobalAveragePool:
            out = in;
            break;
        case ExportOpKind::Softmax:
            out = {kSoftmaxScale, kSoftmaxZeroPoint};
            break;
        case ExportOpKind::Add:
            break;
        }
    }
}

} // namespace dnas
