#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/search_engine.h"
#include "engine/search_scoring.h"
#include "eval/evaluator.h"
#include "search/pareto_archive.h"
#include "search/strategy.h"

namespace dnas {

// One searched mode (DNAS or HW-NAS) of a run: its strategy, archive and stored candidates.
struct SearchMode {
    std::string name;
    std::optional<DataConfig> fixedData;
    std::unique_ptr<Strategy> strategy;
    ParetoArchive archive;                // evaluated candidates that fit the current budgets
    std::vector<CandidateRecord> records; // every stored candidate, in order
    struct Known {
        std::size_t record = 0;  // the candidate's latest record
        int firstGeneration = 0; // the generation that first proposed it
    };
    std::unordered_map<std::string, Known> known; // by canonical candidate
    long long evaluations = 0;
    long long sequence = 0;
    int generation = 0;
    int staleGenerations = 0;
    bool exhausted = false;
};

// The generation loop of SearchEngine::run, internal to the engine: the modes take turns a
// generation at a time, and every proposal is screened by the cost model, evaluated when it
// fits, committed to the run store and added to its mode's archive. Runs on the caller's
// thread. References `config` and `inputs`, which must outlive it.
class SearchLoop {
public:
    using Clock = std::chrono::steady_clock;
    enum class Ending { Finished, TimeLimit, Stopped };

    // Builds the modes of `config`; throws InputError when a mode cannot run under the budgets
    // (SearchEngine::checkBudgets) or an objective is unknown. `started`: when the run began,
    // for --time-limit and the remaining-time estimate.
    SearchLoop(const SearchConfig& config, SearchInputs& inputs, SearchObserver& observer,
               const RuntimeProfile& runtime, Clock::time_point started);
    SearchLoop(const SearchLoop&) = delete;
    SearchLoop& operator=(const SearchLoop&) = delete;

    // The run's row in the store: a new run, or (resume) a stored one whose candidates, strategy
    // states and generation counters are taken up under the run's latest budgets.
    // `storedConfig` is what the store keeps of the configuration; budget changes update it.
    void start(std::int64_t runId, nlohmann::json storedConfig);
    void resume(std::int64_t runId, nlohmann::json storedConfig);

    // Generations until every mode is done, the time limit is reached or `stop` is requested
    // (a stopped run can be resumed).
    Ending run(std::stop_token stop);

private:
    // What screening a proposal decided: drop it from the generation, keep its earlier score,
    // or evaluate it (or store it screened out when it does not fit).
    enum class Verdict { Drop, Known, New };

    void addMode(const std::string& name, const DataConfig& hwNasData);
    void restore(const nlohmann::json& savedState);
    std::optional<Ending> runGeneration(SearchMode& m, std::stop_token stop);
    bool seen(SearchMode& m, const std::string& key);
    Verdict screen(const SearchMode& m, const std::string& key, const CostReport& report,
                   ScoredCandidate& s) const;
    CandidateRecord evaluate(SearchMode& m, const Candidate& candidate, const std::string& key,
                             const CostReport& report, ScoredCandidate& s);
    bool commit(SearchMode& m, CandidateRecord& rec, const ScoredPoint& score);
    void finishGeneration(SearchMode& m, const std::vector<ScoredCandidate>& scored,
                          long long fresh);
    void rebuildArchive(SearchMode& m);
    std::vector<CandidateRecord> frontierOf(const SearchMode& m) const;
    void adoptRequestedBudgets(std::vector<ScoredCandidate>& inProgress);
    std::optional<ScoredPoint> rescore(const ScoredCandidate& s);
    void reportProgress(const SearchMode& m);
    bool timeUp() const;
    bool modeDone(const SearchMode& m) const;

    const SearchConfig& config_;
    SearchInputs& in_;
    SearchObserver& observer_;
    const RuntimeProfile& runtime_;
    const SearchSpace& space_;
    const int classes_;
    const Clock::time_point started_;
    const DataConfig hwNasData_;
    const std::vector<double> reference_; // hypervolume reference: 1 on every objective
    std::vector<SearchMode> modes_;
    // Built once the modes are and the budgets checked, so that errors come in that order.
    std::optional<SearchScoring> scoring_;
    std::optional<Evaluator> evaluator_;
    Rescorer rescorer_;
    std::int64_t runId_ = 0;
    nlohmann::json storedConfig_;
    nlohmann::json savedState_ = nlohmann::json::object(); // what the store's state last was
    long long evaluationsAtStart_ = 0;                     // of this session, for the estimate
};

} // namespace dnas
