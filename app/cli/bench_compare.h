#pragma once

#include "cli/command.h"

namespace dnas::cli {

// `dnas bench compare`: Data Aware NAS against Hardware Aware NAS fixed at the data's native
// configuration and (by default) at every other data configuration of the space, at several
// budget levels, with equal evaluation budgets, the same seeds and common random numbers
// (the same first architectures in every mode). Per cell: final hypervolume per mode (mean and
// spread over seeds), DNAS against the native configuration and against the best fixed
// configuration in hindsight (paired Wilcoxon and sign tests over seeds), and the evaluations
// DNAS needs to reach their final hypervolume.
Command addBenchCompareCommand(CLI::App& bench);

} // namespace dnas::cli
