#include "cli/bench_export.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "cli/bench_support.h"
#include "cli/mcus_command.h"
#include "cli/text_table.h"
#include "common/error.h"
#include "engine/search_config.h"
#include "engine/stored_run.h"
#include "export/export_request.h"
#include "report/run_frontier.h"
#include "store/run_store.h"

namespace dnas::cli {
namespace {

struct Options {
    std::string store;
    std::int64_t run = 1;
    std::size_t limit = 0;
    std::size_t calibrationImages = 500;
    std::size_t checkImages = 100;
    bool json = false;
};

// The run's frontier candidates, both modes, under its budgets and objectives.
std::vector<CandidateRecord> frontierCandidates(const Options& o) {
    auto store = RunStore::open(o.store, RunStore::Access::ReadOnly);
    const auto info = store->run(o.run);
    const auto config = storedConfig(info, o.store);
    const auto records = store->candidates(o.run);
    std::vector<CandidateRecord> out;
    for (const std::string mode : {"dnas", "hwnas"})
        for (const auto i : frontierOf(records, mode, config.budgets, config.objectives))
            out.push_back(records[i]);
    if (o.limit > 0 && out.size() > o.limit)
        out.resize(o.limit);
    return out;
}

// A scratch folder removed however the bench ends.
struct TempFolder {
    std::filesystem::path path = std::filesystem::temp_directory_path() /
                                 ("dnas-bench-export-" + std::to_string(::getpid()));
    TempFolder() { std::filesystem::create_directories(path); }
    ~TempFolder() {
        std::error_code ignored;
        std::filesystem::remove_all(path, ignored);
    }
    TempFolder(const TempFolder&) = delete;
    TempFolder& operator=(const TempFolder&) = delete;
};

double median(std::vector<double> v) {
    if (v.empty())
        return 0;
    std::sort(v.begin(), v.end());
    return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

} // namespace

Command addBenchExportCommand(CLI::App& bench) {
    auto o = std::make_shared<Options>();
    auto* app = bench.add_subcommand(
        "export", "Export a run's frontier: seconds per export, int8 vs float accuracy");
    app->add_option("--store", o->store, "Run store")->required();
    app->add_option("--run", o->run, "Run id")->capture_default_str();
    app->add_option("--limit", o->limit, "Export at most this many candidates (0: all)");
    app->add_option("--calibration-images", o->calibrationImages,
                    "Training images that set the int8 ranges")
        ->capture_default_str()
        ->check(CLI::Range(1, 100000));
    app->add_option("--check-images", o->checkImages, "Images run through Arm NN and OpenCV")
        ->capture_default_str()
        ->check(CLI::Range(1, 100000));
    app->add_flag("--json", o->json, "Print the figures as JSON");
    return {
        app, [o](std::ostream& out, std::ostream& err) {
            if (!std::filesystem::exists(o->store))
                throw InputError({{o->store, 0, {}, "run store does not exist"}});
            const auto candidates = frontierCandidates(*o);
            if (candidates.empty())
                throw InputError(
                    {{o->store,
                      0,
                      {},
                      "run " + std::to_string(o->run) + " has no frontier candidate"}});
            const auto catalog = loadMcuCatalog(err);
            const TempFolder temp;
            const auto& root = temp.path;
            TextTable table;
            for (const char* h :
                 {"candidate", "mode", "data", "wall s", "export s", "float val", "int8 val",
                  "int8 - float", "tflite KiB", "estimate KiB", "each op", "features", "classifier",
                  "logits", "softmax", "probs"})
                table.addColumn(h, TextTable::Align::Right);
            nlohmann::json rows = nlohmann::json::array();
            std::vector<double> walls, exports, deltas;
            for (const auto& c : candidates) {
                ExportRequest r;
                r.store = o->store;
                r.run = o->run;
                r.candidateId = c.id;
                r.outDir = root / ("candidate-" + std::to_string(c.id));
                r.calibrationImages = o->calibrationImages;
                r.checkImages = o->checkImages;
                const auto start = std::chrono::steady_clock::now();
                const auto outcome = runExport(r, catalog);
                const double wall =
                    std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
                std::filesystem::remove_all(r.outDir);
                const auto& card = outcome.card;
                const auto& val = card["accuracy"]["validation"];
                const double f = val["float"]["accuracy"].get<double>();
                const double q = val["int8"]["accuracy"].get<double>();
                walls.push_back(wall);
                exports.push_back(outcome.seconds);
                deltas.push_back(q - f);
                const auto data = std::to_string(c.candidate.data.resolution) + " " +
                                  std::string(toString(c.candidate.data.colour));
                const auto& armnn = card["checks"][0];
                const auto steps = [&armnn](const char* key) {
                    const auto it = armnn.find(key);
                    return it != armnn.end() && it->is_number() ? fixed(it->get<double>(), 0)
                                                                : std::string("-");
                };
                table.addRow({std::to_string(c.id), c.mode, data, fixed(wall, 1),
                              fixed(outcome.seconds, 1), fixed(f, 4), fixed(q, 4), fixed(q - f, 4),
                              fixed(card["tflite"]["bytes"].get<double>() / 1024, 1),
                              fixed(card["tflite"]["cost_model_bytes"].get<double>() / 1024, 1),
                              steps("largest_op_difference"), steps("largest_feature_difference"),
                              steps("largest_classifier_difference"),
                              steps("largest_logit_difference"),
                              steps("largest_softmax_difference"), steps("largest_difference")});
                rows.push_back({{"candidate_id", c.id},
                                {"mode", c.mode},
                                {"candidate", c.candidate},
                                {"search_accuracy", c.accuracy},
                                {"wall_seconds", wall},
                                {"export_seconds", outcome.seconds},
                                {"float_accuracy", f},
                                {"int8_accuracy", q},
                                {"validation_images", val["float"]["samples"]},
                                {"tflite_bytes", card["tflite"]["bytes"]},
                                {"cost_model_bytes", card["tflite"]["cost_model_bytes"]},
                                {"checks", card["checks"]}});
                err << "exported candidate " << c.id << " in " << fixed(wall, 1) << " s\n";
            }
            double worst = 0;
            double mean = 0;
            for (const double d : deltas) {
                worst = std::max(worst, std::abs(d));
                mean += d / static_cast<double>(deltas.size());
            }
            if (o->json) {
                out << nlohmann::json{{"store", o->store},
                                      {"run", o->run},
                                      {"candidates", rows},
                                      {"median_wall_seconds", median(walls)},
                                      {"median_export_seconds", median(exports)},
                                      {"mean_int8_minus_float", mean},
                                      {"largest_int8_float_gap", worst}}
                           .dump(2)
                    << "\n";
                return 0;
            }
            table.print(out);
            out << candidates.size() << " frontier candidates: median " << fixed(median(walls), 1)
                << " s per export (" << fixed(median(exports), 1)
                << " s after loading); int8 - float validation accuracy: mean "
                << fixed(mean * 100, 2) << " points, largest gap " << fixed(worst * 100, 2)
                << " points\n";
            return 0;
        }};
}

} // namespace dnas::cli
