#include "report/cost_bands.h"

#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include <nlohmann/json.hpp>

#include "common/rng.h"

namespace dnas {
namespace {

std::string keyOf(const Candidate& c) {
    return nlohmann::json(c).dump();
}

template <typename T>
void shuffle(std::vector<T>& v, Rng& rng) {
    for (std::size_t k = v.size(); k > 1; --k)
        std::swap(v[k - 1], v[static_cast<std::size_t>(rng.below(k))]);
}

} // namespace

std::vector<CostBand> sampleCostBands(const SearchSpace& space,
                                      const std::function<double(const Candidate&)>& cost,
                                      const CostBandOptions& o) {
    Rng rng(o.seed);
    std::vector<std::pair<double, Candidate>> pool;
    std::set<std::string> seen;
    // A small space may hold fewer distinct candidates than asked for: stop after as many
    // draws again without a new one.
    for (std::size_t draws = 0; pool.size() < o.pool && draws < 4 * o.pool; ++draws) {
        Candidate c = space.canonical(space.sample(rng));
        if (seen.insert(keyOf(c)).second)
            pool.emplace_back(cost(c), std::move(c));
    }
    std::vector<double> costs;
    for (const auto& p : pool)
        costs.push_back(p.first);
    std::sort(costs.begin(), costs.end());

    std::vector<CostBand> bands;
    for (int b = 0; b < o.bands && !costs.empty(); ++b) {
        CostBand band;
        const double q = (b + 0.5) / o.bands;
        band.centre = costs[std::min(
            costs.size() - 1, static_cast<std::size_t>(q * static_cast<double>(costs.size())))];
        band.low = band.centre * (1 - o.halfWidth);
        band.high = band.centre * (1 + o.halfWidth);
        // Members grouped by data configuration, in pool order (itself seeded).
        std::map<std::pair<int, int>, std::vector<const Candidate*>> byData;
        for (const auto& [c, candidate] : pool)
            if (c >= band.low && c <= band.high) {
                ++band.poolMembers;
                byData[{candidate.data.resolution, static_cast<int>(candidate.data.colour)}]
                    .push_back(&candidate);
            }
        std::vector<std::vector<const Candidate*>> groups;
        for (auto& [data, members] : byData) {
            shuffle(members, rng);
            groups.push_back(std::move(members));
        }
        shuffle(groups, rng);
        for (std::size_t round = 0; static_cast<int>(band.candidates.size()) < o.perBand; ++round) {
            bool took = false;
            for (const auto& g : groups)
                if (round < g.size() && static_cast<int>(band.candidates.size()) < o.perBand) {
                    band.candidates.push_back(*g[round]);
                    took = true;
                }
            if (!took)
                break;
        }
        bands.push_back(std::move(band));
    }
    return bands;
}

} // namespace dnas
