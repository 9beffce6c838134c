#include "cost/cost_report.h"

#include <nlohmann/json.hpp>

namespace dnas {
namespace {

nlohmann::json shapeJson(const TensorShape& s) {
    return {s.height, s.width, s.channels};
}

} // namespace

void to_json(nlohmann::json& j, const LayerCost& L) {
    j = {{"name", L.name},
         {"kind", toString(L.kind)},
         {"input_shape", shapeJson(L.input)},
         {"output_shape", shapeJson(L.output)},
         {"kernel", L.kernel},
         {"stride", L.stride},
         {"macs", L.macs},
         {"params", L.params},
         {"flash_bytes", L.flashBytes},
         {"scratch_bytes", L.scratchBytes},
         {"live_sram_bytes", L.liveBytes},
         {"arena_extent_bytes", L.arenaExtentBytes},
         {"latency_ms", L.latencyMs},
         {"energy_mj", L.energyMj}};
}

void to_json(nlohmann::json& j, const CostReport& r) {
    nlohmann::json violations = nlohmann::json::array();
    for (const auto& v : r.violations)
        violations.push_back(
            {{"resource", toString(v.resource)}, {"value", v.value}, {"limit", v.limit}});
    nlohmann::json budgets = {{"sram_bytes", r.budgets.sramBytes},
                              {"flash_bytes", r.budgets.flashBytes}};
    budgets["latency_ms"] =
        r.budgets.latencyMs ? nlohmann::json(*r.budgets.latencyMs) : nlohmann::json();
    j = {{"schema_version", 1},
         {"network", r.network},
         {"mcu", r.mcuId},
         {"runtime", r.runtimeId},
         {"mode", toString(r.mode)},
         {"macs", r.macs},
         {"params", r.params},
         {"flash_bytes", r.flashBytes},
         {"weight_bytes", r.weightBytes},
         {"model_overhead_bytes", r.modelOverheadBytes},
         {"code_bytes", r.codeBytes},
         {"peak_sram_bytes", r.peakSramBytes},
         {"arena_bytes", r.arenaBytes},
         {"persistent_bytes", r.persistentBytes},
         {"runtime_sram_bytes", r.runtimeSramBytes},
         {"peak_layer",
          r.peakLayer >= 0 ? nlohmann::json(r.layers[r.peakLayer].name) : nlohmann::json()},
         {"latency_ms", r.latencyMs},
         {"energy_mj", r.energyMj},
         {"budgets", budgets},
         {"fits", r.fits},
         {"violations", violations},
         {"layers", r.layers}};
}

} // namespace dnas
