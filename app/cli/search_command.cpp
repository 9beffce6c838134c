#include "cli/search_command.h"
#include "cli/mcus_command.h"

#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <thread>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "cli/data_args.h"
#include "cli/progress_printer.h"
#include "cli/search_progress.h"
#include "common/error.h"
#include "common/json_document.h"
#include "common/torch_info.h"
#include "cost/budgets.h"
#include "cost/cost_model.h"
#include "cost/mcu_catalog.h"
#include "data/dataset_loader.h"
#include "data/image_cache.h"
#include "engine/search_engine.h"
#include "engine/search_session.h"
#include "engine/stored_run.h"
#include "report/run_summary.h"

namespace dnas::cli {
namespace {

// A store this command created for a search that was then refused (bad input, an impossible
// budget) is removed again, with its WAL files: a refusal leaves nothing behind.
void removeIfEmpty(std::unique_ptr<RunStore> store, const std::string& path) {
    try {
        if (!store->runs().empty())
            return;
        store.reset();
        for (const char* suffix : {"", "-wal", "-shm"})
            std::filesystem::remove(path + suffix);
    } catch (const std::exception&) {
        // the original error is what the user needs to see
    }
}

std::atomic<bool> gStop{false};
extern "C" void onSearchInterrupt(int) {
    gStop.store(true);
}

} // namespace

void addSearchCommands(CLI::App& parent, std::vector<Command>& commands) {
    // ---- dnas search ----------------------------------------------------------------------
    {
        struct Args {
            DataArgs data;
            std::string supernet;
            std::string space = "demo";
            std::string mcu = "stm32f746";
            std::string runtime;
            std::string costMode = "tflm";
            std::string fixedData;
            std::string store;
            std::string sramBudget, flashBudget;
            double latencyBudget = 0;
            std::int64_t resume = 0;
            std::string evaluator = "bn";
            std::size_t trainSubset = 0;
            SearchConfig config;
        };
        auto a = std::make_shared<Args>();
        auto* app = parent.add_subcommand(
            "search", "Search data configurations and architectures under MCU budgets");
        a->data.dataset = "fashion-mnist:binary";
        a->data.add(app, false);
        app->add_option("--supernet", a->supernet,
                        "Trained supernet; absent: train one first (cached by dataset and space)");
        app->add_option("--space", a->space, "Search-space preset or file")->capture_default_str();
        app->add_option("--mcu", a->mcu, "MCU profile id (see `dnas mcus`)")->capture_default_str();
        app->add_option("--runtime", a->runtime, "Runtime id of the MCU profile");
        app->add_option("--cost-mode", a->costMode, "tflm, inplace or paper")
            ->capture_default_str();
        app->add_option("--sram-budget", a->sramBudget,
                        "SRAM budget (default: the MCU's), e.g. 256K");
        app->add_option("--flash-budget", a->flashBudget,
                        "Flash budget (default: the MCU's), e.g. 1M");
        app->add_option("--latency-budget", a->latencyBudget,
                        "Latency budget in ms (none by default)");
        app->add_option("--mode", a->config.mode,
                        "dnas, hwnas (data fixed) or compare (both, equal budgets)")
            ->capture_default_str();
        app->add_option("--fixed-data", a->fixedData,
                        "HW-NAS data configuration RES,COLOUR (default: the data's native "
                        "resolution and colour mode)");
        app->add_option("--strategy", a->config.strategy.name, "nsga2, paper-ga or random")
            ->capture_default_str();
        app->add_option("--population", a->config.strategy.population,
                        "Population / generation size")
            ->capture_default_str()
            ->check(CLI::Range(2, 1'000'000));
        app->add_option("--objectives", a->config.objectives,
                        "Costs to minimise with accuracy: peak_sram_bytes, flash_bytes, "
                        "latency_ms, macs, energy_mj")
            ->capture_default_str();
        auto* maxEvals = app->add_option("--max-evals", a->config.maxEvaluations,
                                         "Evaluations per mode (with --resume: a new limit)");
        auto* generations = app->add_option("--generations", a->config.generations,
                                            "Generations per mode (with --resume: a new limit)");
        auto* timeLimit = app->add_option("--time-limit", a->config.timeLimitSeconds,
                                          "Seconds for the run (with --resume: for this session)");
        app->add_option("--seed", a->config.seed, "Random seed")->capture_default_str();
        app->add_option("--train-subset", a->trainSubset,
                        "Train the supernet on a subset of this many images");
        app->add_option("--val-subset", a->config.eval.valSubset,
                        "Score on a stratified validation subset of this size");
        app->add_option("--evaluator", a->evaluator,
                        "bn (batch-norm recalibration, default), finetune (the paper's) or "
                        "scratch")
            ->capture_default_str();
        app->add_option("--calibration-images", a->config.eval.calibrationImages,
                        "Training images for batch-norm recalibration")
            ->capture_default_str()
            ->check(CLI::Range(1, 1'000'000));
        app->add_flag("!--no-racing", a->config.eval.racing,
                      "Validate every candidate on all its images (default: stop validating one "
                      "that is dominated with 99.9 % confidence; README 'Racing')");
        app->add_option("--store", a->store, "SQLite run store (created if missing)")->required();
        app->add_option("--resume", a->resume, "Continue run RUN of the store");
        commands.push_back(
            {app, [a, app, maxEvals, generations, timeLimit](std::ostream& out, std::ostream& err) {
                 const bool freshStore = !std::filesystem::exists(a->store);
                 auto store = RunStore::open(a->store);
                 try {
                     auto& c = a->config;
                     const auto kind = parseEvaluatorKind(a->evaluator);
                     if (!kind)
                         throw InputError("--evaluator", "unknown evaluator '" + a->evaluator +
                                                             "' (use bn, finetune or scratch)");
                     c.eval.kind = *kind;
                     std::optional<RunInfo> resumed;
                     if (a->resume > 0) {
                         // The run's own dataset, space, MCU and supernet unless given again.
                         resumed = store->run(a->resume);
                         const auto inputs =
                             resumed->config.value("inputs", nlohmann::json::object());
                         auto take = [&](const char* option, const char* key, auto& target) {
                             if (app->get_option(option)->count() == 0 && inputs.contains(key))
                                 inputs[key].get_to(target);
                         };
                         take("--dataset", "dataset", a->data.dataset);
                         take("--images", "images", a->data.images);
                         take("--holdout", "holdout", a->data.holdout);
                         take("--space", "space", a->space);
                         take("--mcu", "mcu", a->mcu);
                         take("--runtime", "runtime", a->runtime);
                         take("--supernet", "supernet", a->supernet);
                         take("--train-subset", "train_subset", a->trainSubset);
                     }
                     const auto mode = parseCostMode(a->costMode);
                     if (!mode)
                         throw InputError("--cost-mode", "unknown cost mode '" + a->costMode + "'");
                     c.costMode = *mode;
                     const auto space = SearchSpace::load(a->space);
                     if (!a->fixedData.empty()) {
                         const auto comma = a->fixedData.find(',');
                         const auto colour = comma == std::string::npos
                                                 ? std::optional<ColourMode>{}
                                                 : parseColourMode(a->fixedData.substr(comma + 1));
                         int res = 0;
                         try {
                             res = std::stoi(a->fixedData.substr(0, comma));
                         } catch (const std::exception&) {
                         }
                         if (!colour || res <= 0)
                             throw InputError("--fixed-data",
                                              "expected RES,COLOUR such as 96,rgb, found '" +
                                                  a->fixedData + "'");
                         c.fixedData = DataConfig{res, *colour};
                     }
                     const auto catalog = loadMcuCatalog(err);
                     const auto mcu = catalog.find(a->mcu);
                     c.budgets = resolveBudgets(a->sramBudget, a->flashBudget,
                                                a->latencyBudget > 0
                                                    ? std::optional<double>(a->latencyBudget)
                                                    : std::nullopt,
                                                mcu);
                     const auto dataset = a->data.load();
                     if (resumed) {
                         // A resumed run continues with its own configuration, including budgets
                         // it adopted while running. Stop conditions given now replace the stored
                         // ones (to extend a run).
                         const auto given = c;
                         c = storedConfig(*resumed, a->store);
                         if (maxEvals->count() + generations->count() + timeLimit->count() > 0) {
                             c.maxEvaluations = given.maxEvaluations;
                             c.generations = given.generations;
                             c.timeLimitSeconds = given.timeLimitSeconds;
                         }
                         err << "using run " << a->resume << "'s stored configuration (mode "
                             << c.mode << ", strategy " << c.strategy.name << ", dataset "
                             << a->data.dataset << ", space " << a->space << ")\n";
                     } else {
                         auto absolute = [](const std::string& path) {
                             return path.empty() || !std::filesystem::exists(path)
                                        ? path
                                        : std::filesystem::absolute(path).string();
                         };
                         c.inputs = {{"dataset", absolute(a->data.dataset)},
                                     {"images", absolute(a->data.images)},
                                     {"holdout", a->data.holdout},
                                     {"space", absolute(a->space)},
                                     {"mcu", a->mcu},
                                     {"runtime", a->runtime},
                                     {"supernet", absolute(a->supernet)},
                                     {"train_subset", a->trainSubset}};
                     }
                     ImageCache cache(dataset, a->data.cacheOptions());
                     ProgressPrinter printer(err, isatty(2) != 0);
                     std::stop_source stop;
                     SearchProgress observer(
                         printer, [] { return gStop.load(); }, &stop);
                     gStop = false;
                     auto previous = std::signal(SIGINT, onSearchInterrupt);
                     // Ctrl-C also stops supernet training (the partial file is kept and
                     // continued).
                     std::jthread watcher([&stop](std::stop_token done) {
                         while (!done.stop_requested() && !gStop.load())
                             std::this_thread::sleep_for(std::chrono::milliseconds(100));
                         if (gStop.load())
                             stop.request_stop();
                     });
                     SearchSetup setup;
                     setup.space = &space;
                     setup.dataset = dataset;
                     setup.cache = &cache;
                     setup.mcu = mcu;
                     setup.runtime = a->runtime;
                     setup.supernet.checkpoint = a->supernet;
                     setup.supernet.trainSubset = a->trainSubset;
                     setup.store = store.get();
                     if (resumed)
                         setup.resume = a->resume;
                     const auto outcome = runSearchSession(c, setup, observer, stop.get_token());
                     watcher.request_stop();
                     watcher.join();
                     std::signal(SIGINT, previous);
                     printer.finish();
                     if (!outcome.runId) {
                         out << "stopped while training the supernet; run the same command again "
                                "to "
                                "continue\n";
                         return 130;
                     }
                     const auto runId = *outcome.runId;
                     const auto info = store->run(runId);
                     out << "run " << runId << " " << info.status << ": " << info.evaluations
                         << " evaluations in " << a->store << " (see `dnas runs show " << runId
                         << " --store " << a->store << "`)\n";
                     for (const std::string m : {"dnas", "hwnas"}) {
                         const auto hv = store->hypervolumes(runId, m);
                         if (!hv.empty())
                             out << "  " << m << ": hypervolume " << hv.back().second << "\n";
                     }
                     return info.status == "stopped" ? 130 : 0;
                 } catch (...) {
                     if (freshStore)
                         removeIfEmpty(std::move(store), a->store);
                     throw;
                 }
             }});
    }

    // ---- dnas runs -------------------------------------------------------------------------
    {
        auto* runs = parent.add_subcommand("runs", "Stored search runs: list, show, csv");
        runs->require_subcommand(1);
        struct Args {
            std::string store;
            std::int64_t run = 0;
            bool json = false;
        };
        auto addCommon = [](CLI::App* app, Args& a, bool withRun) {
            app->add_option("--store", a.store, "SQLite run store")->required();
            if (withRun)
                app->add_option("run", a.run, "Run id (see `dnas runs list`)")->required();
        };
        auto openStore = [](const std::string& path) {
            return RunStore::open(path, RunStore::Access::ReadOnly);
        };
        {
            auto a = std::make_shared<Args>();
            auto* app = runs->add_subcommand("list", "List the runs of a store");
            addCommon(app, *a, false);
            app->add_flag("--json", a->json, "Print [{id, status, evaluations}]");
            commands.push_back({app, [a, openStore](std::ostream& out, std::ostream&) {
                                    auto store = openStore(a->store);
                                    nlohmann::json list = nlohmann::json::array();
                                    for (const auto& r : store->runs()) {
                                        list.push_back({{"id", r.id},
                                                        {"status", r.status},
                                                        {"evaluations", r.evaluations},
                                                        {"created", r.created},
                                                        {"mode", r.config.value("mode", "")},
                                                        {"seed", r.seed}});
                                        if (!a->json)
                                            out << r.id << "  " << r.created << "  " << r.status
                                                << "  " << r.config.value("mode", "") << "  "
                                                << r.evaluations << " evaluations\n";
                                    }
                                    if (a->json)
                                        out << list.dump(2) << '\n';
                                    return 0;
                                }});
        }
        {
            auto a = std::make_shared<Args>();
            auto* app = runs->add_subcommand("show", "A run's frontier and hypervolume per mode");
            addCommon(app, *a, true);
            app->add_flag(
                "--json", a->json,
                "Print {id, status, evaluations, modes: {mode: {frontier, hypervolume}}}");
            commands.push_back({app, [a, openStore](std::ostream& out, std::ostream&) {
                                    auto store = openStore(a->store);
                                    const auto j = runShowJson(*store, a->run);
                                    if (a->json)
                                        out << j.dump(2) << '\n';
                                    else
                                        printRunShow(j, out);
                                    return 0;
                                }});
        }
        {
            auto a = std::make_shared<Args>();
            auto* app = runs->add_subcommand("csv", "Every candidate of a run as CSV");
            addCommon(app, *a, true);
            commands.push_back({app, [a, openStore](std::ostream& out, std::ostream&) {
                                    auto store = openStore(a->store);
                                    store->exportCsv(a->run, out);
                                    return 0;
                                }});
        }
    }
}

} // namespace dnas::cli
