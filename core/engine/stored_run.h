#pragma once

#include <string>

#include "engine/search_config.h"

namespace dnas {

// The configuration stored with run `run` of the store at `store`, read field by field; a
// field that cannot be read is named as "<store> run N configuration:LINE: field: ...".
SearchConfig storedConfig(const RunInfo& run, const std::string& store);

} // namespace dnas
