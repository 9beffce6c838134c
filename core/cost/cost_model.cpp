#include "cost/cost_model.h"

#include <algorithm>
#include <cmath>

namespace dnas {
namespace {

// Work of element-wise ops, in elements touched (cycles = elements x cyclesPerElement).
std::int64_t elementwiseElements(const Network& net, const Op& op) {
    switch (op.kind) {
    case OpKind::Add:
        return net.outputOf(op).elements();
    case OpKind::GlobalAveragePool:
        return net.inputOf(op).elements();
    case OpKind::AveragePool2D:
    case OpKind::MaxPool2D:
        return net.outputOf(op).elements() * op.kernel * op.kernel;
    default:
        return 0;
    }
}

// Scratch buffer a kernel requests in Prepare (RequestScratchBufferInArena), from the runtime's
// figures; which CMSIS-NN buffer-size function each figure follows is in the profiles' sources.
Bytes scratchBytes(const Network& net, const Op& op, const RuntimeProfile& rt) {
    const auto& in = net.inputOf(op);
    const std::int64_t patch = std::int64_t{in.channels} * op.kernel * op.kernel;
    double bytes = 0;
    switch (op.kind) {
    case OpKind::Conv2D: {
        // arm_convolve_s8_get_buffer_size rounds the im2col column up to a multiple of 4.
        const std::int64_t align = std::max<Bytes>(1, rt.convScratchPatchAlignment);
        bytes = rt.convScratchPerPatchElement *
                static_cast<double>((patch + align - 1) / align * align);
        break;
    }
    case OpKind::DepthwiseConv2D:
        // 'same' padding gives a 3x3 kernel at most 1 pixel of padding: CMSIS-NN's
        // arm_depthwise_conv_3x3_s8 case.
        bytes = (op.kernel == 3 ? rt.depthwise3x3ScratchPerPatchElement
                                : rt.depthwiseScratchPerPatchElement) *
                static_cast<double>(patch);
        break;
    case OpKind::PointwiseConv2D:
        bytes = rt.pointwiseScratchPerInputChannel * in.channels;
        break;
    default:
        break;
    }
    return static_cast<Bytes>(std::ceil(bytes));
}

// Output channels whose requantisation multiplier and shift a kernel keeps in the persistent
// arena: CONV_2D and DEPTHWISE_CONV_2D allocate two int32 arrays of output channels in Prepare
// (conv_common.cc ConvPrepare, cmsis_nn/conv.cc and depthwise_conv.cc Prepare). A standard int8
// FULLY_CONNECTED is quantised per tensor: CalculateOpDataFullyConnected
// (fully_connected_common.cc) allocates per-channel arrays only for a filter with more than one
// scale and otherwise keeps one multiplier and shift in its OpData.
int requantisedChannels(const Network& net, const Op& op) {
    switch (op.kind) {
    case OpKind::Conv2D:
    case OpKind::DepthwiseConv2D:
    case OpKind::PointwiseConv2D:
        return net.outputOf(op).channels;
    default:
        return 0;
    }
}

// Keras pads a stride-2 depthwise input explicitly (ZeroPadding2D with correct_pad): one more
// row/column at the end for even sides, k/2 on both ends for odd sides.
std::int64_t kerasPaddedElements(const TensorShape& in, int kernel) {
    auto side = [kernel](int s) {
        return s + 2 * (kernel / 2) - (s % 2 == 0 ? 1 : 0);
    };
    return std::int64_t{side(in.height)} * side(in.width) * in.channels;
}

} // namespace

std::string_view toString(CostMode mode) {
    switch (mode) {
    case CostMode::Tflm:
        return "tflm";
    case CostMode::InPlace:
        return "inplace";
    case CostMode::Paper:
        return "paper";
    }
    return "?";
}

std::optional<CostMode> parseCostMode(std::string_view text) {
    if (text == "tflm")
        return CostMode::Tflm;
    if (text == "inplace")
        return CostMode::InPlace;
    if (text == "paper")
        return CostMode::Paper;
    return std::nullopt;
}

std::string_view toString(BudgetViolation::Resource resource) {
    switch (resource) {
    case BudgetViolation::Resource::Sram:
        return "sram";
    case BudgetViolation::Resource::Flash:
        return "flash";
    case BudgetViolation::Resource::Latency:
        return "latency";
    }
    return "?";
}

CostReport CostModel::estimate(const Network& net, const McuProfile& mcu,
                               const RuntimeProfile& runtime, CostMode mode,
                               const Budgets& budgets) {
    CostReport report;
    report.network = net.name;
    report.mcuId = mcu.id;
    report.runtimeId = runtime.id;
    report.mode = mode;
    report.budgets = budgets;
    report.layers.resize(net.ops.size());

    const double msPerCycle = 1000.0 / mcu.clockHz;
    const double mjPerMs = mcu.activePowerMw / 1000.0;
    Bytes perChannelBytes = 0;
    std::int64_t weightedOps = 0;
    double cycles = runtime.invokeOverheadCycles;
    for (std::size_t i = 0; i < net.ops.size(); ++i) {
        const Op& op = net.ops[i];
        LayerCost& L = report.layers[i];
        L.name = op.name;
        L.kind = op.kind;
        L.input = net.inputOf(op);
        L.output = net.outputOf(op);
        L.kernel = op.kernel;
        L.stride = op.stride;
        L.macs = net.macs(op);
        const ParamCount w = net.weights(op);
        const ParamCount b = net.biases(op);
        const int channels = net.quantChannels(op);
        L.params = w + b;
        if (mode == CostMode::Paper) // Keras weights: kernels, 4 batch-norm vectors or a bias
            L.flashBytes = w + (op.batchNorm ? 4 * std::int64_t{channels} : b);
        else
            L.flashBytes = w + channels * runtime.flashBytesPerChannel;
        weightedOps += w > 0 ? 1 : 0;
        perChannelBytes += channels * runtime.flashBytesPerChannel;

        const double opCycles =
            static_cast<double>(L.macs) * runtime.cyclesPerMacFor(op.kind) +
            static_cast<double>(elementwiseElements(net, op)) * runtime.cyclesPerElement +
            runtime.opOverheadCycles;
        cycles += opCycles;
        L.latencyMs = opCycles * msPerCycle;
        L.energyMj = L.latencyMs * mjPerMs;
        report.macs += L.macs;
        report.params += L.params;
        report.weightBytes += w;
    }

    if (mode == CostMode::Paper) {
        for (const auto& L : report.layers)
            report.flashBytes += L.flashBytes;
        report.modelOverheadBytes = report.flashBytes - report.weightBytes;
        paperMemory(net, report);
    } else {
        // Activation tensors plus a weight and a bias tensor per weighted op.
        const auto tensorCount = static_cast<std::int64_t>(net.tensors.size()) + 2 * weightedOps;
        report.modelOverheadBytes =
            perChannelBytes + static_cast<std::int64_t>(net.ops.size()) * runtime.flashBytesPerOp +
            tensorCount * runtime.flashBytesPerTensor;
        report.codeBytes = runtime.codeBytes;
        report.flashBytes = report.weightBytes + report.modelOverheadBytes + report.codeBytes;
        planMemory(net, runtime, mode == CostMode::InPlace, report);
    }
    report.latencyMs = cycles * msPerCycle;
    report.energyMj = report.latencyMs * mjPerMs;
    verdict(report);
    return report;
}

void CostModel::planMemory(const Network& net, const RuntimeProfile& runtime, bool inPlaceDepthwise,
                           CostReport& report) {
    const auto tensorCount = net.tensors.size();
    lastUse_.assign(tensorCount, 0);
    for (std::size_t i = 0; i < net.ops.size(); ++i)
        for (int t : net.ops[i].inputs)
            if (t >= 0)
                lastUse_[t] = static_cast<int>(i);
    if (!net.ops.empty())
        lastUse_[net.ops.back().output] = static_cast<int>(net.ops.size()) - 1;

    buffers_.clear();
    bufferOfTensor_.assign(tensorCount, -1);
    buffers_.push_back({net.tensors[0].elements(), 0, lastUse_[0]});
    bufferOfTensor_[0] = 0;
    scratch_.clear();
    std::int64_t requantised = 0;
    for (std::size_t i = 0; i < net.ops.size(); ++i) {
        const Op& op = net.ops[i];
        const int opIndex = static_cast<int>(i);
        const int out = op.output;
        const Bytes outBytes = net.tensors[out].elements();
        Bytes scratch = scratchBytes(net, op, runtime);
        const int in = op.inputs[0];
        if (inPlaceDepthwise && op.kind == OpKind::DepthwiseConv2D && in > 0 &&
            lastUse_[in] == opIndex) {
            // The output overwrites the input channel by channel; one padded input channel
            // plane is kept aside while it is being computed.
            auto& shared = buffers_[bufferOfTensor_[in]];
            shared.size = std::max(shared.size, outBytes);
            shared.lastUse = std::max(shared.lastUse, lastUse_[out]);
            bufferOfTensor_[out] = bufferOfTensor_[in];
            const auto& s = net.tensors[in];
            scratch += Bytes{s.height + op.kernel - 1} * (s.width + op.kernel - 1);
        } else {
            bufferOfTensor_[out] = static_cast<int>(buffers_.size());
            buffers_.push_back({outBytes, opIndex, lastUse_[out]});
        }
        if (scratch > 0)
            scratch_.push_back({scratch, opIndex, opIndex});
        report.layers[i].scratchBytes = scratch;
        requantised += requantisedChannels(net, op);
    }
    // TFLM plans every tensor first and the scratch buffers after them, in request order
    // (AllocationInfoBuilder, micro_allocation_info.cc): the order decides ties in the planner.
    buffers_.insert(buffers_.end(), scratch_.begin(), scratch_.end());

    const ArenaPlan plan = planArena(buffers_, runtime.bufferAlignment);
    report.arenaBytes = plan.peakBytes;
    // Per op: bytes of the buffers alive during it and the highest address they reach.
    // Lifetimes are short (a residual spans a block), so walking each buffer's ops is cheap.
    const Bytes align = std::max<Bytes>(1, runtime.bufferAlignment);
    const int lastOp = static_cast<int>(net.ops.size()) - 1;
    for (std::size_t b = 0; b < buffers_.size(); ++b) {
        const auto& buf = buffers_[b];
        const Bytes size = (buf.size + align - 1) / align * align;
        for (int t = std::max(0, buf.firstUse); t <= std::min(buf.lastUse, lastOp); ++t) {
            auto& L = report.layers[static_cast<std::size_t>(t)];
            L.liveBytes += size;
            L.arenaExtentBytes = std::max(L.arenaExtentBytes, plan.offsets[b] + size);
        }
    }
    // The peak op: highest arena extent; among equal extents the one holding most bytes.
    for (int t = 0; t <= lastOp; ++t) {
        const auto& L = report.layers[static_cast<std::size_t>(t)];
        const auto* best = report.peakLayer >= 0 ? &report.layers[report.peakLayer] : nullptr;
        if (!best || L.arenaExtentBytes > best->arenaExtentBytes ||
            (L.arenaExtentBytes == best->arenaExtentBytes && L.liveBytes > best->liveBytes))
            report.peakLayer = t;
    }
    std::int64_t weightedOps = 0;
    for (const auto& op : net.ops)
        weightedOps += net.weights(op) > 0 ? 1 : 0;
    const auto tensorCountAll = static_cast<std::int64_t>(tensorCount) + 2 * weightedOps;
    report.persistentBytes =
        static_cast<std::int64_t>(net.ops.size()) * runtime.persistentBytesPerOp +
        tensorCountAll * runtime.persistentBytesPerTensor +
        requantised * runtime.persistentBytesPerChannel;
    report.runtimeSramBytes = runtime.sramOverheadBytes;
    report.peakSramBytes = report.arenaBytes + report.persistentBytes + report.runtimeSramBytes;
}

void CostModel::paperMemory(const Network& net, CostReport& report) {
    // RAM = max(input sample, max over Keras layers of input + output elements), int8, with
    // every layer of a block counted separately: a convolution's batch-norm and activation
    // layers read and write its output (2 x output), a stride-2 depthwise convolution has a
    // zero-padding layer before it. Residual adds do not exist in the paper's subnets.
    Bytes peak = net.tensors.empty() ? 0 : net.tensors[0].elements();
    report.peakLayer = -1;
    for (std::size_t i = 0; i < net.ops.size(); ++i) {
        const Op& op = net.ops[i];
        auto& L = report.layers[i];
        if (op.kind == OpKind::Add)
            continue;
        const std::int64_t in = net.inputOf(op).elements();
        const std::int64_t out = net.outputOf(op).elements();
        std::int64_t v = in + out;
        if (op.batchNorm || op.activation != Activation::None)
            v = std::max(v, 2 * out);
        if (op.kind == OpKind::DepthwiseConv2D && op.stride == 2)
            v = std::max(v, in + kerasPaddedElements(net.inputOf(op), op.kernel));
        L.liveBytes = L.arenaExtentBytes = v;
        if (v > peak) {
            peak = v;
            report.peakLayer = static_cast<int>(i);
        }
    }
    report.arenaBytes = peak;
    report.peakSramBytes = peak;
}

void CostModel::verdict(CostReport& report) const {
    using R = BudgetViolation::Resource;
    const auto& b = report.budgets;
    report.violations.clear();
    if (report.peakSramBytes > b.sramBytes)
        report.violations.push_back(
            {R::Sram, static_cast<double>(report.peakSramBytes), static_cast<double>(b.sramBytes)});
    if (report.flashBytes > b.flashBytes)
        report.violations.push_back(
            {R::Flash, static_cast<double>(report.flashBytes), static_cast<double>(b.flashBytes)});
    if (b.latencyMs && report.latencyMs > *b.latencyMs)
        report.violations.push_back({R::Latency, report.latencyMs, *b.latencyMs});
    report.fits = report.violations.empty();
}

} // namespace dnas
