#pragma once

#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "cli/command.h"
#include "data/dataset.h"

namespace dnas::cli {

// `dnas data inspect`: what a dataset holds and what could not be used.
void addDataCommands(CLI::App& parent, std::vector<Command>& commands);

// The inspection report: format, classes, splits (name -> count, per_class), skipped items.
nlohmann::json inspectJson(const Dataset& ds);

} // namespace dnas::cli
