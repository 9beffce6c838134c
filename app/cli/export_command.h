#pragma once

#include "cli/command.h"

namespace dnas::cli {

// `dnas export`: a chosen candidate as the files firmware deploys (see core/export).
Command addExportCommand(CLI::App& parent);

} // namespace dnas::cli
