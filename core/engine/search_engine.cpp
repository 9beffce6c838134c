#include "engine/search_engine.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <unordered_map>
#include <unordered_set>

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "common/format.h"
#include "common/rng.h"
#include "cost/cost_model.h"
#include "data/dataset.h"
#include "eval/evaluator.h"
#include "search/pareto_archive.h"

namespace dnas {
namespace {

using Clock = std::chrono::steady_clock;

// Generations in a row that bring nothing new (every proposal already scored) before a mode
// is stopped: its reachable space is exhausted.
constexpr int kMaxStaleGenerations = 25;

// An archive member whose candidate row is not committed yet (store ids start at 1).
constexpr std::int64_t kUncommitted = 0;

// Costs and normalised objectives of candidates under the run's current budgets.
class Scoring {
public:
    Scoring(const SearchConfig& config, const SearchSpace& space, int classes,
            const McuProfile& mcu, const RuntimeProfile& runtime)
        : config_(config)
        , space_(space)
        , classes_(classes)
        , mcu_(mcu)
        , runtime_(runtime) {
        largest_ = estimate(space.largest());
        for (const auto& o : config.objectives)
            objectiveCost(largest_, o); // rejects unknown objectives before anything runs
        setBudgets(config.budgets);
    }

    // Objectives without a budget are normalised by the space's largest network.
    void setBudgets(const Budgets& b) {
        budgets_ = b;
        normaliser_.clear();
        for (const auto& o : config_.objectives) {
            if (o == "peak_sram_bytes")
                normaliser_.push_back(static_cast<double>(b.sramBytes));
            else if (o == "flash_bytes")
                normaliser_.push_back(static_cast<double>(b.flashBytes));
            else if (o == "latency_ms" && b.latencyMs)
                normaliser_.push_back(*b.latencyMs);
            else
                normaliser_.push_back(std::max(1e-9, objectiveCost(largest_, o)));
        }
    }
    const Budgets& budgets() const { return budgets_; }

    CostReport estimate(const Candidate& c) {
        return model_.estimate(buildNetwork(space_.decode(c, classes_)), mcu_, runtime_,
                               config_.costMode, budgets_);
    }

    ScoredPoint point(const CostReport& report, double accuracy) const {
        ScoredPoint p;
        p.objectives = {1 - accuracy};
        for (std::size_t i = 0; i < config_.objectives.size(); ++i)
            p.objectives.push_back(objectiveCost(report, config_.objectives[i]) / normaliser_[i]);
        for (const auto& v : report.violations)
            p.violation += v.value / v.limit - 1;
        return p;
    }

private:
    const SearchConfig& config_;
    const SearchSpace& space_;
    int classes_;
    const McuProfile& mcu_;
    const RuntimeProfile& runtime_;
    CostModel model_;
    CostReport largest_;
    Budgets budgets_;
    std::vector<double> normaliser_;
};

struct ModeState {
    std::string name;
    std::optional<DataConfig> fixedData;
    std::unique_ptr<Strategy> strategy;
    ParetoArchive archive;
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

std::string keyOf(const SearchSpace& space, const Candidate& c) {
    return nlohmann::json(space.canonical(c)).dump();
}

void remember(const SearchSpace& space, ModeState& m, CandidateRecord record) {
    const auto [it, added] =
        m.known.try_emplace(keyOf(space, record.candidate), ModeState::Known{0, record.generation});
    it->second.record = m.records.size();
    m.records.push_back(std::move(record));
}

} // namespace

namespace {

void checkReachable(const SearchSpace& space, int classes, const McuProfile& mcu,
                    const RuntimeProfile& runtime, CostMode mode, const Budgets& budgets,
                    const std::optional<DataConfig>& fixedData) {
    if (budgets.sramBytes <= 0 || budgets.flashBytes <= 0)
        throw InputError("--budget", "SRAM and flash budgets must be positive");
    if (budgets.latencyMs && *budgets.latencyMs <= 0)
        throw InputError("--latency-budget", "must be positive");
    Candidate smallest = space.smallest();
    if (fixedData)
        smallest.data = *fixedData;
    CostModel model;
    const auto report =
        model.estimate(buildNetwork(space.decode(smallest, classes)), mcu, runtime, mode, budgets);
    if (report.fits)
        return;
    const auto& v = report.violations.front();
    const bool bytes = v.resource != BudgetViolation::Resource::Latency;
    const std::string what = v.resource == BudgetViolation::Resource::Sram    ? "SRAM"
                             : v.resource == BudgetViolation::Resource::Flash ? "flash"
                                                                              : "latency";
    auto amount = [&](double x) {
        return bytes ? formatBytes(x) : formatMs(x);
    };
    char widthText[16];
    std::snprintf(widthText, sizeof widthText, "%.2f", smallest.arch.width);
    throw InputError(what == "SRAM"    ? "--sram-budget"
                     : what == "flash" ? "--flash-budget"
                                       : "--latency-budget",
                     "impossible budget: " + what + " " + amount(v.limit) + " is below the " +
                         amount(v.value) + " that the smallest network of space '" + space.name +
                         "' (" + std::to_string(smallest.data.resolution) + " px " +
                         std::string(toString(smallest.data.colour)) + ", width " + widthText +
                         ") needs on " + mcu.id);
}

} // namespace

void SearchEngine::checkBudgets(const SearchConfig& config, const Budgets& budgets,
                                const SearchSpace& space, int classes, const McuProfile& mcu,
                                const RuntimeProfile& runtime, const DataConfig& hwNasData) {
    if (config.mode != "dnas") { // a configuration outside the space is no budget's fault
        Candidate probe = space.smallest();
        probe.data = hwNasData;
        if (const auto problems = space.check(probe); !problems.empty())
            throw InputError("--fixed-data", problems.front());
    }
    if (config.mode != "hwnas")
        checkReachable(space, classes, mcu, runtime, config.costMode, budgets, std::nullopt);
    if (config.mode != "dnas")
        checkReachable(space, classes, mcu, runtime, config.costMode, budgets, hwNasData);
}

std::int64_t SearchEngine::run(const SearchConfig& requested, SearchInputs& in,
                               SearchObserver& observer, std::stop_token stop,
                               std::optional<std::int64_t> resumeRun) {
    const auto started = Clock::now();
    const auto& space = in.supernet->space();
    // HW-NAS's data configuration is resolved once (the data's native one unless given) and
    // stored with the run, so a resume searches the same one.
    SearchConfig config = requested;
    if (config.mode != "dnas" && !config.fixedData)
        config.fixedData = nativeDataConfig(*in.dataset, space);
    const int classes = in.supernet->classes();
    const auto* runtime = in.mcu.runtime(in.runtime.empty() ? in.mcu.defaultRuntime : in.runtime);
    if (!runtime)
        throw InputError("--runtime",
                         "MCU '" + in.mcu.id + "' has no runtime '" + in.runtime + "'");
    if (config.mode != "dnas" && config.mode != "hwnas" && config.mode != "compare")
        throw InputError("--mode",
                         "unknown mode '" + config.mode + "' (use dnas, hwnas or compare)");
    if (config.maxEvaluations <= 0 && config.generations <= 0 && config.timeLimitSeconds <= 0)
        throw InputError("--max-evals",
                         "give a stop condition: --max-evals, --generations or --time-limit");

    const DataConfig fixed = config.hwNasData(space, *in.dataset);
    std::vector<ModeState> modes;
    for (const std::string name : {"dnas", "hwnas"}) {
        if (config.mode != "compare" && config.mode != name)
            continue;
        ModeState m;
        m.name = name;
        StrategyOptions so = config.strategy;
        so.ramBudget = static_cast<double>(config.budgets.sramBytes);
        so.flashBudget = static_cast<double>(config.budgets.flashBytes);
        if (name == "hwnas") {
            so.mask.data = false;
            so.fixedData = fixed;
            m.fixedData = fixed;
        }
        m.strategy = makeStrategy(space, so);
        modes.push_back(std::move(m));
    }
    checkBudgets(config, config.budgets, space, classes, in.mcu, *runtime, fixed);

    Scoring scoring(config, space, classes, in.mcu, *runtime);
    const std::vector<double> reference(config.objectives.size() + 1, 1.0);
    // What the run searched with, checked when it is resumed.
    const nlohmann::json identity = {{"space", space.name},
                                     {"dataset_fingerprint", in.dataset->fingerprint},
                                     {"mcu", in.mcu.id},
                                     {"runtime", runtime->id},
                                     {"classes", classes}};
    nlohmann::json storedConfig = config.toJson();
    storedConfig["identity"] = identity;
    Evaluator evaluator(in.supernet, in.dataset, *in.cache, config.eval);

    // A strategy member's score under the current budgets (nothing for a screened-out
    // candidate that now fits: its accuracy is unknown).
    const Rescorer rescore = [&](const ScoredCandidate& s) -> std::optional<ScoredPoint> {
        const auto report = scoring.estimate(s.candidate);
        if (!s.evaluated && report.fits)
            return std::nullopt;
        return scoring.point(report, s.accuracy);
    };

    std::int64_t runId = 0;
    nlohmann::json savedState = nlohmann::json::object(); // what saveState() last wrote
    if (resumeRun) {
        runId = *resumeRun;
        const auto info = in.store->run(runId); // throws for an unknown run
        std::vector<std::string> differences;
        if (!info.supernetFingerprint.empty() && !in.supernetFingerprint.empty() &&
            info.supernetFingerprint != in.supernetFingerprint)
            differences.push_back("supernet " + info.supernetFingerprint + " (now " +
                                  in.supernetFingerprint + ")");
        if (info.config.contains("identity"))
            for (const auto& [key, value] : identity.items())
                if (info.config["identity"].contains(key) && info.config["identity"][key] != value)
                    differences.push_back(key + " " + info.config["identity"][key].dump() +
                                          " (now " + value.dump() + ")");
        if (!differences.empty()) {
            std::string text;
            for (const auto& d : differences)
                text += (text.empty() ? "" : ", ") + d;
            throw InputError("--resume", "run " + std::to_string(runId) +
                                             " was searched with another setup: " + text);
        }
        // One process at a time continues a run; a killed holder's lease is taken over.
        if (const auto previous = in.store->holdRun(runId))
            observer.log("taking over run " + std::to_string(runId) + " from " +
                         previous->description() + ", which is no longer running");
        savedState = in.store->loadState(runId).value_or(nlohmann::json::object());
        for (auto& r : in.store->candidates(runId)) {
            for (auto& m : modes) {
                if (m.name != r.mode)
                    continue;
                m.sequence = std::max<long long>(m.sequence, r.sequence + 1);
                m.evaluations += r.evaluated ? 1 : 0;
                remember(space, m, std::move(r));
                break;
            }
        }
        for (auto& m : modes) {
            if (savedState.contains(m.name)) {
                m.strategy->restore(savedState[m.name]["strategy"]);
                m.generation = savedState[m.name]["generation"].get<int>();
                m.staleGenerations = savedState[m.name].value("stale_generations", 0);
                m.exhausted = m.staleGenerations >= kMaxStaleGenerations;
            }
            // The saved population was scored under the budgets of its time; the run goes on
            // under its latest ones (the same scores when they never changed).
            m.strategy->adoptBudgets(static_cast<double>(config.budgets.sramBytes),
                                     static_cast<double>(config.budgets.flashBytes), rescore);
        }
        in.store->updateConfig(runId, storedConfig); // new stop conditions, if any
        observer.log("resuming run " + std::to_string(runId));
    } else {
        runId = in.store->createRun(storedConfig, config.seed, in.supernetFingerprint);
    }
    try {
        observer.runStarted(runId, config);

        // The archive holds the evaluated candidates that fit the current budgets.
        auto rebuildArchive = [&](ModeState& m) {
            m.archive.clear();
            for (const auto& r : m.records) {
                if (!r.evaluated)
                    continue;
                const auto report = scoring.estimate(r.candidate);
                if (report.fits)
                    m.archive.insert(r.id, scoring.point(report, r.accuracy).objectives);
            }
        };
        auto frontierOf = [](const ModeState& m) {
            std::vector<CandidateRecord> front;
            for (const auto& r : m.records)
                if (r.evaluated && m.archive.contains(r.id))
                    front.push_back(r);
            return front;
        };
        for (auto& m : modes)
            rebuildArchive(m);

        // Adopts budgets requested through the control: strategies, the generation in progress and
        // the archives are re-scored from stored costs and accuracies; nothing is re-evaluated.
        auto adoptBudgets = [&](std::vector<ScoredCandidate>& inProgress) {
            if (!in.control)
                return;
            const auto requested = in.control->takeBudgets();
            if (!requested || *requested == scoring.budgets())
                return;
            try {
                checkBudgets(config, *requested, space, classes, in.mcu, *runtime, fixed);
            } catch (const InputError& e) {
                observer.log(std::string("budget change refused: ") + e.what());
                observer.budgetsRefused(scoring.budgets(), e.what());
                return;
            }
            scoring.setBudgets(*requested);
            for (auto& m : modes) {
                m.strategy->adoptBudgets(static_cast<double>(requested->sramBytes),
                                         static_cast<double>(requested->flashBytes), rescore);
                rebuildArchive(m);
                const double hv = m.archive.hypervolume(reference);
                in.store->recordHypervolume(runId, m.name, m.evaluations, hv);
                observer.hypervolume(m.name, m.evaluations, hv);
                observer.frontier(m.name, frontierOf(m));
            }
            rescorePopulation(inProgress, rescore);
            storedConfig["budgets"] = budgetsToJson(*requested);
            in.store->updateConfig(runId, storedConfig);
            observer.budgetsChanged(*requested);
            observer.log("budgets changed to " + describe(*requested) +
                         "; fronts re-scored without new evaluations");
        };

        // Progress and the run's remaining time, from this session's evaluation rate.
        long long evaluationsAtStart = 0;
        for (const auto& m : modes)
            evaluationsAtStart += m.evaluations;
        auto reportProgress = [&](const ModeState& m) {
            const double elapsed = std::chrono::duration<double>(Clock::now() - started).count();
            long long done = 0;
            for (const auto& x : modes)
                done += x.evaluations;
            const long long sessionDone = done - evaluationsAtStart;
            double eta = 0;
            if (config.maxEvaluations > 0 && sessionDone > 0) {
                long long remaining = 0;
                for (const auto& x : modes)
                    remaining +=
                        x.exhausted ? 0 : std::max(0LL, config.maxEvaluations - x.evaluations);
                eta = elapsed / static_cast<double>(sessionDone) * static_cast<double>(remaining);
            }
            if (config.timeLimitSeconds > 0) {
                const double left = std::max(0.0, config.timeLimitSeconds - elapsed);
                eta = eta > 0 ? std::min(eta, left) : left;
            }
            observer.progress(m.name, m.evaluations, config.maxEvaluations, eta);
        };

        auto timeUp = [&] {
            return config.timeLimitSeconds > 0 &&
                   std::chrono::duration<double>(Clock::now() - started).count() >=
                       config.timeLimitSeconds;
        };
        auto modeDone = [&](const ModeState& m) {
            return m.exhausted ||
                   (config.maxEvaluations > 0 && m.evaluations >= config.maxEvaluations) ||
                   (config.generations > 0 && m.generation >= config.generations);
        };
        bool stopped = false;     // stop requested: the run can be resumed
        bool timeReached = false; // --time-limit: the run is finished
        {
            // Modes take turns a generation at a time, so a comparison gives both equal budgets
            // and both fronts grow together.
            for (;;) {
                bool anyActive = false;
                for (auto& m : modes) {
                    if (modeDone(m))
                        continue;
                    anyActive = true;
                    // Common random numbers: every mode draws from the same stream per
                    // generation, so with the same seed DNAS and HW-NAS start from the same
                    // architectures (HW-NAS replaces only the data genes).
                    Rng rng((config.seed + 1) * 0x9E3779B97F4A7C15ULL ^
                            (static_cast<std::uint64_t>(m.generation) << 8));
                    std::vector<ScoredCandidate> scored;
                    // Seen: scored by an earlier generation - except a candidate screened out
                    // under other budgets that fits the current ones. What a resumed run stored of
                    // its unfinished generation does not count, so the proposals come again in
                    // the same order.
                    auto seenKey = [&](const std::string& key) {
                        const auto k = m.known.find(key);
                        if (k == m.known.end() || k->second.firstGeneration >= m.generation)
                            return false;
                        const auto& r = m.records[k->second.record];
                        return r.evaluated || !scoring.estimate(r.candidate).fits;
                    };
                    const auto proposals = m.strategy->ask(
                        rng, [&](const Candidate& c) { return seenKey(keyOf(space, c)); });
                    std::vector<std::string> keys;
                    long long fresh = 0; // proposals not seen before and not repeated in this one
                    std::unordered_set<std::string> generationKeys;
                    for (const auto& c : proposals) {
                        keys.push_back(keyOf(space, c));
                        fresh += generationKeys.insert(keys.back()).second && !seenKey(keys.back());
                    }
                    for (std::size_t p = 0; p < proposals.size(); ++p) {
                        const auto& candidate = proposals[p];
                        if (in.control)
                            in.control->waitWhilePaused(stop);
                        adoptBudgets(scored);
                        const auto report = scoring.estimate(candidate);
                        ScoredCandidate s;
                        s.candidate = candidate;
                        s.ramBytes = static_cast<double>(report.peakSramBytes);
                        s.flashBytes = static_cast<double>(report.flashBytes);
                        // A candidate scored before (proposed again, or stored by the unfinished
                        // generation of a resumed run) keeps its score. One screened out under
                        // other budgets that fits now is evaluated - unless it was screened out
                        // in this very generation: the budget change dropped it from the
                        // generation, and a resumed run must do the same.
                        const auto known = m.known.find(keys[p]);
                        if (known != m.known.end()) {
                            const auto& r = m.records[known->second.record];
                            if (!r.evaluated && report.fits && r.generation == m.generation)
                                continue;
                            if (r.evaluated || !report.fits) {
                                s.evaluated = r.evaluated;
                                s.accuracy = r.accuracy;
                                s.precision = r.metrics.value("precision", 0.0);
                                s.recall = r.metrics.value("recall", 0.0);
                                s.score = scoring.point(report, r.accuracy);
                                scored.push_back(std::move(s));
                                continue;
                            }
                        }
                        if (stop.stop_requested() || timeUp() || modeDone(m)) {
                            stopped = stop.stop_requested();
                            timeReached = !stopped && timeUp();
                            break;
                        }
                        CandidateRecord rec;
                        rec.runId = runId;
                        rec.mode = m.name;
                        rec.sequence = m.sequence++;
                        rec.generation = m.generation;
                        rec.candidate = candidate;
                        rec.key = keys[p];
                        setCosts(rec, report);
                        s.evaluated = false;
                        if (report.fits) {
                            const auto result = evaluator.evaluate(candidate);
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
                        s.score = scoring.point(report, rec.accuracy);
                        bool onFront = false;
                        if (rec.evaluated) {
                            // The point joins the archive before its row has an id, so that
                            // the candidate and the hypervolume after it commit together.
                            onFront = m.archive.insert(kUncommitted, s.score.objectives);
                            const double hv = m.archive.hypervolume(reference);
                            rec.id = in.store->addEvaluation(rec, m.evaluations, hv);
                            m.archive.relabel(kUncommitted, rec.id);
                            observer.hypervolume(m.name, m.evaluations, hv);
                        } else {
                            rec.id = in.store->addCandidate(rec);
                        }
                        observer.candidateEvaluated(rec, onFront);
                        remember(space, m, std::move(rec));
                        scored.push_back(std::move(s));
                        reportProgress(m);
                    }
                    if (stopped || timeReached)
                        break;
                    m.strategy->tell(scored);
                    ++m.generation;
                    m.staleGenerations = fresh > 0 ? 0 : m.staleGenerations + 1;
                    if (m.staleGenerations >= kMaxStaleGenerations) {
                        m.exhausted = true;
                        observer.log(
                            m.name + ": " + std::to_string(kMaxStaleGenerations) +
                            " generations in a row proposed only candidates already "
                            "scored; stopping this mode (the strategy has converged or its "
                            "reachable space is exhausted)");
                    }
                    savedState[m.name] = {{"strategy", m.strategy->state()},
                                          {"generation", m.generation},
                                          {"stale_generations", m.staleGenerations}};
                    in.store->saveState(runId, savedState);
                    observer.frontier(m.name, frontierOf(m));
                }
                if (stopped || timeReached || !anyActive)
                    break;
            }
        }
        if (timeReached)
            observer.log("time limit reached");
        in.store->setStatus(runId, stopped ? "stopped" : "finished");
        observer.finished(runId, stopped);
    } catch (const std::exception& e) {
        try {
            in.store->setStatus(runId, "failed");
        } catch (const std::exception&) {
            // The store itself failed (a full disk): the run shows as interrupted, resumable.
        }
        observer.failed(e.what());
        throw;
    }
    return runId;
}

} // namespace dnas
