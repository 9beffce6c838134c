#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "cost/cost_report.h"
#include "store/run_store.h"

namespace dnas {

// The frontier of a mode rebuilt from stored candidates under given budgets, nothing
// re-evaluated: the evaluated candidates of `mode` (every mode when empty) that meet
// `budgets` and that no other such candidate dominates in (1 - accuracy, each of
// `objectives`), as indices into `records`, in the order of `records`. Objectives are the
// names objectiveCost() knows (peak_sram_bytes, flash_bytes, latency_ms, macs, energy_mj).
// Used by `dnas runs show`, the headless job and the app, which re-filters it while a budget
// line is dragged.
std::vector<std::size_t> frontierOf(std::span<const CandidateRecord> records,
                                    const std::string& mode, const Budgets& budgets,
                                    const std::vector<std::string>& objectives);

} // namespace dnas
