#include "engine/search_engine.h"

#include <chrono>
#include <cstdio>

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "common/format.h"
#include "common/malloc_tuning.h"
#include "cost/cost_model.h"
#include "data/dataset.h"
#include "engine/search_loop.h"

namespace dnas {
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

SearchConfig resolvedConfig(const SearchConfig& requested, const SearchInputs& in) {
    // HW-NAS's data configuration is resolved once (the data's native one unless given) and
    // stored with the run, so a resume searches the same one.
    SearchConfig config = requested;
    if (config.mode != "dnas" && !config.fixedData)
        config.fixedData = nativeDataConfig(*in.dataset, in.supernet->space());
    return config;
}

const RuntimeProfile& runtimeOf(const SearchInputs& in) {
    const auto* runtime = in.mcu.runtime(in.runtime.empty() ? in.mcu.defaultRuntime : in.runtime);
    if (!runtime)
        throw InputError("--runtime",
                         "MCU '" + in.mcu.id + "' has no runtime '" + in.runtime + "'");
    return *runtime;
}

void checkRunnable(const SearchConfig& config) {
    if (config.mode != "dnas" && config.mode != "hwnas" && config.mode != "compare")
        throw InputError("--mode",
                         "unknown mode '" + config.mode + "' (use dnas, hwnas or compare)");
    if (config.maxEvaluations <= 0 && config.generations <= 0 && config.timeLimitSeconds <= 0)
        throw InputError("--max-evals",
                         "give a stop condition: --max-evals, --generations or --time-limit");
}

// What the run searched with, checked when it is resumed.
nlohmann::json identityOf(const SearchInputs& in, const RuntimeProfile& runtime) {
    return {{"space", in.supernet->space().name},
            {"dataset_fingerprint", in.dataset->fingerprint},
            {"mcu", in.mcu.id},
            {"runtime", runtime.id},
            {"classes", in.supernet->classes()}};
}

// Throws InputError when stored run `runId` (which must exist) was searched with another
// supernet or identity than `identity`.
void checkResumable(const SearchInputs& in, std::int64_t runId, const nlohmann::json& identity) {
    const auto info = in.store->run(runId); // throws for an unknown run
    std::vector<std::string> differences;
    if (!info.supernetFingerprint.empty() && !in.supernetFingerprint.empty() &&
        info.supernetFingerprint != in.supernetFingerprint)
        differences.push_back("supernet " + info.supernetFingerprint + " (now " +
                              in.supernetFingerprint + ")");
    if (info.config.contains("identity"))
        for (const auto& [key, value] : identity.items())
            if (info.config["identity"].contains(key) && info.config["identity"][key] != value)
                differences.push_back(key + " " + info.config["identity"][key].dump() + " (now " +
                                      value.dump() + ")");
    if (differences.empty())
        return;
    std::string text;
    for (const auto& d : differences)
        text += (text.empty() ? "" : ", ") + d;
    throw InputError("--resume",
                     "run " + std::to_string(runId) + " was searched with another setup: " + text);
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
    const auto started = SearchLoop::Clock::now();
    const FreeMemoryAtEnd freeMemory;
    const SearchConfig config = resolvedConfig(requested, in);
    const auto& runtime = runtimeOf(in);
    checkRunnable(config);
    SearchLoop loop(config, in, observer, runtime, started);
    const nlohmann::json identity = identityOf(in, runtime);
    nlohmann::json storedConfig = config.toJson();
    storedConfig["identity"] = identity;

    std::int64_t runId = 0;
    if (resumeRun) {
        runId = *resumeRun;
        checkResumable(in, runId, identity);
        // One process at a time continues a run; a killed holder's lease is taken over.
        if (const auto previous = in.store->holdRun(runId))
            observer.log("taking over run " + std::to_string(runId) + " from " +
                         previous->description() + ", which is no longer running");
        loop.resume(runId, std::move(storedConfig));
        observer.log("resuming run " + std::to_string(runId));
    } else {
        runId = in.store->createRun(storedConfig, config.seed, in.supernetFingerprint);
        loop.start(runId, std::move(storedConfig));
    }
    try {
        observer.runStarted(runId, config);
        const auto ending = loop.run(stop);
        if (ending == SearchLoop::Ending::TimeLimit)
            observer.log("time limit reached");
        const bool stopped = ending == SearchLoop::Ending::Stopped;
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
