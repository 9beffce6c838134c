#include "export/export_request.h"

#include <torch/torch.h>

#include "common/error.h"
#include "common/json_document.h"
#include "cost/mcu_catalog.h"
#include "data/dataset_loader.h"
#include "data/image_cache.h"
#include "engine/supernet_provider.h"
#include "export/export_folder.h"
#include "export/exporter.h"
#include "export/stored_export.h"
#include "space/candidate_file.h"
#include "supernet/checkpoint.h"

namespace dnas {
namespace {

std::shared_ptr<Dataset> datasetOf(const ExportRequest& request, const nlohmann::json& inputs,
                                   const CheckpointMeta& meta) {
    DatasetOptions options;
    std::string spec = request.dataset;
    if (spec.empty()) {
        spec = inputs.value("dataset", meta.datasetName);
        options.imageDir = inputs.value("images", "");
        options.validationHoldout = inputs.value("holdout", options.validationHoldout);
    }
    if (!request.images.empty())
        options.imageDir = request.images;
    if (request.holdout)
        options.validationHoldout = *request.holdout;
    auto dataset = loadDataset(spec, options);
    checkTrainable(*dataset);
    return dataset;
}

// Without a store: the candidate file's first candidate, costed on the requested MCU.
ExportJob fileJob(const ExportRequest& request, const SearchSpace& space,
                  const McuCatalog& catalog) {
    const auto candidates = readCandidateFile(request.candidateFile.string(), space);
    if (candidates.size() != 1)
        throw InputError({{request.candidateFile.string(),
                           0,
                           {},
                           "holds " + std::to_string(candidates.size()) +
                               " candidates; export takes one (a run's candidate: --store)"}});
    ExportJob job;
    job.candidate = candidates.front();
    job.name = request.candidateFile.stem().string();
    job.mcus = catalog.profiles();
    const auto& mcu = catalog.find(request.mcu);
    job.mcuId = mcu.id;
    const auto runtimeId = request.runtime.empty() ? mcu.defaultRuntime : request.runtime;
    const auto* runtime = mcu.runtime(runtimeId);
    if (!runtime)
        throw InputError("--runtime", "MCU '" + mcu.id + "' has no runtime '" + runtimeId + "'");
    job.runtime = *runtime;
    job.budgets = request.budgets;
    if (job.budgets.sramBytes <= 0)
        job.budgets.sramBytes = mcu.sramBytes;
    if (job.budgets.flashBytes <= 0)
        job.budgets.flashBytes = mcu.flashBytes;
    job.eval.valSubset = request.valSubset;
    job.provenance = {{"candidate_file", std::filesystem::absolute(request.candidateFile).string()},
                      {"supernet", std::filesystem::absolute(request.supernet).string()}};
    return job;
}

} // namespace

ExportOutcome runExport(const ExportRequest& request, const McuCatalog& catalog,
                        const std::function<void(const std::string&)>& log) {
    checkExportFolder(request.outDir, request.overwrite);
    if (request.threads > 0)
        torch::set_num_threads(request.threads);
    std::optional<StoredExportSource> stored;
    std::unique_ptr<RunStore> store;
    if (!request.store.empty()) {
        if (!std::filesystem::exists(request.store))
            throw InputError({{request.store.string(), 0, {}, "run store does not exist"}});
        store = RunStore::open(request.store, RunStore::Access::ReadOnly);
        stored =
            storedExportSource(*store, request.run, request.candidateId, catalog, request.supernet);
    } else if (request.supernet.empty() || request.candidateFile.empty()) {
        throw InputError("--store", "give --store, --run and --candidate ID, or --supernet and "
                                    "--candidate FILE");
    }
    const auto supernetPath = stored ? stored->supernet : request.supernet;
    auto loaded = loadCheckpoint(supernetPath);
    const auto fingerprint = supernetFingerprint(loaded.meta, *loaded.supernet);
    if (stored)
        checkRunSupernet(*stored, fingerprint);
    const auto space = SearchSpace::fromDocument(
        JsonDocument::fromText(loaded.meta.space.dump(), supernetPath.string() + " (space)"));
    const auto dataset =
        datasetOf(request, stored ? stored->inputs : nlohmann::json::object(), loaded.meta);
    checkCheckpointMatches(loaded.meta, supernetPath, space, *dataset);
    auto job = stored ? stored->job : fileJob(request, space, catalog);
    job.provenance["supernet_fingerprint"] = fingerprint;
    job.provenance["supernet_step"] = loaded.meta.step;
    ImageCache::Options cacheOptions;
    cacheOptions.memoryBudgetBytes = static_cast<Bytes>(request.cacheGb * 1024 * 1024 * 1024);
    ImageCache cache(dataset, cacheOptions);
    loaded.supernet->eval();
    ExportOptions options;
    options.outDir = request.outDir;
    options.overwrite = request.overwrite;
    options.finetuneEpochs = request.finetuneEpochs;
    options.calibrationImages = request.calibrationImages;
    options.testVectors = request.testVectors;
    options.checkImages = request.checkImages;
    const auto result = exportCandidate(loaded.supernet, dataset, cache, job, options, log);
    return {result.folder, result.card, result.seconds};
}

} // namespace dnas
