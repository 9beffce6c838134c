#include "supernet/supernet.h"

#include <algorithm>

#include <torch/torch.h>

namespace dnas {
ElasticBlockImpl::ElasticBlockImpl(int maxIn, int maxExpanded, int maxKernel, int maxOut,
                                   bool canExpand) {
    if (canExpand)
        expand = register_module("expand", ElasticConvBn(maxIn, maxExpanded, 1, false));
    depthwise =
        register_module("depthwise", ElasticConvBn(maxExpanded, maxExpanded, maxKernel, true));
    project = register_module("project", ElasticConvBn(maxExpanded, maxOut, 1, false));
}

torch::Tensor ElasticBlockImpl::forward(const torch::Tensor& x, const ArchitectureSpec& spec,
                                        std::size_t index) {
    const auto& b = spec.blocks[index];
    const int in = spec.blockInputChannels(index);
    const int expanded = spec.expandedChannels(index);
    torch::Tensor h = x;
    if (b.expansion != 1 || expanded != in) {
        TORCH_CHECK(!expand.is_empty(), "block has no expansion weights");
        h = torch::relu6(expand->forward(h, in, expanded, 1, 1));
    }
    h = torch::relu6(depthwise->forward(h, expanded, expanded, b.kernel, b.stride));
    h = project->forward(h, expanded, b.outChannels, 1, 1);
    if (spec.residuals && b.stride == 1 && in == b.outChannels)
        h = h + x;
    return h;
}

ExitHeadImpl::ExitHeadImpl(int maxIn, int maxLast, int classes) {
    if (maxLast > 0)
        conv = register_module("conv", ElasticConvBn(maxIn, maxLast, 1, false));
    const int features = std::max(maxIn, maxLast);
    fcWeight = register_parameter("fc_weight", torch::randn({classes, features}) * 0.01);
    fcBias = register_parameter("fc_bias", torch::zeros({classes}));
}

torch::Tensor ExitHeadImpl::forward(const torch::Tensor& x, int lastChannels) {
    torch::Tensor h = x;
    const int in = static_cast<int>(x.size(1));
    if (lastChannels > 0) {
        TORCH_CHECK(!conv.is_empty(), "exit has no final convolution");
        h = torch::relu6(conv->forward(h, in, lastChannels, 1, 1));
    }
    h = h.mean({2, 3});
    const int features = static_cast<int>(h.size(1));
    return torch::linear(h, fcWeight.slice(1, 0, features), fcBias);
}

SupernetImpl::SupernetImpl(SearchSpace space, int classes)
    : space_(std::move(space))
    , classes_(classes) {
    TORCH_CHECK(classes > 0, "a supernet needs at least one class");
    const double maxWidth = *std::max_element(space_.widths.begin(), space_.widths.end());
    const int stemMax = space_.channels(space_.stemChannels, maxWidth);
    stem = register_module("stem", ElasticConvBn(3, stemMax, space_.stemKernel, false));

    // Largest channels of every stage output, and the largest last convolution.
    std::vector<int> stageMax;
    for (const auto& st : space_.stages)
        stageMax.push_back(space_.channels(st.channels, maxWidth));
    int lastMax = 0;
    for (const double w : space_.widths) {
        Candidate probe = space_.largest();
        probe.arch.width = w;
        lastMax = std::max(lastMax, space_.decode(probe, classes_).lastChannels);
    }

    int inBase = space_.stemChannels;
    int inMax = stemMax;
    for (std::size_t s = 0; s < space_.stages.size(); ++s) {
        const auto& st = space_.stages[s];
        const int maxT = *std::max_element(st.expansions.begin(), st.expansions.end());
        const int maxK = *std::max_element(st.kernels.begin(), st.kernels.end());
        for (int d = 0; d < st.maxDepth; ++d) {
            const int blockIn = d == 0 ? inMax : stageMax[s];
            const int blockInBase = d == 0 ? inBase : st.channels;
            // The paper's alpha masks expand the full-width channels: int(t x C x alpha).
            const int expandedMax =
                std::max(blockIn * maxT, space_.channels(blockInBase * maxT, maxWidth));
            const bool canExpand = maxT > 1 || space_.rounding == WidthRounding::Truncate;
            blocks.push_back(
                register_module("block" + std::to_string(blocks.size()),
                                ElasticBlock(blockIn, expandedMax, maxK, stageMax[s], canExpand)));
        }
        inBase = st.channels;
        inMax = stageMax[s];
    }

    // An exit for every stage that is the last non-empty stage of some depth vector.
    std::vector<bool> isExit(space_.stages.size(), false);
    for (const auto& depths : space_.depthVectors()) {
        Candidate probe;
        probe.arch.depths = depths;
        isExit[exitStage(probe)] = true;
    }
    for (std::size_t s = 0; s < space_.stages.size(); ++s) {
        if (!isExit[s]) {
            exits.emplace_back(nullptr);
            continue;
        }
        const bool lastConv = space_.lastChannels > 0 && (space_.lastConv == LastConv::Always ||
                                                          s + 1 == space_.stages.size());
        exits.push_back(register_module("exit" + std::to_string(s),
                                        ExitHead(stageMax[s], lastConv ? lastMax : 0, classes_)));
    }
}

void SupernetImpl::initialize(std::uint64_t seed) {
    torch::manual_seed(static_cast<std::int64_t>(seed));
    torch::NoGradGuard noGrad;
    for (auto& module : modules(/*include_self=*/false)) {
        if (auto* conv = dynamic_cast<ElasticConvBnImpl*>(module.get())) {
            torch::nn::init::kaiming_normal_(conv->weight, 0.0, torch::kFanOut, torch::kReLU);
            conv->gamma.fill_(1.0);
            conv->beta.zero_();
            conv->runningMean.zero_();
            conv->runningVar.fill_(1.0);
        } else if (auto* exit = dynamic_cast<ExitHeadImpl*>(module.get())) {
            exit->fcWeight.normal_(0.0, 0.01);
            exit->fcBias.zero_();
        }
    }
}

std::size_t SupernetImpl::exitStage(const Candidate& candidate) {
    std::size_t last = 0;
    for (std::size_t s = 0; s < candidate.arch.depths.size(); ++s)
        if (candidate.arch.depths[s] > 0)
            last = s;
    return last;
}

torch::Tensor SupernetImpl::forward(const torch::Tensor& x, const Candidate& candidate) {
    return forward(x, candidate, space_.decode(candidate, classes_));
}

torch::Tensor SupernetImpl::forward(const torch::Tensor& x, const Candidate& candidate,
                                    const ArchitectureSpec& spec) {
    TORCH_CHECK(x.dim() == 4 && x.size(1) == spec.inputChannels, "expected input (N, ",
                spec.inputChannels, ", H, W) for this candidate, got ", x.sizes());
    torch::Tensor h = torch::relu6(
        stem->forward(x, spec.inputChannels, spec.stemChannels, spec.stemKernel, spec.stemStride));
    std::size_t index = 0;
    for (std::size_t s = 0; s < space_.stages.size(); ++s) {
        const int depth = candidate.arch.depths[s];
        for (int d = 0; d < depth; ++d, ++index)
            h = blocks[space_.slotOffset(s) + static_cast<std::size_t>(d)]->forward(h, spec, index);
    }
    auto& exit = exits[exitStage(candidate)];
    TORCH_CHECK(!exit.is_empty(), "no exit head for this depth vector");
    return exit->forward(h, spec.lastChannels);
}

} // namespace dnas
