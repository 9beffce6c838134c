#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cost/cost_report.h"
#include "cost/mcu_profile.h"
#include "engine/search_control.h"
#include "eval/evaluator.h"
#include "search/strategy.h"
#include "store/run_store.h"
#include "supernet/supernet.h"

namespace dnas {

class Dataset;
class ImageCache;

// What a search run is asked to do.
struct SearchConfig {
    std::string mode = "dnas"; // dnas (data genes searched), hwnas (fixed), compare (both)
    std::optional<DataConfig> fixedData; // hwnas: default the space's largest resolution, RGB
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

    // The data configuration HW-NAS is fixed to: fixedData, or the largest resolution in RGB.
    DataConfig hwNasData(const SearchSpace& space) const;

    nlohmann::json toJson() const;
    // The configuration stored with a run (what toJson() wrote), for --resume. Throws
    // InputError naming the field that is missing or malformed.
    static SearchConfig fromJson(const nlohmann::json& j);
};

// A stored candidate's cost by objective name (peak_sram_bytes, flash_bytes, latency_ms, macs,
// energy_mj); throws InputError for another name.
double objectiveCost(const CandidateRecord& record, const std::string& name);
// Whether a stored candidate's costs meet `budgets`.
bool withinBudgets(const CandidateRecord& record, const Budgets& budgets);

// Observer of a running search, called on the engine's thread; implementations copy what they
// need and return quickly (the GUI bridge turns these into queued signals).
class SearchObserver {
public:
    virtual ~SearchObserver() = default;
    virtual void runStarted(std::int64_t /*runId*/, const SearchConfig&) {}
    // A phase before or around the search ("training supernet", ...) with its own progress.
    virtual void phase(const std::string& /*name*/, long long /*done*/, long long /*total*/,
                       double /*etaSeconds*/) {}
    // Evaluations done and planned for a mode (planned 0: no evaluation limit) and the run's
    // estimated remaining time (0: unknown).
    virtual void progress(const std::string& /*mode*/, long long /*evaluations*/,
                          long long /*planned*/, double /*etaSeconds*/) {}
    virtual void candidateEvaluated(const CandidateRecord&, bool /*onFrontier*/) {}
    virtual void frontier(const std::string& /*mode*/, const std::vector<CandidateRecord>&) {}
    virtual void hypervolume(const std::string& /*mode*/, long long /*evaluations*/,
                             double /*value*/) {}
    virtual void budgetsChanged(const Budgets&) {}
    virtual void log(const std::string&) {}
    virtual void finished(std::int64_t /*runId*/, bool /*stopped*/) {}
    virtual void failed(const std::string& /*message*/) {}
};

struct SearchInputs {
    Supernet supernet{nullptr};
    std::shared_ptr<const Dataset> dataset;
    ImageCache* cache = nullptr;
    McuProfile mcu;
    std::string runtime; // id; empty: the MCU's default
    RunStore* store = nullptr;
    std::string supernetFingerprint;
    SearchControl* control = nullptr; // optional pause / resume
};

// The synchronous search facade: owns no thread; the caller decides where it runs and stops
// it through `stop`. Every candidate is screened by the cost model first (over-budget ones are
// counted and stored but never evaluated), then scored with supernet weights, committed to the
// run store, added to the mode's Pareto archive, and the hypervolume (against the reference
// point 1 on every normalised objective) recorded. `resumeRun` continues a stored run.
class SearchEngine {
public:
    static std::int64_t run(const SearchConfig& config, SearchInputs& inputs,
                            SearchObserver& observer, std::stop_token stop = {},
                            std::optional<std::int64_t> resumeRun = std::nullopt);

    // Throws InputError when a mode of `config` cannot run under `budgets` because not even
    // the smallest network it can reach (the space's smallest; for HW-NAS at its fixed data
    // configuration) meets them, naming the resource and both sizes.
    static void checkBudgets(const SearchConfig& config, const Budgets& budgets,
                             const SearchSpace& space, int classes, const McuProfile& mcu,
                             const RuntimeProfile& runtime);
};

} // namespace dnas
