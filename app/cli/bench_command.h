#pragma once

#include <vector>

#include "cli/command.h"

namespace dnas::cli {

// `dnas bench <what>`: performance measurements whose figures go into the README.
void addBenchCommands(CLI::App& parent, std::vector<Command>& commands);

} // namespace dnas::cli
