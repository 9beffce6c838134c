#include "search/genetic_operators.h"

#include <algorithm>
#include <cmath>

#include "common/rng.h"

namespace dnas {
namespace {

template <class T>
std::size_t indexOf(const std::vector<T>& values, const T& v) {
    const auto it = std::find(values.begin(), values.end(), v);
    return it == values.end() ? 0 : static_cast<std::size_t>(it - values.begin());
}

std::size_t widthIndex(const std::vector<double>& widths, double w) {
    std::size_t best = 0;
    for (std::size_t i = 1; i < widths.size(); ++i)
        if (std::abs(widths[i] - w) < std::abs(widths[best] - w))
            best = i;
    return best;
}

// Steps an index up or down by one (staying put at either end is a no-op, as in the paper).
std::size_t neighbour(std::size_t index, std::size_t size, Rng& rng) {
    if (rng.chance(0.5))
        return index + 1 < size ? index + 1 : index;
    return index > 0 ? index - 1 : index;
}

// Sorted copies of the value lists, so that "neighbouring" means neighbouring in size.
std::vector<int> sorted(std::vector<int> v) {
    std::sort(v.begin(), v.end());
    return v;
}

} // namespace

std::vector<int> repairDepths(const SearchSpace& space, std::vector<int> depths) {
    if (!space.contiguousDepths)
        return depths;
    for (int guard = 0; guard < 1000; ++guard) {
        std::size_t firstZero = depths.size();
        std::size_t lastNonZero = depths.size();
        for (std::size_t s = 0; s < depths.size(); ++s) {
            if (depths[s] == 0 && firstZero == depths.size())
                firstZero = s;
            if (depths[s] > 0)
                lastNonZero = s;
        }
        if (firstZero == depths.size() || lastNonZero == depths.size() || lastNonZero < firstZero)
            return depths; // contiguous
        --depths[lastNonZero];
        ++depths[firstZero];
    }
    return depths;
}

Candidate mutate(const SearchSpace& space, const Candidate& parent, Rng& rng, double p,
                 const GeneMask& mask) {
    Candidate c = parent;
    if (mask.data) {
        if (rng.chance(p))
            c.data.resolution = rng.pick(space.resolutions);
        if (rng.chance(p))
            c.data.colour = rng.pick(space.colours);
    }
    if (mask.arch) {
        if (rng.chance(p))
            c.arch.width = rng.pick(space.widths);
        for (std::size_t s = 0; s < space.stages.size(); ++s) {
            const auto& st = space.stages[s];
            if (rng.chance(p))
                c.arch.depths[s] = rng.between(st.minDepth, st.maxDepth);
            for (int d = 0; d < st.maxDepth; ++d) {
                auto& g = c.arch.blocks[space.slotOffset(s) + static_cast<std::size_t>(d)];
                if (rng.chance(p))
                    g.expansion = rng.pick(st.expansions);
                if (rng.chance(p))
                    g.kernel = rng.pick(st.kernels);
            }
        }
        c.arch.depths = repairDepths(space, c.arch.depths);
    }
    return space.canonical(std::move(c));
}

Candidate crossover(const SearchSpace& space, const Candidate& a, const Candidate& b, Rng& rng,
                    const GeneMask& mask) {
    Candidate c = a;
    if (mask.data) {
        c.data.resolution = rng.chance(0.5) ? a.data.resolution : b.data.resolution;
        c.data.colour = rng.chance(0.5) ? a.data.colour : b.data.colour;
    }
    if (mask.arch) {
        c.arch.width = rng.chance(0.5) ? a.arch.width : b.arch.width;
        for (std::size_t s = 0; s < c.arch.depths.size(); ++s)
            c.arch.depths[s] = rng.chance(0.5) ? a.arch.depths[s] : b.arch.depths[s];
        for (std::size_t k = 0; k < c.arch.blocks.size(); ++k)
            c.arch.blocks[k] = rng.chance(0.5) ? a.arch.blocks[k] : b.arch.blocks[k];
        c.arch.depths = repairDepths(space, c.arch.depths);
    }
    return space.canonical(std::move(c));
}

Candidate paperMutate(const SearchSpace& space, const Candidate& parent, Rng& rng,
                      const GeneMask& mask) {
    const auto resolutions = sorted(space.resolutions);
    for (int attempt = 0; attempt < 10000; ++attempt) {
        Candidate c = parent;
        const double branch = rng.uniform();
        if (branch < 0.4) {
            if (!mask.data)
                continue;
            if (rng.chance(0.5)) { // resolution or colour, chosen uniformly as in the seed code
                c.data.resolution = resolutions[neighbour(indexOf(resolutions, c.data.resolution),
                                                          resolutions.size(), rng)];
            } else {
                c.data.colour = space.colours[neighbour(indexOf(space.colours, c.data.colour),
                                                        space.colours.size(), rng)];
            }
        } else if (branch < 0.8) {
            if (!mask.arch)
                continue;
            const auto s = static_cast<std::size_t>(rng.below(space.stages.size()));
            const auto& st = space.stages[s];
            const int step = rng.chance(0.5) ? 1 : -1;
            c.arch.depths[s] = std::clamp(c.arch.depths[s] + step, st.minDepth, st.maxDepth);
            c.arch.depths = repairDepths(space, c.arch.depths);
        } else {
            if (!mask.arch)
                continue;
            std::vector<double> widths = space.widths;
            std::sort(widths.begin(), widths.end());
            c.arch.width = widths[neighbour(widthIndex(widths, c.arch.width), widths.size(), rng)];
        }
        c = space.canonical(std::move(c));
        if (!(c == space.canonical(parent)))
            return c;
    }
    return space.canonical(parent); // nothing can change (a space with a single choice)
}

double paperFitness(double accuracy, double precision, double recall, double ramBytes,
                    double ramBudget, double flashBytes, double flashBudget) {
    const double ramScore = 1.0 - std::max(ramBytes - ramBudget, 0.0) / ramBudget;
    const double flashScore = 1.0 - std::max(flashBytes - flashBudget, 0.0) / flashBudget;
    return accuracy + precision + recall + ramScore + flashScore;
}

} // namespace dnas
