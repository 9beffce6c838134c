#include "cli/bench_compare.h"
#include "cli/mcus_command.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "cli/bench_support.h"
#include "cli/progress_printer.h"
#include "cli/text_table.h"
#include "common/error.h"
#include "common/format.h"
#include "cost/budgets.h"
#include "cost/cost_model.h"
#include "cost/mcu_catalog.h"
#include "data/dataset.h"
#include "report/comparison.h"

namespace dnas::cli {
namespace {

struct CompareOptions {
    std::vector<std::string> tasks; // DATASET=CHECKPOINT
    std::string mcu = "stm32f746";
    std::vector<double> levels = {0.1, 0.3, 0.6};
    int seeds = 5;
    long long evaluations = 100;
    int population = 10;
    std::size_t valSubset = 2000;
    std::string baselines = "all"; // native | all
    std::string store;
    bool json = false;
};

std::string labelOf(const DataConfig& d) {
    return "HW-NAS " + std::to_string(d.resolution) + " px " + std::string(toString(d.colour));
}

// DNAS, then HW-NAS at the native configuration, then (all) every other data configuration of
// the space, largest resolution first.
std::vector<ModeSeries> modesOf(const SearchSpace& space, const DataConfig& native, bool all) {
    std::vector<ModeSeries> modes(2);
    modes[0].label = "DNAS";
    modes[1].label = labelOf(native);
    modes[1].data = native;
    modes[1].native = true;
    if (!all)
        return modes;
    auto resolutions = space.resolutions;
    std::sort(resolutions.rbegin(), resolutions.rend());
    for (const int r : resolutions)
        for (const auto colour : space.colours) {
            const DataConfig d{r, colour};
            if (d == native)
                continue;
            ModeSeries m;
            m.label = labelOf(d);
            m.data = d;
            modes.push_back(std::move(m));
        }
    return modes;
}

// Budget levels between the smallest network at the space's largest resolution in RGB (so that
// every fixed configuration has something to find) and the largest network of the space.
Budgets budgetsAt(double level, const SearchSpace& space, int classes, const McuProfile& mcu,
                  const RuntimeProfile& runtime, CostMode mode) {
    CostModel model;
    Candidate low = space.smallest();
    low.data = space.largest().data;
    const auto lo = costWithoutBudgets(model, space, low, classes, mcu, runtime, mode);
    const auto hi = costWithoutBudgets(model, space, space.largest(), classes, mcu, runtime, mode);
    auto between = [&](Bytes a, Bytes b) {
        return a + static_cast<Bytes>(level * static_cast<double>(b - a));
    };
    return {between(lo.peakSramBytes, hi.peakSramBytes), between(lo.flashBytes, hi.flashBytes), {}};
}

std::string reachText(const Versus& v) {
    std::vector<double> reached;
    for (const auto& e : v.evaluationsToReach)
        if (e)
            reached.push_back(static_cast<double>(*e));
    if (reached.empty())
        return "never";
    return fixed(median(reached), 0) + " (" + std::to_string(reached.size()) + "/" +
           std::to_string(v.evaluationsToReach.size()) + ")";
}

std::string versusText(const Versus& v) {
    char buf[96];
    std::snprintf(buf, sizeof buf, "%+.4f  %zu-%zu  p %.3f", v.meanDifference, v.test.wins,
                  v.test.losses, v.test.wilcoxonP);
    return buf;
}

nlohmann::json versusJson(const Versus& v, const std::vector<ModeSeries>& modes) {
    nlohmann::json reach = nlohmann::json::array();
    for (const auto& e : v.evaluationsToReach)
        reach.push_back(e ? nlohmann::json(*e) : nlohmann::json(nullptr));
    return {{"baseline", modes[v.baseline].label},
            {"mean_difference", v.meanDifference},
            {"wins", v.test.wins},
            {"losses", v.test.losses},
            {"ties", v.test.ties},
            {"wilcoxon_w", v.test.wilcoxonW},
            {"wilcoxon_p", v.test.wilcoxonP},
            {"wilcoxon_p_greater", v.test.wilcoxonPGreater},
            {"sign_p", v.test.signP},
            {"evaluations_to_reach", reach}};
}

// What every run of the bench shares.
struct CompareContext {
    const CompareOptions& options;
    const McuProfile& mcu;
    RunStore& store;
    ProgressPrinter& printer;
    nlohmann::json runs = nlohmann::json::array();
};

// Runs every mode of a cell once per seed and fills its series.
void runCell(CompareContext& ctx, BenchTask& task, const SearchConfig& base, double level,
             std::vector<ModeSeries>& modes) {
    for (auto& mode : modes) {
        for (int seed = 1; seed <= ctx.options.seeds; ++seed) {
            SearchConfig c = base;
            c.mode = mode.data ? "hwnas" : "dnas";
            c.fixedData = mode.data;
            c.seed = static_cast<std::uint64_t>(seed);
            SearchInputs in;
            in.supernet = task.supernet;
            in.dataset = task.dataset;
            in.cache = task.cache.get();
            in.mcu = ctx.mcu;
            in.store = &ctx.store;
            in.supernetFingerprint = task.fingerprint;
            TimingObserver timing(&ctx.printer);
            timing.prefix = task.dataset->name + ", level " + fixed(level, 2) + ", " + mode.label +
                            ", seed " + std::to_string(seed) + ", ";
            const auto runId = SearchEngine::run(c, in, timing);
            const auto curve = ctx.store.hypervolumes(runId, c.mode);
            double best = 0;
            for (const auto& r : ctx.store.candidates(runId))
                if (r.evaluated)
                    best = std::max(best, r.accuracy);
            mode.finalHypervolume.push_back(curve.empty() ? 0.0 : curve.back().second);
            mode.curves.push_back(HypervolumeCurve(curve.begin(), curve.end()));
            mode.bestAccuracy.push_back(best);
            ctx.runs.push_back({{"task", task.dataset->name},
                                {"level", level},
                                {"mode", mode.label},
                                {"native", mode.native},
                                {"seed", seed},
                                {"run", runId},
                                {"hypervolume", mode.finalHypervolume.back()},
                                {"best_accuracy", best},
                                {"front", timing.frontSize},
                                {"evaluated", timing.evaluated},
                                {"screened_out", timing.candidates - timing.evaluated},
                                {"seconds", timing.wallSeconds}});
        }
        ctx.printer.finish();
    }
}

std::string hvText(const ModeSeries& m, int digits) {
    const auto hv = meanSpread(m.finalHypervolume);
    return fixed(hv.mean, digits) + " +- " + fixed(hv.sd, digits);
}

// The cell's rows in both tables and its JSON summary.
nlohmann::json reportCell(const std::string& taskName, double level, const Budgets& b,
                          const std::vector<ModeSeries>& modes, TextTable& modeTable,
                          TextTable& cellTable) {
    const auto cell = summariseCell(modes);
    nlohmann::json modeJson = nlohmann::json::array();
    for (std::size_t i = 0; i < modes.size(); ++i) {
        const auto& m = modes[i];
        const auto hv = meanSpread(m.finalHypervolume);
        const auto acc = meanSpread(m.bestAccuracy);
        const bool isOracle = cell.oracle && cell.oracle->baseline == i;
        modeJson.push_back({{"mode", m.label},
                            {"native", m.native},
                            {"oracle", isOracle},
                            {"hypervolume_mean", hv.mean},
                            {"hypervolume_sd", hv.sd},
                            {"hypervolumes", m.finalHypervolume},
                            {"best_accuracy_mean", acc.mean},
                            {"best_accuracy_sd", acc.sd}});
        modeTable.addRow({taskName, fixed(level, 2),
                          m.label + (m.native ? " (native)" : "") + (isOracle ? " (oracle)" : ""),
                          hvText(m, 4), fixed(acc.mean, 4) + " +- " + fixed(acc.sd, 4)});
    }
    const auto& ora = modes[cell.oracle->baseline];
    cellTable.addRow({taskName, fixed(level, 2),
                      formatBytes(static_cast<double>(b.sramBytes)) + " / " +
                          formatBytes(static_cast<double>(b.flashBytes)),
                      hvText(modes[cell.dnas], 3), hvText(modes[cell.native->baseline], 3),
                      hvText(ora, 3) + " " + ora.label.substr(std::string("HW-NAS ").size()),
                      versusText(*cell.native), versusText(*cell.oracle), reachText(*cell.native),
                      reachText(*cell.oracle)});
    return {{"task", taskName},
            {"level", level},
            {"sram_budget_bytes", b.sramBytes},
            {"flash_budget_bytes", b.flashBytes},
            {"modes", modeJson},
            {"dnas_vs_native", versusJson(*cell.native, modes)},
            {"dnas_vs_oracle", versusJson(*cell.oracle, modes)}};
}

} // namespace

Command addBenchCompareCommand(CLI::App& bench) {
    auto o = std::make_shared<CompareOptions>();
    auto* app = bench.add_subcommand(
        "compare", "Data Aware NAS vs Hardware Aware NAS at the native and at every fixed data "
                   "configuration: final hypervolume over budget levels and seeds, paired tests");
    app->add_option("--task", o->tasks,
                    "DATASET=CHECKPOINT, e.g. fashion-mnist=demo.pt (repeat for several tasks)")
        ->required();
    app->add_option("--mcu", o->mcu, "MCU profile id (latency and runtime)")->capture_default_str();
    app->add_option("--levels", o->levels,
                    "Budget levels: each of SRAM and flash at this fraction of the way from the "
                    "smallest network at the largest resolution in RGB to the largest network")
        ->capture_default_str()
        ->delimiter(',')
        ->check(CLI::Range(0.0, 1.0));
    app->add_option("--seeds", o->seeds, "Seeds per level (1..N, the same for every mode)")
        ->capture_default_str()
        ->check(CLI::Range(1, 100));
    app->add_option("--evals", o->evaluations, "Evaluations per mode and run")
        ->capture_default_str()
        ->check(CLI::Range(1LL, 100000LL));
    app->add_option("--population", o->population, "Population")
        ->capture_default_str()
        ->check(CLI::Range(2, 10000));
    app->add_option("--val-subset", o->valSubset, "Validation images per evaluation")
        ->capture_default_str();
    app->add_option("--baselines", o->baselines,
                    "HW-NAS baselines: native (the data's native configuration) or all (also "
                    "every other data configuration of the space)")
        ->capture_default_str()
        ->check(CLI::IsMember({"native", "all"}));
    app->add_option("--store", o->store,
                    "Keep every run in this SQLite store (default: a temporary file)");
    app->add_flag("--json", o->json, "Print every run and the summary as JSON");
    return {
        app, [o](std::ostream& out, std::ostream& err) {
            const auto started = BenchClock::now();
            const auto catalog = loadMcuCatalog(err);
            const auto mcu = catalog.find(o->mcu);
            const auto* runtime = mcu.runtime(mcu.defaultRuntime);
            std::optional<TempStore> temp;
            if (o->store.empty())
                temp.emplace("compare");
            auto store =
                RunStore::open(o->store.empty() ? temp->path : std::filesystem::path(o->store));
            ProgressPrinter printer(err, isatty(2) != 0);
            CompareContext ctx{*o, mcu, *store, printer};
            nlohmann::json cells = nlohmann::json::array();
            TextTable modeTable, cellTable;
            for (const char* h : {"task", "level", "mode", "hypervolume", "best accuracy"})
                modeTable.addColumn(h, TextTable::Align::Right);
            for (const char* h :
                 {"task", "level", "SRAM / flash budget", "DNAS", "native", "oracle (best fixed)",
                  "DNAS - native", "DNAS - oracle", "evals to native", "evals to oracle"})
                cellTable.addColumn(h, TextTable::Align::Right);
            for (const auto& spec : o->tasks) {
                const auto eq = spec.rfind('=');
                if (eq == std::string::npos || eq == 0 || eq + 1 == spec.size())
                    throw InputError("--task", "expected DATASET=CHECKPOINT, found '" + spec + "'");
                auto task = loadBenchTask(spec.substr(0, eq), spec.substr(eq + 1), "");
                const auto& space = task.supernet->space();
                const int classes = task.supernet->classes();
                const auto native = nativeDataConfig(*task.dataset, space);
                SearchConfig base;
                base.strategy.population = o->population;
                base.maxEvaluations = o->evaluations;
                base.eval.valSubset =
                    std::min(o->valSubset, task.dataset->count(Split::Validation));
                for (const double level : o->levels) {
                    const auto b = budgetsAt(level, space, classes, mcu, *runtime, base.costMode);
                    auto modes = modesOf(space, native, o->baselines == "all");
                    SearchConfig c = base;
                    c.budgets = b;
                    runCell(ctx, task, c, level, modes);
                    cells.push_back(
                        reportCell(task.dataset->name, level, b, modes, modeTable, cellTable));
                }
            }
            const double seconds = secondsSince(started);
            if (o->json) {
                out << nlohmann::json{{"mcu", o->mcu},
                                      {"evaluations_per_mode", o->evaluations},
                                      {"population", o->population},
                                      {"seeds", o->seeds},
                                      {"val_subset", o->valSubset},
                                      {"baselines", o->baselines},
                                      {"seconds", seconds},
                                      {"cells", cells},
                                      {"runs", ctx.runs}}
                           .dump(2)
                    << '\n';
                return 0;
            }
            out << "hypervolume: objectives 1 - accuracy, peak SRAM / budget, flash / "
                   "budget; reference point 1; mean +- sample sd over "
                << o->seeds << " seeds (1.." << o->seeds << ", the same for every mode), "
                << o->evaluations << " evaluations per run, NSGA-II population " << o->population
                << ", " << o->mcu << "\n";
            modeTable.print(out);
            out << "\nDNAS against the native configuration and against the oracle (the "
                   "fixed configuration with the best mean hypervolume, chosen in "
                   "hindsight): mean difference, seeds won-lost, two-sided exact Wilcoxon "
                   "signed-rank p (smallest possible with "
                << o->seeds << " seeds: " << fixed(2.0 / std::pow(2.0, o->seeds), 4)
                << "); evaluations DNAS needed to reach the baseline's final hypervolume "
                   "(median over the seeds that reached it)\n";
            cellTable.print(out);
            out << "took " << ProgressPrinter::duration(seconds) << "\n";
            return 0;
        }};
}

} // namespace dnas::cli
