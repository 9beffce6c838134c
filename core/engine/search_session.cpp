#include "engine/search_session.h"

#include "common/error.h"
#include "data/dataset.h"
#include "engine/search_engine.h"
#include "store/run_store.h"

namespace dnas {

SearchOutcome runSearchSession(const SearchConfig& config, const SearchSetup& setup,
                               SearchObserver& observer, std::stop_token stop) {
    const auto& runtimeId = setup.runtime.empty() ? setup.mcu.defaultRuntime : setup.runtime;
    const auto* runtime = setup.mcu.runtime(runtimeId);
    if (!runtime)
        throw InputError("--runtime",
                         "MCU '" + setup.mcu.id + "' has no runtime '" + runtimeId + "'");
    if (!setup.resume)
        SearchEngine::checkBudgets(
            config, config.budgets, *setup.space, static_cast<int>(setup.dataset->classes.size()),
            setup.mcu, *runtime,
            config.mode == "dnas" ? setup.space->smallest().data
                                  : config.hwNasData(*setup.space, *setup.dataset));
    if (setup.resume) // refused before a supernet is loaded or trained for it
        setup.store->checkRunAvailable(*setup.resume);
    const auto provided =
        provideSupernet(*setup.space, setup.dataset, *setup.cache, setup.supernet, observer, stop);
    SearchOutcome outcome;
    outcome.supernet = provided.path;
    if (!provided.supernet)
        return outcome;
    SearchInputs in;
    in.supernet = provided.supernet;
    in.dataset = setup.dataset;
    in.cache = setup.cache;
    in.mcu = setup.mcu;
    in.runtime = setup.runtime;
    in.store = setup.store;
    in.supernetFingerprint = provided.fingerprint;
    in.control = setup.control;
    // The checkpoint the run is scored with, recorded for exports (a cached supernet has no
    // path among the user's inputs).
    SearchConfig recorded = config;
    if (!recorded.inputs.is_object())
        recorded.inputs = nlohmann::json::object();
    recorded.inputs["supernet_checkpoint"] = std::filesystem::absolute(provided.path).string();
    outcome.runId = SearchEngine::run(recorded, in, observer, stop, setup.resume);
    return outcome;
}

} // namespace dnas
