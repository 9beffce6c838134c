#pragma once

#include "cli/command.h"

namespace dnas::cli {

// `dnas bench counts`: how well the bn evaluator ranks candidates with fewer calibration and
// validation images - Kendall's tau against its own ranking with the most of both, over all
// candidates and within bands of similar MACs - and its seconds per candidate.
Command addBenchCountsCommand(CLI::App& bench);

} // namespace dnas::cli
