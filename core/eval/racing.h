#pragma once

#include <cstddef>
#include <vector>

namespace dnas {

// Early stopping ("racing") of a validation: a candidate whose accuracy on the whole
// validation split is, with high confidence, below what the current frontier already
// achieves at no higher cost stops being validated.

// An upper confidence bound on the accuracy over all `population` validation images after
// `correct` of the first `seen` (a uniformly random order, drawn without replacement) were
// right: the largest population accuracy M / population for which seeing `correct` or fewer
// right has probability at least `delta` (the exact hypergeometric tail). With probability at
// least 1 - delta the whole split's accuracy is at most the bound. Exact: `seen == population`
// gives correct / population.
double accuracyUpperBound(std::size_t correct, std::size_t seen, std::size_t population,
                          double delta);

// The accuracy a candidate with minimised cost objectives `costs` must exceed to join a
// front whose members have objectives {1 - accuracy, costs...} (as the search engine scores):
// the best accuracy of a member that is nowhere costlier. Negative when no member is (then no
// accuracy dominates the candidate).
double accuracyToBeat(const std::vector<std::vector<double>>& front,
                      const std::vector<double>& costs);

} // namespace dnas
