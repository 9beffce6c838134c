#pragma once

#include <vector>

namespace dnas {

// Exact hypervolume dominated by `points` (all objectives minimised) and bounded by
// `reference`: the measure of the union of the boxes [p, reference]. Points not strictly
// better than the reference in every objective contribute nothing. Dimension-sweep
// (HSO-style slicing) recursion: exact for any number of objectives, fast for the small
// fronts and 2-4 objectives of a search.
double hypervolume(std::vector<std::vector<double>> points, const std::vector<double>& reference);

} // namespace dnas
