#pragma once

#include <filesystem>

#include "bridge/search_runner.h"

namespace dnas::ui {

// A DNAS Studio project: everything the window sets a search up with - dataset, search space,
// the HW-NAS baseline's data configuration, MCU, runtime, cost mode, budgets, strategy,
// limits, seed and run store - as a JSON file with a `schema_version`, so that a set-up can be
// shared, kept next to the data and reopened exactly.
//
// Paths inside the project's folder are written relative to it (the folder can be moved or
// shared whole); relative paths in a file are taken relative to the project's folder (a
// dataset or space that names nothing there is a built-in name such as "fashion-mnist").
struct Project {
    static constexpr int kSchemaVersion = 1;

    SearchJob job; // all but resume, supernetCacheDir and config.inputs

    // Throws InputError naming the file, the field and its line for anything that is wrong
    // (syntax, a newer schema_version, a missing or malformed field, an unknown key).
    static Project load(const std::filesystem::path& path);
    // Written atomically; throws InputError naming the file when it cannot be written.
    void save(const std::filesystem::path& path) const;
};

} // namespace dnas::ui
