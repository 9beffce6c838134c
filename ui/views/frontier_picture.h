#pragma once

#include <cstdint>
#include <filesystem>

namespace dnas::ui {

// Draws run `runId` of the store at `store` as the app's Pareto chart shows it (both modes'
// candidates and frontiers under the run's latest budgets, the budget line) against peak SRAM
// and writes it to `picture` (PNG, or SVG by extension). Needs a QApplication (the headless
// job makes an offscreen one). Throws InputError when the store or run cannot be read or the
// picture cannot be written.
void writeFrontierPicture(const std::filesystem::path& store, std::int64_t runId,
                          const std::filesystem::path& picture);

} // namespace dnas::ui
