#include "headless_job.h"

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "cli/cli.h"
#include "cli/cost_command.h"
#include "cli/data_command.h"
#include "cli/text_table.h"
#include "common/error.h"
#include "common/format.h"
#include "cost/mcu_catalog.h"
#include "data/dataset_loader.h"

namespace dnas::app {
namespace {

// Writes through a temporary file and renames, so a full disk never leaves a truncated file.
void writeFile(const std::filesystem::path& path, const std::string& text) {
    const auto tmp = path.string() + ".tmp";
    {
        std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
        f << text;
        f.flush();
        if (!f)
            throw std::runtime_error("cannot write " + tmp + " (disk full or no permission?)");
    }
    std::filesystem::rename(tmp, path);
}

} // namespace

int runHeadlessJob(const std::filesystem::path& resultsDir, const std::string& mcu,
                   std::ostream& out, std::ostream& err) {
    try {
        std::filesystem::create_directories(resultsDir);
        const auto catalog = McuCatalog::load();
        cli::CostRequest request;
        request.width = 0.35;
        request.resolution = 96;
        request.classes = 2;
        request.mcu = mcu;
        const auto chosen = cli::computeCost(request);

        std::ostringstream text;
        cli::printCostText(chosen, text);
        writeFile(resultsDir / "cost-report.txt", text.str());
        writeFile(resultsDir / "cost-report.json", cli::costJson(chosen).dump(2) + "\n");

        using A = cli::TextTable::Align;
        cli::TextTable table;
        for (const auto* h :
             {"mcu", "runtime", "peak SRAM", "of", "flash", "of", "latency", "fits"})
            table.addColumn(h, A::Right);
        nlohmann::json summary = nlohmann::json::array();
        for (const auto& profile : catalog.profiles()) {
            request.mcu = profile.id;
            const auto r = cli::computeCost(request).report;
            table.addRow({profile.id, r.runtimeId,
                          formatBytes(static_cast<double>(r.peakSramBytes)),
                          formatBytes(static_cast<double>(profile.sramBytes)),
                          formatBytes(static_cast<double>(r.flashBytes)),
                          formatBytes(static_cast<double>(profile.flashBytes)),
                          formatMs(r.latencyMs), r.fits ? "yes" : "no"});
            summary.push_back({{"mcu", profile.id},
                               {"runtime", r.runtimeId},
                               {"peak_sram_bytes", r.peakSramBytes},
                               {"flash_bytes", r.flashBytes},
                               {"latency_ms", r.latencyMs},
                               {"fits", r.fits}});
        }
        std::ostringstream all;
        all << "Default network " << chosen.spec.name << " on every MCU profile:\n";
        table.print(all);
        writeFile(resultsDir / "mcu-summary.txt", all.str());
        writeFile(resultsDir / "mcu-summary.json", summary.dump(2) + "\n");

        // The embedded default dataset the search will run on.
        const auto dataset = loadDataset("fashion-mnist:binary");
        const auto inspection = cli::inspectJson(*dataset);
        writeFile(resultsDir / "dataset.json", inspection.dump(2) + "\n");

        out << text.str() << '\n' << all.str() << '\n';
        out << "Dataset " << dataset->name << ": " << inspection["splits"]["train"]["count"]
            << " training and " << inspection["splits"]["test"]["count"]
            << " test images, classes no_person / person (" << dataset->note << ")\n\n";
        out << "dnas-studio: no display, so the main job ran headless. Results are in "
            << std::filesystem::absolute(resultsDir).string()
            << " (cost-report.txt/.json, mcu-summary.txt/.json, dataset.json)\n";
        return cli::kExitOk;
    } catch (const InputError& e) {
        for (const auto& p : e.problems())
            err << "dnas-studio: error: " << p.toString() << '\n';
        return cli::kExitBadInput;
    } catch (const std::exception& e) {
        err << "dnas-studio: error: " << e.what() << '\n';
        return cli::kExitInternal;
    }
}

} // namespace dnas::app
