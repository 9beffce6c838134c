#pragma once

#include <cstddef>
#include <vector>

namespace dnas {

// A scored point for multi-objective selection. Every objective is minimised (accuracy enters
// as 1 - accuracy); `violation` is the total normalised budget excess, 0 when feasible.
struct ScoredPoint {
    std::vector<double> objectives;
    double violation = 0;
    bool feasible() const { return violation <= 0; }
};

// Plain Pareto dominance for minimisation: no objective worse, at least one better.
bool dominates(const std::vector<double>& a, const std::vector<double>& b);

// Deb's constrained domination (NSGA-II): a feasible point beats an infeasible one; of two
// infeasible points the one with the smaller violation wins; of two feasible ones Pareto
// dominance decides.
bool constrainedDominates(const ScoredPoint& a, const ScoredPoint& b);

// Fast non-dominated sorting under constrained domination: fronts of indices, best first.
std::vector<std::vector<std::size_t>> nonDominatedSort(const std::vector<ScoredPoint>& points);

// NSGA-II crowding distance of each member of `front` (same order): the boundary points of
// every objective get infinity, the others the sum over objectives of the normalised gap
// between their neighbours.
std::vector<double> crowdingDistance(const std::vector<ScoredPoint>& points,
                                     const std::vector<std::size_t>& front);

} // namespace dnas
