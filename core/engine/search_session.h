#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>

#include "cost/mcu_profile.h"
#include "engine/search_config.h"
#include "engine/supernet_provider.h"

namespace dnas {

class Dataset;
class ImageCache;
class RunStore;
class SearchControl;
class SearchObserver;
class SearchSpace;

// What a front end (CLI, headless job, GUI) has loaded for a search besides its configuration.
struct SearchSetup {
    const SearchSpace* space = nullptr;
    std::shared_ptr<const Dataset> dataset;
    ImageCache* cache = nullptr;
    McuProfile mcu;
    std::string runtime; // empty: the MCU's default
    SupernetRequest supernet;
    RunStore* store = nullptr;
    SearchControl* control = nullptr;   // optional pause / resume / budget changes
    std::optional<std::int64_t> resume; // a stored run to continue
};

struct SearchOutcome {
    std::optional<std::int64_t> runId; // empty: stopped while the supernet was being trained
    std::filesystem::path supernet;    // the checkpoint the search scored with
};

// Prepares and runs one search: a new run's budgets are checked first (before any supernet is
// trained for a run that cannot start), the supernet is provided (trained and cached when
// absent, see provideSupernet) and the engine runs. Throws InputError for bad input, and for a
// resumed run that another live process holds (checked before the supernet is provided).
SearchOutcome runSearchSession(const SearchConfig& config, const SearchSetup& setup,
                               SearchObserver& observer, std::stop_token stop = {});

} // namespace dnas
