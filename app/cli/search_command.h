#pragma once

#include <vector>

#include "cli/command.h"

namespace dnas::cli {

// `dnas search` and `dnas runs list|show|csv`.
void addSearchCommands(CLI::App& parent, std::vector<Command>& commands);

} // namespace dnas::cli
