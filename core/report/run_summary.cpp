#include "report/run_summary.h"

#include <algorithm>
#include <cstdio>
#include <string>

#include "common/format.h"
#include "engine/stored_run.h"
#include "report/run_frontier.h"
#include "store/run_store.h"

namespace dnas {
namespace {

// The frontier of a stored run's mode under the run's latest budgets, from the stored costs
// and accuracies.
nlohmann::json showMode(RunStore& store, const RunInfo& run, const std::string& mode) {
    const auto config = storedConfig(run, store.path().string());
    const auto records = store.candidates(run.id);
    nlohmann::json frontier = nlohmann::json::array();
    for (const auto i : frontierOf(records, mode, config.budgets, config.objectives)) {
        const auto& r = records[i];
        frontier.push_back({{"id", r.id},
                            {"resolution", r.candidate.data.resolution},
                            {"colour", toString(r.candidate.data.colour)},
                            {"accuracy", r.accuracy},
                            {"peak_sram_bytes", r.peakSramBytes},
                            {"flash_bytes", r.flashBytes},
                            {"latency_ms", r.latencyMs},
                            {"macs", r.macs},
                            {"feasible", true},
                            {"candidate", r.candidate}});
    }
    std::sort(frontier.begin(), frontier.end(), [](const auto& a, const auto& b) {
        return a["accuracy"].template get<double>() > b["accuracy"].template get<double>();
    });
    const auto hv = store.hypervolumes(run.id, mode);
    return {{"frontier", frontier}, {"hypervolume", hv.empty() ? 0.0 : hv.back().second}};
}

} // namespace

nlohmann::json runShowJson(RunStore& store, std::int64_t runId) {
    const auto run = store.run(runId);
    nlohmann::json modes = nlohmann::json::object();
    for (const std::string m : {"dnas", "hwnas"}) {
        const auto mode = run.config.value("mode", "dnas");
        if (mode == m || mode == "compare")
            modes[m] = showMode(store, run, m);
    }
    return {{"id", run.id},
            {"status", run.status},
            {"evaluations", run.evaluations},
            {"config", run.config},
            {"modes", modes}};
}

void printRunShow(const nlohmann::json& j, std::ostream& out) {
    out << "run " << j["id"].get<long long>() << " (" << j["status"].get<std::string>() << ", "
        << j["evaluations"].get<long long>() << " evaluations)\n";
    for (const auto& [name, m] : j["modes"].items()) {
        out << "\n"
            << name << ": hypervolume " << m["hypervolume"].get<double>() << ", frontier:\n";
        for (const auto& e : m["frontier"]) {
            char line[200];
            std::snprintf(line, sizeof line,
                          "  #%-5lld %3d px %-9s accuracy %.4f  SRAM %s  flash %s  latency %s\n",
                          e["id"].get<long long>(), e["resolution"].get<int>(),
                          e["colour"].get<std::string>().c_str(), e["accuracy"].get<double>(),
                          formatBytes(e["peak_sram_bytes"].get<double>()).c_str(),
                          formatBytes(e["flash_bytes"].get<double>()).c_str(),
                          formatMs(e["latency_ms"].get<double>()).c_str());
            out << line;
        }
    }
}

} // namespace dnas
