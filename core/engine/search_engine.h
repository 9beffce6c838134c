#pragma once

#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "cost/mcu_profile.h"
#include "engine/search_config.h"
#include "engine/search_control.h"
#include "store/run_store.h"
#include "supernet/supernet.h"

namespace dnas {

class Dataset;
class ImageCache;

// A step of supernet training before a search: the largest subnet's loss (moving average)
// and, at the probe steps, validation accuracy of the largest and smallest subnets (NaN at the
// other steps) - the curves that show whether the supernet is worth searching with.
struct TrainingPoint {
    long long step = 0;
    long long totalSteps = 0;
    double loss = 0;
    double largestAccuracy = std::numeric_limits<double>::quiet_NaN();
    double smallestAccuracy = std::numeric_limits<double>::quiet_NaN();
};

// Observer of a running search, called on the engine's thread; implementations copy what they
// need and return quickly (the GUI bridge turns these into queued signals).
class SearchObserver {
public:
    virtual ~SearchObserver() = default;
    virtual void runStarted(std::int64_t /*runId*/, const SearchConfig&) {}
    // A phase before or around the search ("training supernet", ...) with its own progress.
    virtual void phase(const std::string& /*name*/, long long /*done*/, long long /*total*/,
                       double /*etaSeconds*/) {}
    virtual void trainingStep(const TrainingPoint&) {}
    // Evaluations done and planned for a mode (planned 0: no evaluation limit) and the run's
    // estimated remaining time (0: unknown).
    virtual void progress(const std::string& /*mode*/, long long /*evaluations*/,
                          long long /*planned*/, double /*etaSeconds*/) {}
    virtual void candidateEvaluated(const CandidateRecord&, bool /*onFrontier*/) {}
    virtual void frontier(const std::string& /*mode*/, const std::vector<CandidateRecord>&) {}
    virtual void hypervolume(const std::string& /*mode*/, long long /*evaluations*/,
                             double /*value*/) {}
    virtual void budgetsChanged(const Budgets&) {}
    // Requested budgets the engine did not adopt (not even the smallest network meets them):
    // the run goes on under `kept`.
    virtual void budgetsRefused(const Budgets& /*kept*/, const std::string& /*why*/) {}
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
    // the smallest network it can reach (the space's smallest; for HW-NAS at `hwNasData`, see
    // SearchConfig::hwNasData) meets them, naming the resource and both sizes.
    static void checkBudgets(const SearchConfig& config, const Budgets& budgets,
                             const SearchSpace& space, int classes, const McuProfile& mcu,
                             const RuntimeProfile& runtime, const DataConfig& hwNasData);
};

} // namespace dnas
