#pragma once

// Small static networks for the export tests: every kernel size, stride 2 on even and odd
// sizes, blocks with and without expansion and shortcut, RGB or grayscale, and batch-norm
// statistics drawn at random so that folding them is not a no-op.
#include <torch/torch.h>

#include "supernet/static_net.h"

namespace fixtures {

inline dnas::ArchitectureSpec exportSpec(int resolution, int inputChannels, bool head = true,
                                         int classes = 3) {
    dnas::ArchitectureSpec s;
    s.name = "export-test";
    s.resolution = resolution;
    s.inputChannels = inputChannels;
    s.stemChannels = 8;
    s.stemKernel = 3;
    s.stemStride = 2;
    s.blocks = {
        {1, 0, 3, 1, 8},  // no expansion, shortcut
        {6, 0, 5, 2, 16}, // stride 2
        {4, 0, 7, 1, 16}, // shortcut
        {3, 0, 3, 2, 24}, // stride 2 again
    };
    s.lastChannels = head ? 32 : 0;
    s.classes = classes;
    s.residuals = true;
    return s;
}

// Random weights (as constructed) and random batch-norm parameters and statistics; eval mode.
inline dnas::StaticNet randomNet(const dnas::ArchitectureSpec& spec, std::uint64_t seed) {
    torch::manual_seed(static_cast<std::int64_t>(seed));
    dnas::StaticNet net(spec);
    torch::NoGradGuard noGrad;
    for (auto& m : net->modules(false))
        if (auto* bn = dynamic_cast<torch::nn::BatchNorm2dImpl*>(m.get())) {
            bn->weight.uniform_(0.5, 1.5);
            bn->bias.uniform_(-0.3, 0.3);
            bn->running_mean.uniform_(-0.2, 0.2);
            bn->running_var.uniform_(0.3, 2.0);
        }
    net->eval();
    return net;
}

// A batch as imagesToTensor makes it: (pixel - 128) / 128 for random pixels.
inline torch::Tensor randomImages(const dnas::ArchitectureSpec& spec, int n, std::uint64_t seed) {
    torch::manual_seed(static_cast<std::int64_t>(seed));
    const auto pixels =
        torch::randint(0, 256, {n, spec.inputChannels, spec.resolution, spec.resolution});
    return (pixels.to(torch::kFloat32) - 128) / 128;
}

} // namespace fixtures
