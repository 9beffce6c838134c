#pragma once

#include "cli/command.h"

namespace dnas::cli {

// `dnas bench export`: exports every frontier candidate of a stored run (both modes) and
// reports seconds per export and the int8-vs-float accuracy of each, with the .tflite size
// against the cost model's estimate and the Arm NN check.
Command addBenchExportCommand(CLI::App& bench);

} // namespace dnas::cli
