#include "engine/search_engine.h"

#include <chrono>
#include <cmath>

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "common/rng.h"
#include "cost/cost_model.h"
#include "data/dataset.h"
#include "search/pareto_archive.h"

namespace dnas {
namespace {

using Clock = std::chrono::steady_clock;

double costOf(const CostReport& r, const std::string& name) {
    if (name == "peak_sram_bytes")
        return static_cast<double>(r.peakSramBytes);
    if (name == "flash_bytes")
        return static_cast<double>(r.flashBytes);
    if (name == "latency_ms")
        return r.latencyMs;
    if (name == "macs")
        return static_cast<double>(r.macs);
    if (name == "energy_mj")
        return r.energyMj;
    throw InputError("--objectives",
                     "unknown objective '" + name +
                         "' (use peak_sram_bytes, flash_bytes, latency_ms, macs, energy_mj)");
}

struct ModeState {
    std::string name;
    std::unique_ptr<Strategy> strategy;
    ParetoArchive archive;
    std::vector<CandidateRecord> records; // evaluated, for frontier snapshots
    std::vector<CandidateRecord> pending; // a resumed run's records of its unfinished generation
    long long evaluations = 0;
    long long sequence = 0;
    int generation = 0;
};

} // namespace

nlohmann::json SearchConfig::toJson() const {
    nlohmann::json j = {{"mode", mode},
                        {"strategy", strategy.name},
                        {"population", strategy.population},
                        {"cost_mode", toString(costMode)},
                        {"budgets",
                         {{"sram_bytes", budgets.sramBytes},
                          {"flash_bytes", budgets.flashBytes},
                          {"latency_ms", budgets.latencyMs ? nlohmann::json(*budgets.latencyMs)
                                                           : nlohmann::json()}}},
                        {"objectives", objectives},
                        {"max_evaluations", maxEvaluations},
                        {"generations", generations},
                        {"time_limit_seconds", timeLimitSeconds},
                        {"seed", seed},
                        {"evaluator", toString(eval.kind)},
                        {"val_subset", eval.valSubset}};
    if (fixedData)
        j["fixed_data"] = *fixedData;
    return j;
}

std::int64_t SearchEngine::run(const SearchConfig& config, SearchInputs& in,
                               SearchObserver& observer, std::stop_token stop,
                               std::optional<std::int64_t> resumeRun) {
    const auto started = Clock::now();
    const auto& space = in.supernet->space();
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
    if (config.budgets.sramBytes <= 0 || config.budgets.flashBytes <= 0)
        throw InputError("--budget", "SRAM and flash budgets must be positive");

    // Normalisers of the cost objectives: the budget, or the largest candidate's cost.
    CostModel costModel;
    const auto largestReport =
        costModel.estimate(buildNetwork(space.decode(space.largest(), classes)), in.mcu, *runtime,
                           config.costMode, config.budgets);
    std::vector<double> normaliser;
    for (const auto& o : config.objectives) {
        if (o == "peak_sram_bytes")
            normaliser.push_back(static_cast<double>(config.budgets.sramBytes));
        else if (o == "flash_bytes")
            normaliser.push_back(static_cast<double>(config.budgets.flashBytes));
        else if (o == "latency_ms" && config.budgets.latencyMs)
            normaliser.push_back(*config.budgets.latencyMs);
        else
            normaliser.push_back(std::max(1e-9, costOf(largestReport, o)));
    }
    const std::vector<double> reference(config.objectives.size() + 1, 1.0);

    DataConfig fixed = config.fixedData.value_or(DataConfig{
        *std::max_element(space.resolutions.begin(), space.resolutions.end()), ColourMode::Rgb});
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
        }
        m.strategy = makeStrategy(space, so);
        modes.push_back(std::move(m));
    }

    std::int64_t runId = 0;
    nlohmann::json savedState = nlohmann::json::object(); // what saveState() last wrote
    if (resumeRun) {
        runId = *resumeRun;
        in.store->run(runId); // throws for an unknown run
        savedState = in.store->loadState(runId).value_or(nlohmann::json::object());
        const auto stored = in.store->candidates(runId);
        for (const auto& r : stored) {
            for (auto& m : modes) {
                if (m.name != r.mode)
                    continue;
                m.sequence = std::max<long long>(m.sequence, r.sequence + 1);
                if (!r.evaluated)
                    continue;
                ++m.evaluations;
                m.records.push_back(r);
            }
        }
        for (auto& m : modes) {
            if (savedState.contains(m.name)) {
                m.strategy->restore(savedState[m.name]["strategy"]);
                m.generation = savedState[m.name]["generation"].get<int>();
            }
        }
        // What the killed run stored of the generation it did not finish is reused, not redone:
        // the generation's proposals are a function of the seed, so they come again in order.
        for (const auto& r : stored)
            for (auto& m : modes)
                if (m.name == r.mode && r.generation == m.generation)
                    m.pending.push_back(r);
        in.store->setStatus(runId, "running");
        observer.log("resuming run " + std::to_string(runId));
    } else {
        runId = in.store->createRun(config.toJson(), config.seed, in.supernetFingerprint);
    }
    observer.runStarted(runId, config);

    Evaluator evaluator(in.supernet, in.dataset, *in.cache, config.eval);
    auto objectivesOf = [&](const CostReport& report, double accuracy) {
        std::vector<double> v = {1 - accuracy};
        for (std::size_t i = 0; i < config.objectives.size(); ++i)
            v.push_back(costOf(report, config.objectives[i]) / normaliser[i]);
        return v;
    };
    // Rebuild the archives of a resumed run from its stored evaluations.
    for (auto& m : modes) {
        for (const auto& r : m.records) {
            const auto report =
                costModel.estimate(buildNetwork(space.decode(r.candidate, classes)), in.mcu,
                                   *runtime, config.costMode, config.budgets);
            m.archive.insert(r.id, objectivesOf(report, r.accuracy));
        }
    }

    auto timeUp = [&] {
        return config.timeLimitSeconds > 0 &&
               std::chrono::duration<double>(Clock::now() - started).count() >=
                   config.timeLimitSeconds;
    };
    auto modeDone = [&](const ModeState& m) {
        return (config.maxEvaluations > 0 && m.evaluations >= config.maxEvaluations) ||
               (config.generations > 0 && m.generation >= config.generations);
    };
    bool stopped = false;
    try {
        // Modes take turns a generation at a time, so a comparison gives both equal budgets
        // and both fronts grow together.
        for (;;) {
            bool anyActive = false;
            for (auto& m : modes) {
                if (modeDone(m))
                    continue;
                anyActive = true;
                Rng rng((config.seed + 1) * 0x9E3779B97F4A7C15ULL ^
                        (static_cast<std::uint64_t>(m.generation) << 8) ^
                        (m.name == "hwnas" ? 0x5555ULL : 0ULL));
                std::vector<ScoredCandidate> scored;
                const auto proposals = m.strategy->ask(rng);
                for (std::size_t k = 0; k < proposals.size(); ++k) {
                    const auto& candidate = proposals[k];
                    if (k < m.pending.size() && m.pending[k].candidate == candidate) {
                        const auto& r = m.pending[k];
                        const auto report =
                            costModel.estimate(buildNetwork(space.decode(candidate, classes)),
                                               in.mcu, *runtime, config.costMode, config.budgets);
                        ScoredCandidate s;
                        s.candidate = candidate;
                        s.accuracy = r.accuracy;
                        s.precision = r.metrics.value("precision", 0.0);
                        s.recall = r.metrics.value("recall", 0.0);
                        s.ramBytes = static_cast<double>(r.peakSramBytes);
                        s.flashBytes = static_cast<double>(r.flashBytes);
                        for (const auto& v : report.violations)
                            s.score.violation += v.value / v.limit - 1;
                        s.score.objectives = objectivesOf(report, r.accuracy);
                        scored.push_back(std::move(s));
                        continue;
                    }
                    if (in.control)
                        in.control->waitWhilePaused(stop);
                    if (stop.stop_requested() || timeUp() || modeDone(m)) {
                        stopped = stop.stop_requested() || timeUp();
                        break;
                    }
                    const auto report =
                        costModel.estimate(buildNetwork(space.decode(candidate, classes)), in.mcu,
                                           *runtime, config.costMode, config.budgets);
                    CandidateRecord rec;
                    rec.runId = runId;
                    rec.mode = m.name;
                    rec.sequence = m.sequence++;
                    rec.generation = m.generation;
                    rec.candidate = candidate;
                    rec.macs = report.macs;
                    rec.params = report.params;
                    rec.peakSramBytes = report.peakSramBytes;
                    rec.flashBytes = report.flashBytes;
                    rec.latencyMs = report.latencyMs;
                    rec.energyMj = report.energyMj;
                    rec.feasible = report.fits;
                    ScoredCandidate s;
                    s.candidate = candidate;
                    s.ramBytes = static_cast<double>(report.peakSramBytes);
                    s.flashBytes = static_cast<double>(report.flashBytes);
                    for (const auto& v : report.violations)
                        s.score.violation += v.value / v.limit - 1;
                    bool onFront = false;
                    if (report.fits) {
                        const auto result = evaluator.evaluate(candidate);
                        rec.evaluated = true;
                        rec.accuracy = result.metrics.accuracy;
                        rec.metrics = result.metrics;
                        rec.evalSeconds = result.seconds;
                        s.accuracy = result.metrics.accuracy;
                        s.precision = result.metrics.precision;
                        s.recall = result.metrics.recall;
                        ++m.evaluations;
                    }
                    s.score.objectives = objectivesOf(report, rec.accuracy);
                    rec.id = in.store->addCandidate(rec);
                    if (rec.evaluated) {
                        onFront = m.archive.insert(rec.id, s.score.objectives);
                        m.records.push_back(rec);
                        const double hv = m.archive.hypervolume(reference);
                        in.store->recordHypervolume(runId, m.name, m.evaluations, hv);
                        observer.hypervolume(m.name, m.evaluations, hv);
                    }
                    observer.candidateEvaluated(rec, onFront);
                    scored.push_back(std::move(s));
                    const double elapsed =
                        std::chrono::duration<double>(Clock::now() - started).count();
                    const long long planned = config.maxEvaluations;
                    observer.progress(m.name, m.evaluations, planned,
                                      planned > 0 && m.evaluations > 0
                                          ? elapsed / static_cast<double>(m.evaluations) *
                                                static_cast<double>(planned - m.evaluations)
                                          : 0.0);
                }
                if (stopped)
                    break;
                m.strategy->tell(scored);
                m.pending.clear();
                ++m.generation;
                savedState[m.name] = {{"strategy", m.strategy->state()},
                                      {"generation", m.generation}};
                in.store->saveState(runId, savedState);
                std::vector<CandidateRecord> front;
                for (const auto& r : m.records)
                    if (m.archive.contains(r.id))
                        front.push_back(r);
                observer.frontier(m.name, front);
            }
            if (stopped || !anyActive)
                break;
        }
        in.store->setStatus(runId, stopped ? "stopped" : "finished");
        observer.finished(runId, stopped);
    } catch (const std::exception& e) {
        in.store->setStatus(runId, "failed");
        observer.failed(e.what());
        throw;
    }
    return runId;
}

} // namespace dnas
