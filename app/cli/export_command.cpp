#include "cli/export_command.h"

#include <cstdio>

#include <CLI/CLI.hpp>

#include "cli/mcus_command.h"
#include "common/error.h"
#include "cost/budgets.h"
#include "export/export_request.h"

namespace dnas::cli {
namespace {

std::string percent(const nlohmann::json& v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f %%", v.get<double>() * 100);
    return buf;
}

void printSummary(std::ostream& out, const ExportOutcome& r) {
    const auto& card = r.card;
    out << "exported " << card["name"].get<std::string>() << " to " << r.folder.string() << " in "
        << static_cast<int>(r.seconds + 0.5) << " s\n";
    for (const auto& split : {"validation", "test"}) {
        if (!card["accuracy"].contains(split))
            continue;
        const auto& a = card["accuracy"][split];
        out << "  " << split << " accuracy: float " << percent(a["float"]["accuracy"]) << ", int8 "
            << percent(a["int8"]["accuracy"]) << " (" << a["float"]["samples"].get<long long>()
            << " images)\n";
    }
    if (card.contains("finetune"))
        out << "  before fine-tuning: validation float "
            << percent(card["finetune"]["before"]["validation"]["accuracy"]) << "\n";
    out << "  model_int8.tflite: " << card["tflite"]["bytes"].get<long long>()
        << " bytes (cost model: " << card["tflite"]["cost_model_bytes"].get<long long>()
        << "); tensor arena " << card["tensor_arena"]["size_bytes"].get<long long>() << " bytes\n";
    for (const auto& c : card["checks"])
        out << "  checked by " << c["runtime"].get<std::string>() << ": "
            << c["file"].get<std::string>() << ", " << c["images"].get<long long>()
            << " images, largest difference " << c["largest_difference"].get<double>()
            << " (tolerance " << c["tolerance"].get<double>() << ")\n";
}

} // namespace

Command addExportCommand(CLI::App& parent) {
    struct Args {
        ExportRequest request;
        std::string candidate;
        std::string sramBudget;
        std::string flashBudget;
        double holdout = 0.1;
        bool json = false;
    };
    auto a = std::make_shared<Args>();
    auto* app = parent.add_subcommand(
        "export", "Export a candidate for firmware: int8 TFLite, ONNX, C arrays, test vectors, "
                  "model card (README 'Deploying an exported model')");
    auto& r = a->request;
    auto* store = app->add_option("--store", r.store, "Run store holding the candidate");
    app->add_option("--run", r.run, "Run id (with --store)");
    app->add_option("--candidate", a->candidate,
                    "Candidate id of the run (with --store; `dnas runs csv` lists them), or a "
                    "candidate JSON file (with --supernet)")
        ->required();
    app->add_option("--supernet", r.supernet,
                    "Supernet checkpoint (default with --store: the one the run used)");
    app->add_option("--out", r.outDir, "Folder to create with the exported files")->required();
    app->add_flag("--overwrite", r.overwrite, "Replace an existing --out folder");
    app->add_option("--finetune-epochs", r.finetuneEpochs,
                    "Train the subnet further from its inherited weights before quantising")
        ->capture_default_str();
    app->add_option("--calibration-images", r.calibrationImages,
                    "Training images that set the int8 ranges")
        ->capture_default_str()
        ->check(CLI::Range(1, 100000));
    app->add_option("--test-vectors", r.testVectors, "Validation images written as test vectors")
        ->capture_default_str()
        ->check(CLI::Range(0, 100));
    app->add_option("--check-images", r.checkImages,
                    "Validation images run through Arm NN and OpenCV to check the files")
        ->capture_default_str()
        ->check(CLI::Range(1, 100000));
    app->add_option("--dataset", r.dataset, "Dataset (default: the run's, or the checkpoint's)");
    app->add_option("--images", r.images, "Wake Vision CSVs: folder with the images");
    auto* holdout =
        app->add_option("--holdout", a->holdout,
                        "Share of train held out as validation when the dataset has none")
            ->check(CLI::Range(0.0, 0.9));
    auto* mcu =
        app->add_option("--mcu", r.mcu, "Without --store: the target MCU")->capture_default_str();
    auto* runtime = app->add_option("--runtime", r.runtime, "Without --store: the runtime");
    auto* sram = app->add_option("--sram-budget", a->sramBudget,
                                 "Without --store: SRAM budget, e.g. 256K (default: the MCU's)");
    auto* flash = app->add_option("--flash-budget", a->flashBudget,
                                  "Without --store: flash budget, e.g. 1M (default: the MCU's)");
    auto* valSubset =
        app->add_option("--val-subset", r.valSubset, "Without --store: validation images (0: all)");
    app->add_option("--cache-gb", r.cacheGb, "Memory budget of the image cache in GiB")
        ->capture_default_str()
        ->check(CLI::Range(0.05, 1024.0));
    app->add_option("--threads", r.threads, "LibTorch threads (0: all cores)");
    app->add_flag("--json", a->json, "Print the model card (model_card.json) instead");
    for (auto* o : {mcu, runtime, sram, flash, valSubset})
        o->excludes(store);
    return {app, [a, store, holdout](std::ostream& out, std::ostream& err) {
                auto& req = a->request;
                if (holdout->count() > 0)
                    req.holdout = a->holdout;
                if (store->count() > 0) {
                    try {
                        std::size_t used = 0;
                        req.candidateId = std::stoll(a->candidate, &used);
                        if (used != a->candidate.size() || req.candidateId <= 0)
                            throw std::invalid_argument("id");
                    } catch (const std::exception&) {
                        throw InputError("--candidate", "with --store, give a candidate id "
                                                        "(a positive number), found '" +
                                                            a->candidate + "'");
                    }
                    if (req.run <= 0)
                        throw InputError("--run", "with --store, give the run id (`dnas runs "
                                                  "list --store ...`)");
                } else {
                    req.candidateFile = a->candidate;
                    if (req.supernet.empty())
                        throw InputError("--supernet", "without --store, give the supernet "
                                                       "checkpoint and a candidate JSON file");
                }
                const auto catalog = loadMcuCatalog(err);
                if (store->count() == 0)
                    req.budgets = resolveBudgets(a->sramBudget, a->flashBudget, std::nullopt,
                                                 catalog.find(req.mcu));
                const auto outcome = runExport(req, catalog, [&err](const std::string& line) {
                    err << "export: " << line << "\n";
                });
                if (a->json)
                    out << outcome.card.dump(2) << "\n";
                else
                    printSummary(out, outcome);
                return 0;
            }};
}

} // namespace dnas::cli
