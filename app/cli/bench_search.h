#pragma once

#include "cli/command.h"

namespace dnas::cli {

// `dnas bench search`: the engine's own time per candidate (everything but evaluation:
// proposing, cost screening, SQLite commits, archive and hypervolume) and evaluations per
// minute, with a cold and then a warm image cache.
Command addBenchSearchCommand(CLI::App& bench);

// `dnas bench compare`: Data Aware NAS against Hardware Aware NAS fixed at the data's native
// resolution and at the space's largest resolution (both RGB), at several budget levels and
// seeds with equal evaluation budgets; final hypervolume per mode, mean and spread.
Command addBenchCompareCommand(CLI::App& bench);

} // namespace dnas::cli
