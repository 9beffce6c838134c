#include "headless_job.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "cli/cli.h"
#include "cli/cost_command.h"
#include "cli/data_command.h"
#include "cli/mcus_command.h"
#include "cli/progress_printer.h"
#include "cli/search_progress.h"
#include "cli/text_table.h"
#include "common/error.h"
#include "common/format.h"
#include "cost/budgets.h"
#include "cost/mcu_catalog.h"
#include "data/dataset_inspection.h"
#include "data/dataset_loader.h"
#include "data/image_cache.h"
#include "engine/search_session.h"
#include "export/export_request.h"
#include "report/run_frontier.h"
#include "report/run_summary.h"
#include "views/frontier_picture.h"

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

// The most accurate candidate of the DNAS frontier, exported for firmware into
// results/export-dnas-best (replacing an earlier job's); the summary line.
std::string exportBest(const HeadlessOptions& o, RunStore& store, std::int64_t runId,
                       const SearchConfig& c, const McuCatalog& catalog, std::ostream& err) {
    const auto records = store.candidates(runId);
    const auto front = frontierOf(records, "dnas", c.budgets, c.objectives);
    if (front.empty())
        return "No DNAS candidate met the budgets: nothing exported.\n";
    const auto best = *std::max_element(front.begin(), front.end(), [&](auto a, auto b) {
        return records[a].accuracy < records[b].accuracy;
    });
    ExportRequest r;
    r.store = o.resultsDir / "runs.db";
    r.run = runId;
    r.candidateId = records[best].id;
    r.outDir = o.resultsDir / "export-dnas-best";
    r.overwrite = true;
    const auto outcome = runExport(
        r, catalog, [&err](const std::string& line) { err << "export: " << line << "\n"; });
    const auto& val = outcome.card["accuracy"]["validation"];
    char line[320];
    std::snprintf(line, sizeof line,
                  "Exported the most accurate DNAS candidate (%s) to %s: validation accuracy "
                  "float %.4f, int8 %.4f; model_int8.tflite %lld bytes, checked by Arm NN\n",
                  outcome.card["name"].get<std::string>().c_str(),
                  std::filesystem::absolute(outcome.folder).string().c_str(),
                  val["float"]["accuracy"].get<double>(), val["int8"]["accuracy"].get<double>(),
                  outcome.card["tflite"]["bytes"].get<long long>());
    return line;
}

// DNAS against HW-NAS on the dataset: writes runs.db, search.json and search.txt; returns
// the summary lines for the terminal.
std::string runSearch(const HeadlessOptions& o, const std::shared_ptr<Dataset>& dataset,
                      const McuCatalog& catalog, std::ostream& err) {
    const auto space = SearchSpace::load(o.space);
    SearchConfig c;
    c.mode = "compare";
    c.maxEvaluations = o.maxEvaluations;
    c.seed = o.seed;
    c.eval.valSubset = std::min<std::size_t>(2000, dataset->count(Split::Validation));
    const auto mcu = catalog.find(o.mcu);
    c.budgets = resolveBudgets(o.sramBudget, o.flashBudget, std::nullopt, mcu);
    c.inputs = {{"dataset", o.dataset}, {"space", o.space}, {"mcu", o.mcu}};
    ImageCache cache(dataset, {});
    auto store = RunStore::open(o.resultsDir / "runs.db");
    cli::ProgressPrinter printer(err, false);
    cli::SearchProgress progress(printer);
    SearchSetup setup;
    setup.space = &space;
    setup.dataset = dataset;
    setup.cache = &cache;
    setup.mcu = mcu;
    setup.supernet.checkpoint = o.supernet;
    setup.supernet.trainSubset = o.trainSubset;
    setup.store = store.get();
    const auto outcome = runSearchSession(c, setup, progress);
    printer.finish();
    const auto runId = outcome.runId.value(); // nothing stops the headless job early
    const auto show = runShowJson(*store, runId);
    std::ostringstream text;
    const auto native = nativeDataConfig(*dataset, space);
    text << "DNAS vs HW-NAS at the data's native configuration (" << native.resolution << " px "
         << toString(native.colour) << ") on " << dataset->name << ", space " << space.name << ", "
         << o.mcu << ", budgets SRAM " << o.sramBudget << " / flash " << o.flashBudget << ", seed "
         << o.seed << ", supernet " << outcome.supernet.string() << "\n";
    printRunShow(show, text);
    writeFile(o.resultsDir / "search.json", show.dump(2) + "\n");
    writeFile(o.resultsDir / "search.txt", text.str());
    ui::writeFrontierPicture(o.resultsDir / "runs.db", runId, o.resultsDir / "frontier.png");
    text << exportBest(o, *store, runId, c, catalog, err);
    return text.str();
}

} // namespace

int runHeadlessJob(const HeadlessOptions& options, std::ostream& out, std::ostream& err) {
    const auto& resultsDir = options.resultsDir;
    const auto& mcu = options.mcu;
    try {
        std::filesystem::create_directories(resultsDir);
        const auto catalog = cli::loadMcuCatalog(err); // warns once of a skipped profile
        std::ostringstream repeatedWarnings;
        cli::CostRequest request;
        request.width = 0.35;
        request.resolution = 96;
        request.classes = 2;
        request.mcu = mcu;
        const auto chosen = cli::computeCost(request, repeatedWarnings);

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
            const auto r = cli::computeCost(request, repeatedWarnings).report;
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

        // The dataset the search runs on (by default the embedded one).
        const auto dataset = loadDataset(options.dataset);
        const auto inspection = inspectDataset(*dataset);
        writeFile(resultsDir / "dataset.json", inspection.dump(2) + "\n");

        out << text.str() << '\n' << all.str() << '\n';
        auto count = [&](const char* split) {
            const auto& splits = inspection.at("splits");
            return splits.contains(split) ? splits.at(split).value("count", 0LL) : 0LL;
        };
        out << "Dataset " << dataset->name << ": " << count("train") << " training, "
            << count("validation") << " validation and " << count("test") << " test images, "
            << dataset->classes.size() << " classes"
            << (dataset->note.empty() ? std::string() : " (" + dataset->note + ")") << "\n\n";
        if (options.search)
            out << runSearch(options, dataset, catalog, err) << '\n';
        out << "dnas-studio: no display, so the main job ran headless. Results are in "
            << std::filesystem::absolute(resultsDir).string()
            << " (cost-report.txt/.json, mcu-summary.txt/.json, dataset.json"
            << (options.search ? ", search.txt/.json, runs.db, frontier.png, export-dnas-best/"
                               : "")
            << ")\n";
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
