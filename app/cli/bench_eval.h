#pragma once

#include "cli/command.h"

namespace dnas::cli {

// `dnas bench eval`: seconds per candidate of the bn evaluator at each resolution and where
// they go (extraction, image lookup, tensor conversion, recalibration, validation, system
// time), with the networks' MACs, the multiply-accumulates per second achieved and those of
// the same networks' forward passes alone; for several speed settings side by side.
Command addBenchEvalCommand(CLI::App& bench);

} // namespace dnas::cli
