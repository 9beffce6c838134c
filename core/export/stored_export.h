#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "export/exporter.h"
#include "store/run_store.h"

namespace dnas {

class McuCatalog;

// What a stored run says about exporting one of its candidates: the export job (candidate,
// the run's evaluation settings, MCU, runtime, cost mode and budgets, its frontier for the
// picture, provenance) and where the weights and images come from.
struct StoredExportSource {
    ExportJob job;
    CandidateRecord record;
    std::filesystem::path supernet;  // the checkpoint the run was scored with
    std::string supernetFingerprint; // as the run recorded it
    nlohmann::json inputs;           // the run's dataset, images, holdout, ...
};

// Throws InputError naming the store when the run or the candidate does not exist (listing
// how to find ids), or when the run does not say which supernet it used and `supernet` is
// empty. `supernet` (given by the user) replaces the run's.
StoredExportSource storedExportSource(RunStore& store, std::int64_t runId, std::int64_t candidateId,
                                      const McuCatalog& catalog,
                                      const std::filesystem::path& supernet = {});

// Refuses (InputError naming the checkpoint) weights other than those the run was scored with.
void checkRunSupernet(const StoredExportSource& source, const std::string& fingerprint);

} // namespace dnas
