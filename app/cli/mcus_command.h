#pragma once

#include "cli/command.h"

namespace dnas::cli {

Command addMcusCommand(CLI::App& parent);

} // namespace dnas::cli
