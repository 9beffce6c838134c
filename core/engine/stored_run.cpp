#include "engine/stored_run.h"

namespace dnas {

SearchConfig storedConfig(const RunInfo& run, const std::string& store) {
    return SearchConfig::fromJson(run.config,
                                  store + " run " + std::to_string(run.id) + " configuration");
}

} // namespace dnas
