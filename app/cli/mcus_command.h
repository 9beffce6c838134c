#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "cli/command.h"
#include "cost/mcu_catalog.h"

namespace dnas::cli {

Command addMcusCommand(CLI::App& parent);

// The MCU catalog (built-in, $DNAS_MCU_PATH, the user folder, `files`), printing a warning to
// `err` for every profile file skipped as broken.
McuCatalog loadMcuCatalog(std::ostream& err, const std::vector<std::string>& files = {});

} // namespace dnas::cli
