#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cost/cost_report.h"
#include "eval/eval_options.h"
#include "search/strategy.h"
#include "store/run_store.h"

namespace dnas {

class Dataset;
class SearchSpace;

// The data's native configuration, as an expert fixing HW-NAS would choose it: the source
// images' colour mode (grayscale when every image is gray at the source: one channel, or three
// equal ones, in every probed image) and the space's
// resolution nearest to their median shorter side (of up to 64 training images spread over the
// split; the largest of the space for images larger than all of them). Throws InputError when
// no training image can be read.
DataConfig nativeDataConfig(const Dataset& dataset, const SearchSpace& space);

// What a search run is asked to do.
struct SearchConfig {
    std::string mode = "dnas"; // dnas (data genes searched), hwnas (fixed), compare (both)
    std::optional<DataConfig> fixedData; // hwnas: default the data's native configuration
    StrategyOptions strategy;            // name, population, ...
    CostMode costMode = CostMode::Tflm;
    Budgets budgets;
    // Costs minimised besides maximising accuracy: peak_sram_bytes, flash_bytes, latency_ms,
    // macs, energy_mj.
    std::vector<std::string> objectives = {"peak_sram_bytes", "flash_bytes"};
    long long maxEvaluations = 0; // per mode; 0 = no limit
    int generations = 0;          // per mode; 0 = no limit
    double timeLimitSeconds = 0;  // whole run; 0 = no limit
    std::uint64_t seed = 0;
    EvalOptions eval;
    // Where the dataset, space, supernet and MCU came from (the command line's options),
    // stored with the run so that --resume can take them again; the engine does not read it.
    nlohmann::json inputs;

    // The data configuration HW-NAS is fixed to: fixedData, or the data's native configuration.
    DataConfig hwNasData(const SearchSpace& space, const Dataset& dataset) const;

    nlohmann::json toJson() const;
    // The configuration stored with a run (what toJson() wrote), for --resume. Throws
    // InputError naming `origin` and the field that is missing or malformed.
    static SearchConfig fromJson(const nlohmann::json& j,
                                 const std::string& origin = "run configuration");
};

// A cost report's or a stored candidate's cost by objective name (peak_sram_bytes, flash_bytes,
// latency_ms, macs, energy_mj); throws InputError for another name.
double objectiveCost(const CandidateRecord& record, const std::string& name);
double objectiveCost(const CostReport& report, const std::string& name);
// Copies a cost report's totals (MACs, parameters, SRAM, flash, latency, energy, fits) into a
// record of the run store.
void setCosts(CandidateRecord& record, const CostReport& report);
// Whether a stored candidate's costs meet `budgets`.
bool withinBudgets(const CandidateRecord& record, const Budgets& budgets);

// Budgets as stored in a run's configuration, and as shown in messages.
nlohmann::json budgetsToJson(const Budgets& budgets);
std::string describe(const Budgets& budgets);

} // namespace dnas
