#pragma once

#include "cli/command.h"

namespace dnas::cli {

// `dnas bench cost`: cost estimations per second on one thread, over candidates sampled from
// a search space, for each cost mode side by side with decoding + network building alone.
Command addBenchCostCommand(CLI::App& bench);

} // namespace dnas::cli
