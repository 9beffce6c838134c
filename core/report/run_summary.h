#pragma once

#include <cstdint>
#include <ostream>

#include <nlohmann/json.hpp>

namespace dnas {

class RunStore;

// What `dnas runs show RUN --json` prints and the headless job writes to search.json: id,
// status, evaluations, config and per mode its frontier under the run's latest budgets (from
// the stored costs and accuracies, nothing re-evaluated, most accurate first) and its last
// hypervolume. Throws for an unknown run.
nlohmann::json runShowJson(RunStore& store, std::int64_t runId);

// The same as text, a line per frontier member.
void printRunShow(const nlohmann::json& show, std::ostream& out);

} // namespace dnas
