#pragma once

#include <vector>

#include "cli/command.h"

namespace dnas::cli {

// `dnas train-supernet` and `dnas eval`.
void addSupernetCommands(CLI::App& parent, std::vector<Command>& commands);

} // namespace dnas::cli
