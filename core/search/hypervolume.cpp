#include "search/hypervolume.h"

#include <algorithm>

#include "search/pareto.h"

namespace dnas {
namespace {

// Keeps the points that no other point dominates (duplicates once).
std::vector<std::vector<double>> nondominated(std::vector<std::vector<double>> points) {
    std::sort(points.begin(), points.end());
    points.erase(std::unique(points.begin(), points.end()), points.end());
    std::vector<std::vector<double>> out;
    for (std::size_t i = 0; i < points.size(); ++i) {
        bool dominatedByOther = false;
        for (std::size_t j = 0; j < points.size() && !dominatedByOther; ++j)
            dominatedByOther = j != i && dominates(points[j], points[i]);
        if (!dominatedByOther)
            out.push_back(points[i]);
    }
    return out;
}

double volume(std::vector<std::vector<double>> points, const std::vector<double>& reference,
              std::size_t dims) {
    if (points.empty())
        return 0.0;
    if (dims == 1) {
        double best = reference[0];
        for (const auto& p : points)
            best = std::min(best, p[0]);
        return reference[0] - best;
    }
    if (dims == 2) {
        std::sort(points.begin(), points.end());
        double area = 0;
        double ceiling = reference[1];
        for (const auto& p : points) {
            if (p[1] < ceiling) {
                area += (reference[0] - p[0]) * (ceiling - p[1]);
                ceiling = p[1];
            }
        }
        return area;
    }
    // Slice along the last objective: between consecutive values, the (dims-1)-dimensional
    // volume of the points at or below the slice, times the slice's thickness.
    const std::size_t last = dims - 1;
    std::sort(points.begin(), points.end(),
              [last](const auto& a, const auto& b) { return a[last] < b[last]; });
    double total = 0;
    std::vector<std::vector<double>> active;
    for (std::size_t i = 0; i < points.size(); ++i) {
        std::vector<double> projected(points[i].begin(),
                                      points[i].begin() + static_cast<std::ptrdiff_t>(last));
        active.push_back(std::move(projected));
        const double upper = i + 1 < points.size() ? points[i + 1][last] : reference[last];
        const double thickness = upper - points[i][last];
        if (thickness > 0)
            total += thickness * volume(nondominated(active), reference, last);
    }
    return total;
}

} // namespace

double hypervolume(std::vector<std::vector<double>> points, const std::vector<double>& reference) {
    std::vector<std::vector<double>> inside;
    for (auto& p : points) {
        bool strictlyBetter = p.size() == reference.size();
        for (std::size_t i = 0; strictlyBetter && i < p.size(); ++i)
            strictlyBetter = p[i] < reference[i];
        if (strictlyBetter)
            inside.push_back(std::move(p));
    }
    return volume(nondominated(std::move(inside)), reference, reference.size());
}

} // namespace dnas
