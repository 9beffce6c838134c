#pragma once

#include <nlohmann/json.hpp>

namespace dnas {

class Dataset;

// What a dataset holds, as `dnas data inspect --json` prints it and the app shows it: name,
// format, classes, counts per split and class (validation held out of training when the data
// has none), the files that were skipped with their reasons, and its fingerprint.
nlohmann::json inspectDataset(const Dataset& ds);

} // namespace dnas
