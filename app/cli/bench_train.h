#pragma once

#include "cli/command.h"

namespace dnas::cli {

// `dnas bench train`: seconds per sandwich step of supernet training against plain LibTorch
// training of the largest subnet alone on the same augmented batches; the overhead per subnet
// image and per multiply-accumulate.
Command addBenchTrainCommand(CLI::App& bench);

} // namespace dnas::cli
