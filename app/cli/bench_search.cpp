#include "cli/bench_search.h"
#include "cli/mcus_command.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "cli/bench_support.h"
#include "cli/progress_printer.h"
#include "cli/text_table.h"
#include "common/error.h"
#include "common/format.h"
#include "cost/cost_model.h"
#include "cost/mcu_catalog.h"
#include "data/image_cache.h"
#include "engine/search_engine.h"

namespace dnas::cli {
namespace {

// ---- bench search ----------------------------------------------------------------------------

struct SearchOptions {
    std::string supernet;
    std::string dataset;
    std::string space = "demo";
    std::string mcu = "stm32f746";
    long long evaluations = 100;
    int population = 20;
    std::size_t valSubset = 0;
    std::vector<int> resolutions;
    bool racing = true;
    std::uint64_t seed = 1;
    bool json = false;
};

} // namespace

Command addBenchSearchCommand(CLI::App& bench) {
    auto o = std::make_shared<SearchOptions>();
    auto* app = bench.add_subcommand(
        "search", "Engine time per candidate besides evaluation, and evaluations per minute");
    app->add_option("--supernet", o->supernet,
                    "Supernet checkpoint (default: a freshly initialised one of --space; "
                    "evaluation takes the same time)");
    app->add_option("--dataset", o->dataset,
                    "Dataset (default: the checkpoint's, else fashion-mnist:binary)");
    app->add_option("--space", o->space, "Space without --supernet")->capture_default_str();
    app->add_option("--mcu", o->mcu, "MCU profile id")->capture_default_str();
    app->add_option("--evals", o->evaluations, "Evaluations per run")
        ->capture_default_str()
        ->check(CLI::Range(1LL, 100000LL));
    app->add_option("--population", o->population, "Population")->capture_default_str();
    app->add_option("--val-subset", o->valSubset,
                    "Validation images per evaluation (0: the whole split)")
        ->capture_default_str();
    app->add_option("--resolutions", o->resolutions,
                    "Without --supernet: the space's data resolutions replaced by these")
        ->delimiter(',');
    app->add_flag("!--no-racing", o->racing, "Validate every candidate on all its images");
    app->add_option("--seed", o->seed, "Seed")->capture_default_str();
    app->add_flag("--json", o->json, "Print the figures as JSON");
    return {app, [o](std::ostream& out, std::ostream& err) {
                auto task = loadBenchTask(o->dataset, o->supernet, o->space, o->resolutions);
                const auto catalog = loadMcuCatalog(err);
                SearchConfig c;
                c.strategy.population = o->population;
                c.maxEvaluations = o->evaluations;
                c.seed = o->seed;
                c.eval.valSubset = o->valSubset;
                c.eval.racing = o->racing;
                SearchInputs in;
                in.supernet = task.supernet;
                in.dataset = task.dataset;
                in.cache = task.cache.get();
                in.mcu = catalog.find(o->mcu);
                c.budgets = CostModel::budgetsOf(in.mcu);
                in.supernetFingerprint = task.fingerprint;
                ProgressPrinter printer(err, isatty(2) != 0);
                nlohmann::json runs = nlohmann::json::array();
                TextTable table;
                for (const char* h :
                     {"run", "candidates", "evaluated", "stopped early", "wall s", "evaluation s",
                      "engine ms/candidate", "engine share", "evaluations/min"})
                    table.addColumn(h, TextTable::Align::Right);
                // The same run twice: the first decodes every data configuration's images,
                // the second finds them in the image cache.
                for (const char* name : {"cold cache", "warm cache"}) {
                    TempStore store(std::string("search-") + (name[0] == 'c' ? "cold" : "warm"));
                    auto db = RunStore::open(store.path);
                    in.store = db.get();
                    TimingObserver timing(&printer);
                    timing.prefix = std::string(name) + ", ";
                    SearchEngine::run(c, in, timing);
                    printer.finish();
                    const double engine = timing.wallSeconds - timing.evalSeconds;
                    const double perCandidate =
                        engine / static_cast<double>(std::max(1LL, timing.candidates));
                    const double perMinute = static_cast<double>(timing.evaluated) /
                                             std::max(1e-9, timing.wallSeconds) * 60;
                    runs.push_back({{"run", name},
                                    {"candidates", timing.candidates},
                                    {"evaluated", timing.evaluated},
                                    {"stopped_early", timing.stoppedEarly},
                                    {"wall_seconds", timing.wallSeconds},
                                    {"evaluation_seconds", timing.evalSeconds},
                                    {"engine_ms_per_candidate", perCandidate * 1000},
                                    {"engine_share", engine / timing.wallSeconds},
                                    {"evaluations_per_minute", perMinute}});
                    table.addRow(
                        {name, std::to_string(timing.candidates), std::to_string(timing.evaluated),
                         std::to_string(timing.stoppedEarly), fixed(timing.wallSeconds, 1),
                         fixed(timing.evalSeconds, 1), fixed(perCandidate * 1000, 2),
                         fixed(100 * engine / timing.wallSeconds, 2) + " %", fixed(perMinute, 0)});
                }
                const auto& space = task.supernet->space();
                const std::size_t valImages =
                    o->valSubset > 0 ? o->valSubset : task.dataset->count(Split::Validation);
                if (o->json) {
                    out << nlohmann::json{{"space", space.name},
                                          {"dataset", task.dataset->name},
                                          {"trained_supernet", task.trained},
                                          {"validation_images", valImages},
                                          {"population", o->population},
                                          {"racing", o->racing},
                                          {"runs", runs}}
                               .dump(2)
                        << '\n';
                    return 0;
                }
                out << "space " << space.name << ", dataset " << task.dataset->name << ", "
                    << valImages << " validation images per evaluation, bn evaluator"
                    << (o->racing ? " with racing, " : ", ")
                    << (task.trained ? "trained supernet" : "untrained supernet (same timing)")
                    << ", NSGA-II population " << o->population << ", SQLite store\n";
                table.print(out);
                out << "engine = wall time minus the evaluator's time: proposing, cost screening, "
                       "committing to SQLite, archive and hypervolume\n";
                return 0;
            }};
}

} // namespace dnas::cli
