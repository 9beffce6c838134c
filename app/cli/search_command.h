#pragma once

#include <cstdint>
#include <ostream>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/command.h"

namespace dnas {
class RunStore;
}

namespace dnas::cli {

// `dnas search` and `dnas runs list|show|csv`.
void addSearchCommands(CLI::App& parent, std::vector<Command>& commands);

// What `dnas runs show RUN --json` prints: id, status, evaluations, config and per mode its
// frontier under the run's latest budgets and its last hypervolume.
nlohmann::json runShowJson(RunStore& store, std::int64_t runId);
// The same as text.
void printRunShow(const nlohmann::json& show, std::ostream& out);

} // namespace dnas::cli
