#pragma once

#include <filesystem>
#include <string_view>
#include <vector>

#include "data/dataset.h"

namespace dnas {

// Wake Vision label CSVs (`filename,person[,depiction,body_part,...]`; the split comes from
// the CSV's name: train_large / train_quality / validation / test) with the images found by
// base file name anywhere under `imageDir`. Rows whose person is not 0 or 1, rows with the
// wrong number of fields and listed images that do not exist are skipped with file and line;
// blank lines are ignored; a CSV with an unknown header is skipped whole. Extra columns are
// kept as per-sample flags (distance, lighting, depiction, ...).
Dataset readWakeVisionCsv(const std::vector<std::filesystem::path>& csvFiles,
                          const std::filesystem::path& imageDir, bool checkImages);

// Splits one CSV line into fields (double quotes group, "" is a quote).
std::vector<std::string> splitCsvLine(std::string_view line);

} // namespace dnas
