#include "report/run_frontier.h"

#include <algorithm>
#include <numeric>

#include "engine/search_config.h"

namespace dnas {

std::vector<std::size_t> frontierOf(std::span<const CandidateRecord> records,
                                    const std::string& mode, const Budgets& budgets,
                                    const std::vector<std::string>& objectives) {
    struct Point {
        std::size_t index;
        std::vector<double> v; // all minimised
    };
    std::vector<Point> points;
    for (std::size_t i = 0; i < records.size(); ++i) {
        const auto& r = records[i];
        if (!r.evaluated || (!mode.empty() && r.mode != mode) || !withinBudgets(r, budgets))
            continue;
        Point p{i, {1 - r.accuracy}};
        for (const auto& o : objectives)
            p.v.push_back(objectiveCost(r, o));
        points.push_back(std::move(p));
    }
    // Sorted by the objectives in turn, a point can only be dominated by one before it; a
    // point equal to a kept one in every objective is kept too (as ParetoArchive does).
    std::sort(points.begin(), points.end(),
              [](const Point& a, const Point& b) { return a.v < b.v; });
    auto dominates = [](const std::vector<double>& a, const std::vector<double>& b) {
        bool better = false;
        for (std::size_t k = 0; k < a.size(); ++k) {
            if (a[k] > b[k])
                return false;
            better = better || a[k] < b[k];
        }
        return better;
    };
    std::vector<std::size_t> front;
    std::vector<const Point*> kept;
    for (const auto& p : points) {
        const bool dominated = std::any_of(kept.begin(), kept.end(),
                                           [&](const Point* k) { return dominates(k->v, p.v); });
        if (!dominated) {
            kept.push_back(&p);
            front.push_back(p.index);
        }
    }
    std::sort(front.begin(), front.end());
    return front;
}

} // namespace dnas
