#pragma once

#include <vector>

#include "cli/command.h"
#include "data/dataset.h"

namespace dnas::cli {

// `dnas data inspect`: what a dataset holds and what could not be used.
void addDataCommands(CLI::App& parent, std::vector<Command>& commands);

} // namespace dnas::cli
