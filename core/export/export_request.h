#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "cost/cost_report.h"

namespace dnas {

class McuCatalog;

// One export as the CLI and the app ask for it, free of LibTorch types: either candidate
// `candidateId` of run `run` of a run store (the run's dataset, supernet, MCU and budgets), or
// a candidate JSON file scored with a supernet checkpoint (its dataset unless given).
struct ExportRequest {
    std::filesystem::path store; // with run and candidateId
    std::int64_t run = 0;
    std::int64_t candidateId = 0;
    std::filesystem::path candidateFile; // without a store
    std::filesystem::path supernet;      // required without a store; replaces the run's
    std::string dataset;                 // empty: the run's / the checkpoint's
    std::string images;
    std::optional<double> holdout;
    std::string mcu = "stm32f746"; // without a store: costs, budgets and the arena estimate
    std::string runtime;           // empty: the MCU's default
    Budgets budgets;               // without a store; 0: the MCU's own
    std::size_t valSubset = 0;     // without a store: validation images (0: all)
    double cacheGb = 2;

    std::filesystem::path outDir;
    bool overwrite = false;
    int finetuneEpochs = 0;
    std::size_t calibrationImages = 500;
    std::size_t testVectors = 5;
    std::size_t checkImages = 100;
    int threads = 0; // LibTorch threads; 0: leave as it is
};

struct ExportOutcome {
    std::filesystem::path folder;
    nlohmann::json card;
    double seconds = 0;
};

// Loads what the request names (refusing, as InputError, a missing store / run / candidate,
// a supernet other than the run's, a dataset the supernet was not trained on, an unwritable
// or existing output folder), then exports (exportCandidate). `log` receives progress lines.
ExportOutcome runExport(const ExportRequest& request, const McuCatalog& catalog,
                        const std::function<void(const std::string&)>& log = {});

} // namespace dnas
