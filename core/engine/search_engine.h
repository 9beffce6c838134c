#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

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

    nlohmann::json toJson() const;
};

// Observer of a running search, called on the engine's thread; implementations copy what they
// need and return quickly (the GUI bridge turns these into queued signals).
class SearchObserver {
public:
    virtual ~SearchObserver() = default;
    virtual void runStarted(std::int64_t /*runId*/, const SearchConfig&) {}
    virtual void progress(const std::string& /*mode*/, long long /*evaluations*/,
                          long long /*planned*/, double /*etaSeconds*/) {}
    virtual void candidateEvaluated(const CandidateRecord&, bool /*onFrontier*/) {}
    virtual void frontier(const std::string& /*mode*/, const std::vector<CandidateRecord>&) {}
    virtual void hypervolume(const std::string& /*mode*/, long long /*evaluations*/,
                             double /*value*/) {}
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
};

} // namespace dnas
