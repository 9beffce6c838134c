#include "export/stored_export.h"

#include <cstdio>

#include "common/error.h"
#include "cost/mcu_catalog.h"
#include "engine/stored_run.h"
#include "report/run_frontier.h"

namespace dnas {
namespace {

std::string describe(const CandidateRecord& r) {
    char buf[160];
    std::snprintf(buf, sizeof buf, "run %lld %s candidate %lld (%d px %s, width %.2f)",
                  static_cast<long long>(r.runId), r.mode == "hwnas" ? "HW-NAS" : "DNAS",
                  static_cast<long long>(r.id), r.candidate.data.resolution,
                  std::string(toString(r.candidate.data.colour)).c_str(), r.candidate.arch.width);
    return buf;
}

std::vector<FrontierPoint> frontierPoints(const std::vector<CandidateRecord>& records,
                                          const Budgets& budgets, std::int64_t selected) {
    std::vector<bool> front(records.size(), false);
    for (const std::string mode : {"dnas", "hwnas"})
        for (const auto i : frontierOf(records, mode, budgets, {"peak_sram_bytes"}))
            front[i] = true;
    std::vector<FrontierPoint> points;
    for (std::size_t i = 0; i < records.size(); ++i) {
        const auto& r = records[i];
        if (!r.evaluated)
            continue;
        points.push_back(
            {static_cast<double>(r.peakSramBytes), r.accuracy, r.mode, front[i], r.id == selected});
    }
    return points;
}

} // namespace

StoredExportSource storedExportSource(RunStore& store, std::int64_t runId, std::int64_t candidateId,
                                      const McuCatalog& catalog,
                                      const std::filesystem::path& supernet) {
    const auto origin = store.path().string();
    const auto info = store.run(runId);
    const auto config = storedConfig(info, origin);
    const auto records = store.candidates(runId);
    StoredExportSource out;
    bool found = false;
    for (const auto& r : records)
        if (r.id == candidateId) {
            out.record = r;
            found = true;
        }
    if (!found)
        throw InputError(
            {{origin, 0, "--candidate",
              "run " + std::to_string(runId) + " has no candidate " + std::to_string(candidateId) +
                  " (ids: `dnas runs csv --store ... " + std::to_string(runId) + "`, column id)"}});
    out.inputs = config.inputs.is_object() ? config.inputs : nlohmann::json::object();
    out.supernet = supernet;
    if (out.supernet.empty())
        out.supernet = out.inputs.value("supernet_checkpoint", out.inputs.value("supernet", ""));
    if (out.supernet.empty())
        throw InputError(
            {{origin, 0, "--supernet",
              "run " + std::to_string(runId) +
                  " does not record its supernet checkpoint; give it with --supernet"}});
    out.supernetFingerprint = info.supernetFingerprint;
    const auto identity = info.config.value("identity", nlohmann::json::object());
    auto& job = out.job;
    job.candidate = out.record.candidate;
    job.name = describe(out.record);
    job.eval = config.eval;
    job.mcus = catalog.profiles();
    job.mcuId = identity.value("mcu", out.inputs.value("mcu", ""));
    const auto& mcu = catalog.find(job.mcuId);
    const auto runtimeId = identity.value("runtime", mcu.defaultRuntime);
    const auto* runtime = mcu.runtime(runtimeId);
    if (!runtime)
        throw InputError({{origin, 0, "runtime",
                           "run " + std::to_string(runId) + " used runtime '" + runtimeId +
                               "', which MCU '" + mcu.id + "' no longer has"}});
    job.runtime = *runtime;
    job.costMode = config.costMode;
    job.budgets = config.budgets;
    job.frontier = frontierPoints(records, config.budgets, candidateId);
    job.provenance = {{"store", std::filesystem::absolute(store.path()).string()},
                      {"run", runId},
                      {"run_created", info.created},
                      {"candidate_id", candidateId},
                      {"mode", out.record.mode},
                      {"search_accuracy", out.record.accuracy},
                      {"evaluated", out.record.evaluated},
                      {"supernet", std::filesystem::absolute(out.supernet).string()},
                      {"supernet_fingerprint", info.supernetFingerprint}};
    return out;
}

void checkRunSupernet(const StoredExportSource& source, const std::string& fingerprint) {
    if (source.supernetFingerprint.empty() || source.supernetFingerprint == fingerprint)
        return;
    throw InputError({{source.supernet.string(),
                       0,
                       {},
                       "is not the supernet run " + std::to_string(source.record.runId) +
                           " was scored with (fingerprint " + fingerprint + ", the run's " +
                           source.supernetFingerprint + ")"}});
}

} // namespace dnas
