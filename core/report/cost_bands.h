#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

#include "space/search_space.h"

namespace dnas {

// Candidates of similar cost: the ones that compete with each other on a frontier. A rank
// correlation measured within such a band says whether an evaluator can tell competitors
// apart, which one over candidates of very different size cannot.
struct CostBand {
    double centre = 0;           // cost at the band's quantile of the sampled pool
    double low = 0;              // centre * (1 - halfWidth)
    double high = 0;             // centre * (1 + halfWidth)
    std::size_t poolMembers = 0; // sampled candidates that fell into the band
    std::vector<Candidate> candidates;
};

struct CostBandOptions {
    int bands = 3;            // centred on the pool's quantiles (b + 0.5) / bands
    int perBand = 10;         // candidates taken from each band (fewer when it has fewer)
    double halfWidth = 0.1;   // relative: a band spans centre +- 10 %
    std::size_t pool = 20000; // candidates sampled from the space to choose from
    std::uint64_t seed = 1;
};

// Samples `pool` distinct candidates of `space`, costs each with `cost`, and takes
// `perBand` from each band, spread over the data configurations present in it (round robin
// over the configurations in a seeded order, a seeded member of each). Deterministic for a
// seed.
std::vector<CostBand> sampleCostBands(const SearchSpace& space,
                                      const std::function<double(const Candidate&)>& cost,
                                      const CostBandOptions& options);

} // namespace dnas
