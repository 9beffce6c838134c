#pragma once

#include <optional>
#include <string>

#include "cost/cost_model.h"
#include "cost/cost_report.h"
#include "cost/mcu_profile.h"
#include "space/search_space.h"

namespace dnas {

// Budgets from the --sram-budget / --flash-budget texts such as 320K or 1M (empty: the MCU's
// own) and --latency-budget in milliseconds (none: no latency limit); throws InputError naming
// every malformed option at once. Shared by the CLI and the headless job.
Budgets resolveBudgets(const std::string& sram, const std::string& flash,
                       std::optional<double> latencyMs, const McuProfile& mcu);

// What candidate `candidate` of `space` (with `classes` outputs) costs on `mcu`, whatever the
// budgets: it is estimated against budgets no network reaches, so the report's figures are the
// costs alone and its verdict always fits. `model` is the caller's, for its scratch vectors.
CostReport costWithoutBudgets(CostModel& model, const SearchSpace& space,
                              const Candidate& candidate, int classes, const McuProfile& mcu,
                              const RuntimeProfile& runtime, CostMode mode);

} // namespace dnas
