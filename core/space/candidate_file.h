#pragma once

#include <string>
#include <vector>

#include "space/search_space.h"

namespace dnas {

// Candidates of `space` read from a JSON file: one candidate object, or {"candidates": [...]}
// of candidates or of {"candidate": {...}, ...} objects (what `dnas eval --json` prints).
// Throws InputError naming the file, line and field of each problem, a candidate that is not
// in the space, or a file without any.
std::vector<Candidate> readCandidateFile(const std::string& file, const SearchSpace& space);

} // namespace dnas
