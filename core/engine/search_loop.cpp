#include "engine/search_loop.h"

#include <algorithm>
#include <unordered_set>

#include "common/error.h"
#include "common/rng.h"
#include "data/dataset.h"
#include "eval/racing.h"

namespace dnas {
namespace {

// Generations in a row that bring nothing new (every proposal already scored) before a mode
// is stopped: its reachable space is exhausted.
constexpr int kMaxStaleGenerations = 25;

// An archive member whose candidate row is not committed yet (store ids start at 1).
constexpr std::int64_t kUncommitted = 0;

std::string keyOf(const SearchSpace& space, const Candidate& c) {
    return nlohmann::json(space.canonical(c)).dump();
}

void remember(const SearchSpace& space, SearchMode& m, CandidateRecord record) {
    const auto [it, added] = m.known.try_emplace(keyOf(space, record.candidate),
                                                 SearchMode::Known{0, record.generation});
    it->second.record = m.records.size();
    m.records.push_back(std::move(record));
}

} // namespace

SearchLoop::SearchLoop(const SearchConfig& config, SearchInputs& inputs, SearchObserver& observer,
                       const RuntimeProfile& runtime, Clock::time_point started)
    : config_(config)
    , in_(inputs)
    , observer_(observer)
    , runtime_(runtime)
    , space_(inputs.supernet->space())
    , classes_(inputs.supernet->classes())
    , started_(started)
    , hwNasData_(config.hwNasData(space_, *inputs.dataset))
    , reference_(config.objectives.size() + 1, 1.0) {
    for (const std::string name : {"dnas", "hwnas"})
        if (config.mode == "compare" || config.mode == name)
            addMode(name, hwNasData_);
    SearchEngine::checkBudgets(config, config.budgets, space_, classes_, in_.mcu, runtime,
                               hwNasData_);
    scoring_.emplace(config, space_, classes_, in_.mcu, runtime);
    evaluator_.emplace(in_.supernet, in_.dataset, *in_.cache, config.eval);
    rescorer_ = [this](const ScoredCandidate& s) {
        return rescore(s);
    };
}

void SearchLoop::addMode(const std::string& name, const DataConfig& hwNasData) {
    SearchMode m;
    m.name = name;
    StrategyOptions so = config_.strategy;
    so.ramBudget = static_cast<double>(config_.budgets.sramBytes);
    so.flashBudget = static_cast<double>(config_.budgets.flashBytes);
    if (name == "hwnas") {
        so.mask.data = false;
        so.fixedData = hwNasData;
        m.fixedData = hwNasData;
    }
    m.strategy = makeStrategy(space_, so);
    modes_.push_back(std::move(m));
}

void SearchLoop::start(std::int64_t runId, nlohmann::json storedConfig) {
    runId_ = runId;
    storedConfig_ = std::move(storedConfig);
}

void SearchLoop::resume(std::int64_t runId, nlohmann::json storedConfig) {
    start(runId, std::move(storedConfig));
    restore(in_.store->loadState(runId_).value_or(nlohmann::json::object()));
    in_.store->updateConfig(runId_, storedConfig_); // new stop conditions, if any
}

// Takes up the stored candidates and the strategies' saved states.
void SearchLoop::restore(const nlohmann::json& savedState) {
    savedState_ = savedState;
    for (auto& r : in_.store->candidates(runId_)) {
        for (auto& m : modes_) {
            if (m.name != r.mode)
                continue;
            m.sequence = std::max<long long>(m.sequence, r.sequence + 1);
            m.evaluations += r.evaluated ? 1 : 0;
            remember(space_, m, std::move(r));
            break;
        }
    }
    for (auto& m : modes_) {
        if (savedState_.contains(m.name)) {
            auto& saved = savedState_[m.name];
            m.strategy->restore(saved["strategy"]);
            m.generation = saved["generation"].get<int>();
            m.staleGenerations = saved.value("stale_generations", 0);
            m.exhausted = m.staleGenerations >= kMaxStaleGenerations;
        }
        // The saved population was scored under the budgets of its time; the run goes on
        // under its latest ones (the same scores when they never changed).
        m.strategy->adoptBudgets(static_cast<double>(config_.budgets.sramBytes),
                                 static_cast<double>(config_.budgets.flashBytes), rescorer_);
    }
}

SearchLoop::Ending SearchLoop::run(std::stop_token stop) {
    for (auto& m : modes_)
        rebuildArchive(m);
    for (const auto& m : modes_)
        evaluationsAtStart_ += m.evaluations;
    // Modes take turns a generation at a time, so a comparison gives both equal budgets and
    // both fronts grow together.
    for (;;) {
        bool anyActive = false;
        for (auto& m : modes_) {
            if (modeDone(m))
                continue;
            anyActive = true;
            if (const auto ending = runGeneration(m, stop))
                return *ending;
        }
        if (!anyActive)
            return Ending::Finished;
    }
}

// One generation of mode `m`: asks its strategy, scores every proposal and tells the scores
// back. Returns how the run ends when it ends during the generation (the generation is then
// not told, so a resume proposes it again).
std::optional<SearchLoop::Ending> SearchLoop::runGeneration(SearchMode& m, std::stop_token stop) {
    // Common random numbers: every mode draws from the same stream per generation, so with
    // the same seed DNAS and HW-NAS start from the same architectures (HW-NAS replaces only
    // the data genes).
    Rng rng((config_.seed + 1) * 0x9E3779B97F4A7C15ULL ^
            (static_cast<std::uint64_t>(m.generation) << 8));
    const auto proposals =
        m.strategy->ask(rng, [&](const Candidate& c) { return seen(m, keyOf(space_, c)); });
    std::vector<std::string> keys;
    long long fresh = 0; // proposals not seen before and not repeated in this one
    std::unordered_set<std::string> generationKeys;
    for (const auto& c : proposals) {
        keys.push_back(keyOf(space_, c));
        fresh += generationKeys.insert(keys.back()).second && !seen(m, keys.back());
    }
    std::vector<ScoredCandidate> scored;
    for (std::size_t p = 0; p < proposals.size(); ++p) {
        if (in_.control)
            in_.control->waitWhilePaused(stop);
        adoptRequestedBudgets(scored);
        const auto report = scoring_->estimate(proposals[p]);
        ScoredCandidate s;
        s.candidate = proposals[p];
        const auto verdict = screen(m, keys[p], report, s);
        if (verdict == Verdict::Drop)
            continue;
        if (verdict == Verdict::Known) {
            scored.push_back(std::move(s));
            continue;
        }
        if (stop.stop_requested() || timeUp() || modeDone(m)) {
            if (stop.stop_requested())
                return Ending::Stopped;
            if (timeUp())
                return Ending::TimeLimit;
            break; // the mode reached its limit: what it scored so far is told
        }
        auto rec = evaluate(m, proposals[p], keys[p], report, s);
        const bool onFront = commit(m, rec, s.score);
        observer_.candidateEvaluated(rec, onFront);
        remember(space_, m, std::move(rec));
        scored.push_back(std::move(s));
        reportProgress(m);
    }
    finishGeneration(m, scored, fresh);
    return std::nullopt;
}

// Seen: scored by an earlier generation - except a candidate screened out under other budgets
// that fits the current ones. What a resumed run stored of its unfinished generation does not
// count, so the proposals come again in the same order.
bool SearchLoop::seen(SearchMode& m, const std::string& key) {
    const auto k = m.known.find(key);
    if (k == m.known.end() || k->second.firstGeneration >= m.generation)
        return false;
    const auto& r = m.records[k->second.record];
    return r.evaluated || !scoring_->estimate(r.candidate).fits;
}

// The budget check of a proposal costed at `report`. A candidate scored before (proposed
// again, or stored by the unfinished generation of a resumed run) keeps its score, filled into
// `s`. One screened out under other budgets that fits now is evaluated - unless it was screened
// out in this very generation: the budget change dropped it from the generation, and a resumed
// run must do the same.
SearchLoop::Verdict SearchLoop::screen(const SearchMode& m, const std::string& key,
                                       const CostReport& report, ScoredCandidate& s) const {
    s.ramBytes = static_cast<double>(report.peakSramBytes);
    s.flashBytes = static_cast<double>(report.flashBytes);
    const auto known = m.known.find(key);
    if (known == m.known.end())
        return Verdict::New;
    const auto& r = m.records[known->second.record];
    if (!r.evaluated && report.fits && r.generation == m.generation)
        return Verdict::Drop;
    if (!r.evaluated && report.fits)
        return Verdict::New;
    s.evaluated = r.evaluated;
    s.accuracy = r.accuracy;
    s.precision = r.metrics.value("precision", 0.0);
    s.recall = r.metrics.value("recall", 0.0);
    s.score = scoring_->point(report, r.accuracy);
    return Verdict::Known;
}

// The new row of a proposal, scored with supernet weights when it fits the budgets (an
// over-budget one is stored unevaluated); fills `s` for the strategy.
CandidateRecord SearchLoop::evaluate(SearchMode& m, const Candidate& candidate,
                                     const std::string& key, const CostReport& report,
                                     ScoredCandidate& s) {
    CandidateRecord rec;
    rec.runId = runId_;
    rec.mode = m.name;
    rec.sequence = m.sequence++;
    rec.generation = m.generation;
    rec.candidate = candidate;
    rec.key = key;
    setCosts(rec, report);
    s.evaluated = false;
    if (report.fits) {
        // Racing: validation stops once the candidate is surely dominated by the mode's front.
        auto costs = scoring_->point(report, 0).objectives;
        costs.erase(costs.begin());
        std::vector<std::vector<double>> front;
        for (const auto& e : m.archive.front())
            front.push_back(e.objectives);
        const auto result = evaluator_->evaluate(candidate, accuracyToBeat(front, costs));
        rec.evaluated = true;
        rec.accuracy = result.metrics.accuracy;
        rec.metrics = result.metrics;
        rec.evalSeconds = result.seconds;
        s.evaluated = true;
        s.accuracy = result.metrics.accuracy;
        s.precision = result.metrics.precision;
        s.recall = result.metrics.recall;
        ++m.evaluations;
    }
    s.score = scoring_->point(report, rec.accuracy);
    return rec;
}

// Stores `rec` (giving it its id) and, when evaluated, adds it to the archive and records the
// hypervolume after it. Returns whether it is on the mode's frontier.
bool SearchLoop::commit(SearchMode& m, CandidateRecord& rec, const ScoredPoint& score) {
    if (!rec.evaluated) {
        rec.id = in_.store->addCandidate(rec);
        return false;
    }
    // The point joins the archive before its row has an id, so that the candidate and the
    // hypervolume after it commit together.
    const bool onFront = m.archive.insert(kUncommitted, score.objectives);
    const double hv = m.archive.hypervolume(reference_);
    rec.id = in_.store->addEvaluation(rec, m.evaluations, hv);
    m.archive.relabel(kUncommitted, rec.id);
    observer_.hypervolume(m.name, m.evaluations, hv);
    return onFront;
}

// Tells the strategy the generation's scores and saves its state, so that a resume goes on
// from the next generation.
void SearchLoop::finishGeneration(SearchMode& m, const std::vector<ScoredCandidate>& scored,
                                  long long fresh) {
    m.strategy->tell(scored);
    ++m.generation;
    m.staleGenerations = fresh > 0 ? 0 : m.staleGenerations + 1;
    if (m.staleGenerations >= kMaxStaleGenerations) {
        m.exhausted = true;
        observer_.log(m.name + ": " + std::to_string(kMaxStaleGenerations) +
                      " generations in a row proposed only candidates already scored; stopping "
                      "this mode (the strategy has converged or its reachable space is "
                      "exhausted)");
    }
    savedState_[m.name] = {{"strategy", m.strategy->state()},
                           {"generation", m.generation},
                           {"stale_generations", m.staleGenerations}};
    in_.store->saveState(runId_, savedState_);
    observer_.frontier(m.name, frontierOf(m));
}

// The archive holds the evaluated candidates that fit the current budgets.
void SearchLoop::rebuildArchive(SearchMode& m) {
    m.archive.clear();
    for (const auto& r : m.records) {
        if (!r.evaluated)
            continue;
        const auto report = scoring_->estimate(r.candidate);
        if (report.fits)
            m.archive.insert(r.id, scoring_->point(report, r.accuracy).objectives);
    }
}

std::vector<CandidateRecord> SearchLoop::frontierOf(const SearchMode& m) const {
    std::vector<CandidateRecord> front;
    for (const auto& r : m.records)
        if (r.evaluated && m.archive.contains(r.id))
            front.push_back(r);
    return front;
}

// Adopts budgets requested through the control: strategies, the generation in progress and the
// archives are re-scored from stored costs and accuracies; nothing is re-evaluated. Budgets
// that not even the smallest network meets are refused and the run goes on under its own.
void SearchLoop::adoptRequestedBudgets(std::vector<ScoredCandidate>& inProgress) {
    if (!in_.control)
        return;
    const auto requested = in_.control->takeBudgets();
    if (!requested || *requested == scoring_->budgets())
        return;
    try {
        SearchEngine::checkBudgets(config_, *requested, space_, classes_, in_.mcu, runtime_,
                                   hwNasData_);
    } catch (const InputError& e) {
        observer_.log(std::string("budget change refused: ") + e.what());
        observer_.budgetsRefused(scoring_->budgets(), e.what());
        return;
    }
    scoring_->setBudgets(*requested);
    for (auto& m : modes_) {
        m.strategy->adoptBudgets(static_cast<double>(requested->sramBytes),
                                 static_cast<double>(requested->flashBytes), rescorer_);
        rebuildArchive(m);
        const double hv = m.archive.hypervolume(reference_);
        in_.store->recordHypervolume(runId_, m.name, m.evaluations, hv);
        observer_.hypervolume(m.name, m.evaluations, hv);
        observer_.frontier(m.name, frontierOf(m));
    }
    rescorePopulation(inProgress, rescorer_);
    storedConfig_["budgets"] = budgetsToJson(*requested);
    in_.store->updateConfig(runId_, storedConfig_);
    observer_.budgetsChanged(*requested);
    observer_.log("budgets changed to " + describe(*requested) +
                  "; fronts re-scored without new evaluations");
}

// A strategy member's score under the current budgets (nothing for a screened-out candidate
// that now fits: its accuracy is unknown).
std::optional<ScoredPoint> SearchLoop::rescore(const ScoredCandidate& s) {
    const auto report = scoring_->estimate(s.candidate);
    if (!s.evaluated && report.fits)
        return std::nullopt;
    return scoring_->point(report, s.accuracy);
}

// Progress and the run's remaining time, from this session's evaluation rate.
void SearchLoop::reportProgress(const SearchMode& m) {
    const double elapsed = std::chrono::duration<double>(Clock::now() - started_).count();
    long long done = 0;
    for (const auto& x : modes_)
        done += x.evaluations;
    const long long sessionDone = done - evaluationsAtStart_;
    double eta = 0;
    if (config_.maxEvaluations > 0 && sessionDone > 0) {
        long long remaining = 0;
        for (const auto& x : modes_)
            remaining += x.exhausted ? 0 : std::max(0LL, config_.maxEvaluations - x.evaluations);
        eta = elapsed / static_cast<double>(sessionDone) * static_cast<double>(remaining);
    }
    if (config_.timeLimitSeconds > 0) {
        const double left = std::max(0.0, config_.timeLimitSeconds - elapsed);
        eta = eta > 0 ? std::min(eta, left) : left;
    }
    observer_.progress(m.name, m.evaluations, config_.maxEvaluations, eta);
}

bool SearchLoop::timeUp() const {
    return config_.timeLimitSeconds > 0 &&
           std::chrono::duration<double>(Clock::now() - started_).count() >=
               config_.timeLimitSeconds;
}

bool SearchLoop::modeDone(const SearchMode& m) const {
    return m.exhausted || (config_.maxEvaluations > 0 && m.evaluations >= config_.maxEvaluations) ||
           (config_.generations > 0 && m.generation >= config_.generations);
}

} // namespace dnas
