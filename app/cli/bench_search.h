#pragma once

#include "cli/command.h"

namespace dnas::cli {

// `dnas bench search`: the engine's own time per candidate (everything but evaluation:
// proposing, cost screening, SQLite commits, archive and hypervolume) and evaluations per
// minute, with a cold and then a warm image cache.
Command addBenchSearchCommand(CLI::App& bench);

} // namespace dnas::cli
