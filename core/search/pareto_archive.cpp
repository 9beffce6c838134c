#include "search/pareto_archive.h"

#include <algorithm>

#include "search/hypervolume.h"
#include "search/pareto.h"

namespace dnas {

bool ParetoArchive::insert(std::int64_t id, std::vector<double> objectives) {
    for (const auto& e : front_)
        if (dominates(e.objectives, objectives))
            return false;
    std::erase_if(front_, [&](const Entry& e) { return dominates(objectives, e.objectives); });
    front_.push_back({id, std::move(objectives)});
    return true;
}

bool ParetoArchive::contains(std::int64_t id) const {
    return std::any_of(front_.begin(), front_.end(), [id](const Entry& e) { return e.id == id; });
}

void ParetoArchive::relabel(std::int64_t from, std::int64_t to) {
    for (auto& e : front_)
        if (e.id == from)
            e.id = to;
}

double ParetoArchive::hypervolume(const std::vector<double>& reference) const {
    std::vector<std::vector<double>> points;
    points.reserve(front_.size());
    for (const auto& e : front_)
        points.push_back(e.objectives);
    return dnas::hypervolume(std::move(points), reference);
}

} // namespace dnas
