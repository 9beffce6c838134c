#pragma once

#include <algorithm>
#include <cmath>

#include <torch/optim/optimizer.h>

namespace dnas {

// Linear warm-up over `warmup` steps to `peak`, then cosine decay to zero at step `total`.
// With warmup 0 it is the plain cosine schedule.
inline double warmupCosineRate(double peak, long long step, long long warmup, long long total) {
    if (step < warmup)
        return peak * static_cast<double>(step + 1) / static_cast<double>(warmup);
    const double progress =
        static_cast<double>(step - warmup) / static_cast<double>(std::max(1LL, total - warmup));
    return 0.5 * peak * (1.0 + std::cos(M_PI * std::min(1.0, progress)));
}

inline void setLearningRate(torch::optim::Optimizer& optimizer, double rate) {
    for (auto& group : optimizer.param_groups())
        group.options().set_lr(rate);
}

} // namespace dnas
