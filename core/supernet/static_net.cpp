#include "supernet/static_net.h"

#include <torch/torch.h>

#include "supernet/supernet.h"

namespace dnas {
namespace {

namespace nn = torch::nn;

// Padding is applied by run() (TFLite SAME), not by the module.
nn::Conv2d conv(int in, int out, int kernel, int stride, int groups) {
    return nn::Conv2d(
        nn::Conv2dOptions(in, out, kernel).stride(stride).padding(0).groups(groups).bias(false));
}

torch::Tensor run(nn::Conv2d& c, const torch::Tensor& x) {
    const auto& o = c->options;
    return conv2dSame(x, c->weight, static_cast<int>((*o.stride())[0]),
                      static_cast<int>(o.groups()));
}

nn::BatchNorm2d bn(int channels) {
    return nn::BatchNorm2d(nn::BatchNorm2dOptions(channels)
                               .eps(ElasticConvBnImpl::kEps)
                               .momentum(ElasticConvBnImpl::kMomentum));
}

void copyConvBn(ElasticConvBnImpl& from, nn::Conv2d& toConv, nn::BatchNorm2d& toBn, int in, int out,
                int kernel) {
    toConv->weight.copy_(from.activeWeight(in, out, kernel));
    toBn->weight.copy_(from.gamma.slice(0, 0, out));
    toBn->bias.copy_(from.beta.slice(0, 0, out));
    toBn->running_mean.copy_(from.runningMean.slice(0, 0, out));
    toBn->running_var.copy_(from.runningVar.slice(0, 0, out));
}

} // namespace

StaticNetImpl::StaticNetImpl(const ArchitectureSpec& spec)
    : spec_(spec) {
    stem = register_module(
        "stem", conv(spec.inputChannels, spec.stemChannels, spec.stemKernel, spec.stemStride, 1));
    stemBn = register_module("stem_bn", bn(spec.stemChannels));
    for (std::size_t i = 0; i < spec.blocks.size(); ++i) {
        const auto& b = spec.blocks[i];
        const int in = spec.blockInputChannels(i);
        const int expanded = spec.expandedChannels(i);
        const std::string name = "block" + std::to_string(i);
        Block block;
        if (b.expansion != 1 || expanded != in) {
            block.expand = register_module(name + "_expand", conv(in, expanded, 1, 1, 1));
            block.expandBn = register_module(name + "_expand_bn", bn(expanded));
        }
        block.depthwise =
            register_module(name + "_dw", conv(expanded, expanded, b.kernel, b.stride, expanded));
        block.depthwiseBn = register_module(name + "_dw_bn", bn(expanded));
        block.project = register_module(name + "_project", conv(expanded, b.outChannels, 1, 1, 1));
        block.projectBn = register_module(name + "_project_bn", bn(b.outChannels));
        block.residual = spec.residuals && b.stride == 1 && in == b.outChannels;
        blocks.push_back(std::move(block));
    }
    const int features = spec.blocks.empty() ? spec.stemChannels : spec.blocks.back().outChannels;
    if (spec.lastChannels > 0) {
        headConv = register_module("head_conv", conv(features, spec.lastChannels, 1, 1, 1));
        headBn = register_module("head_bn", bn(spec.lastChannels));
    }
    classifier = register_module(
        "classifier",
        nn::Linear(spec.lastChannels > 0 ? spec.lastChannels : features, spec.classes));
}

torch::Tensor StaticNetImpl::forward(const torch::Tensor& x) {
    torch::Tensor h = torch::relu6(stemBn(run(stem, x)));
    for (auto& b : blocks) {
        torch::Tensor y = h;
        if (!b.expand.is_empty())
            y = torch::relu6(b.expandBn(run(b.expand, y)));
        y = torch::relu6(b.depthwiseBn(run(b.depthwise, y)));
        y = b.projectBn(run(b.project, y));
        h = b.residual ? y + h : y;
    }
    if (!headConv.is_empty())
        h = torch::relu6(headBn(run(headConv, h)));
    return classifier(h.mean({2, 3}));
}

StaticNet extractSubnet(SupernetImpl& supernet, const Candidate& candidate) {
    const auto spec = supernet.space().decode(candidate, supernet.classes());
    StaticNet net(spec);
    torch::NoGradGuard noGrad;
    copyConvBn(*supernet.stem, net->stem, net->stemBn, spec.inputChannels, spec.stemChannels,
               spec.stemKernel);
    const auto& space = supernet.space();
    std::size_t index = 0;
    for (std::size_t s = 0; s < space.stages.size(); ++s) {
        for (int d = 0; d < candidate.arch.depths[s]; ++d, ++index) {
            auto& from = *supernet.blocks[space.slotOffset(s) + static_cast<std::size_t>(d)];
            auto& to = net->blocks[index];
            const auto& b = spec.blocks[index];
            const int in = spec.blockInputChannels(index);
            const int expanded = spec.expandedChannels(index);
            if (!to.expand.is_empty())
                copyConvBn(*from.expand, to.expand, to.expandBn, in, expanded, 1);
            copyConvBn(*from.depthwise, to.depthwise, to.depthwiseBn, expanded, expanded, b.kernel);
            copyConvBn(*from.project, to.project, to.projectBn, expanded, b.outChannels, 1);
        }
    }
    auto& exit = *supernet.exits[SupernetImpl::exitStage(candidate)];
    const int features = spec.blocks.empty() ? spec.stemChannels : spec.blocks.back().outChannels;
    if (!net->headConv.is_empty())
        copyConvBn(*exit.conv, net->headConv, net->headBn, features, spec.lastChannels, 1);
    const int classifierIn = spec.lastChannels > 0 ? spec.lastChannels : features;
    net->classifier->weight.copy_(exit.fcWeight.slice(1, 0, classifierIn));
    net->classifier->bias.copy_(exit.fcBias);
    net->train(supernet.is_training());
    return net;
}

} // namespace dnas
