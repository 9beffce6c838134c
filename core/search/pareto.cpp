#include "search/pareto.h"

#include <algorithm>
#include <limits>
#include <numeric>

namespace dnas {

bool dominates(const std::vector<double>& a, const std::vector<double>& b) {
    bool better = false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (a[i] > b[i])
            return false;
        better = better || a[i] < b[i];
    }
    return better;
}

bool constrainedDominates(const ScoredPoint& a, const ScoredPoint& b) {
    if (a.feasible() != b.feasible())
        return a.feasible();
    if (!a.feasible())
        return a.violation < b.violation;
    return dominates(a.objectives, b.objectives);
}

std::vector<std::vector<std::size_t>> nonDominatedSort(const std::vector<ScoredPoint>& points) {
    const std::size_t n = points.size();
    std::vector<std::vector<std::size_t>> dominated(n);
    std::vector<std::size_t> dominators(n, 0);
    std::vector<std::vector<std::size_t>> fronts(1);
    for (std::size_t p = 0; p < n; ++p) {
        for (std::size_t q = 0; q < n; ++q) {
            if (p == q)
                continue;
            if (constrainedDominates(points[p], points[q]))
                dominated[p].push_back(q);
            else if (constrainedDominates(points[q], points[p]))
                ++dominators[p];
        }
        if (dominators[p] == 0)
            fronts[0].push_back(p);
    }
    while (!fronts.back().empty()) {
        std::vector<std::size_t> next;
        for (const auto p : fronts.back())
            for (const auto q : dominated[p])
                if (--dominators[q] == 0)
                    next.push_back(q);
        std::sort(next.begin(), next.end());
        fronts.push_back(std::move(next));
    }
    fronts.pop_back();
    return fronts;
}

std::vector<double> crowdingDistance(const std::vector<ScoredPoint>& points,
                                     const std::vector<std::size_t>& front) {
    const std::size_t n = front.size();
    std::vector<double> distance(n, 0.0);
    if (n == 0)
        return distance;
    constexpr double kInf = std::numeric_limits<double>::infinity();
    const std::size_t objectives = points[front[0]].objectives.size();
    std::vector<std::size_t> order(n);
    for (std::size_t m = 0; m < objectives; ++m) {
        std::iota(order.begin(), order.end(), std::size_t{0});
        std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
            return points[front[a]].objectives[m] < points[front[b]].objectives[m];
        });
        const double lo = points[front[order.front()]].objectives[m];
        const double hi = points[front[order.back()]].objectives[m];
        distance[order.front()] = kInf;
        distance[order.back()] = kInf;
        if (hi <= lo)
            continue;
        for (std::size_t k = 1; k + 1 < n; ++k)
            distance[order[k]] += (points[front[order[k + 1]]].objectives[m] -
                                   points[front[order[k - 1]]].objectives[m]) /
                                  (hi - lo);
    }
    return distance;
}

} // namespace dnas
