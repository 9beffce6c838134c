#include "cli/bench_search.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "cli/progress_printer.h"
#include "cli/text_table.h"
#include "common/error.h"
#include "common/format.h"
#include "common/json_document.h"
#include "cost/cost_model.h"
#include "cost/mcu_catalog.h"
#include "data/dataset_loader.h"
#include "data/image_cache.h"
#include "engine/search_engine.h"
#include "engine/supernet_provider.h"
#include "supernet/checkpoint.h"

namespace dnas::cli {
namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point t) {
    return std::chrono::duration<double>(Clock::now() - t).count();
}

// A supernet with the dataset it scores on.
struct Task {
    Supernet supernet{nullptr};
    std::shared_ptr<const Dataset> dataset;
    std::unique_ptr<ImageCache> cache;
    std::string fingerprint;
    bool trained = false;
};

// The checkpoint's supernet on `datasetSpec` (default: the checkpoint's dataset); without a
// checkpoint a freshly initialised supernet of `spaceName` (evaluation costs the same).
Task loadTask(const std::string& datasetSpec, const std::string& checkpoint,
              const std::string& spaceName) {
    Task t;
    if (!checkpoint.empty()) {
        auto loaded = loadCheckpoint(checkpoint);
        const auto space =
            SearchSpace::fromDocument(JsonDocument::fromText(loaded.meta.space.dump(), checkpoint));
        t.dataset = loadDataset(datasetSpec.empty() ? loaded.meta.datasetName : datasetSpec, {});
        checkCheckpointMatches(loaded.meta, checkpoint, space, *t.dataset);
        t.supernet = loaded.supernet;
        t.fingerprint = supernetFingerprint(loaded.meta, *loaded.supernet);
        t.trained = true;
    } else {
        t.dataset = loadDataset(datasetSpec.empty() ? "fashion-mnist:binary" : datasetSpec, {});
        t.supernet =
            Supernet(SearchSpace::load(spaceName), static_cast<int>(t.dataset->classes.size()));
        t.supernet->initialize(1);
        t.fingerprint = supernetFingerprint(CheckpointMeta{}, *t.supernet); // step 0
    }
    t.supernet->eval();
    t.cache = std::make_unique<ImageCache>(t.dataset, ImageCache::Options{});
    return t;
}

// Times a run: from runStarted to finished, and the evaluator's share of it.
class TimingObserver : public SearchObserver {
public:
    explicit TimingObserver(ProgressPrinter* printer = nullptr)
        : printer_(printer) {}
    void runStarted(std::int64_t, const SearchConfig&) override { start_ = Clock::now(); }
    void candidateEvaluated(const CandidateRecord& r, bool) override {
        ++candidates;
        if (r.evaluated) {
            ++evaluated;
            evalSeconds += r.evalSeconds;
        }
    }
    void progress(const std::string& mode, long long evaluations, long long planned,
                  double eta) override {
        if (!printer_)
            return;
        char line[160];
        std::snprintf(line, sizeof line, "%s%s: %lld/%lld evaluations  ETA %s", prefix.c_str(),
                      mode.c_str(), evaluations, planned, ProgressPrinter::duration(eta).c_str());
        printer_->update(line);
    }
    void frontier(const std::string&, const std::vector<CandidateRecord>& front) override {
        frontSize = front.size();
    }
    void finished(std::int64_t, bool) override { wallSeconds = secondsSince(start_); }

    std::string prefix;
    long long candidates = 0;
    long long evaluated = 0;
    std::size_t frontSize = 0;
    double evalSeconds = 0;
    double wallSeconds = 0;

private:
    ProgressPrinter* printer_;
    Clock::time_point start_ = Clock::now();
};

// A temporary SQLite file, removed with its WAL files at the end.
struct TempStore {
    std::filesystem::path path;
    explicit TempStore(const std::string& name)
        : path(std::filesystem::temp_directory_path() /
               ("dnas-bench-" + name + "-" + std::to_string(::getpid()) + ".db")) {
        remove();
    }
    ~TempStore() { remove(); }
    void remove() const {
        std::error_code ec;
        for (const char* suffix : {"", "-wal", "-shm", "-journal"})
            std::filesystem::remove(path.string() + suffix, ec);
    }
};

struct MeanSpread {
    double mean = 0;
    double sd = 0; // sample standard deviation (0 for one value)
};

MeanSpread meanSpread(const std::vector<double>& v) {
    MeanSpread m;
    if (v.empty())
        return m;
    for (double x : v)
        m.mean += x;
    m.mean /= static_cast<double>(v.size());
    if (v.size() > 1) {
        for (double x : v)
            m.sd += (x - m.mean) * (x - m.mean);
        m.sd = std::sqrt(m.sd / static_cast<double>(v.size() - 1));
    }
    return m;
}

std::string fixed(double v, int digits) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.*f", digits, v);
    return buf;
}

// ---- bench search ----------------------------------------------------------------------------

struct SearchOptions {
    std::string supernet;
    std::string dataset;
    std::string space = "demo";
    std::string mcu = "stm32f746";
    long long evaluations = 100;
    int population = 20;
    std::size_t valSubset = 0;
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
    app->add_option("--seed", o->seed, "Seed")->capture_default_str();
    app->add_flag("--json", o->json, "Print the figures as JSON");
    return {app, [o](std::ostream& out, std::ostream& err) {
                auto task = loadTask(o->dataset, o->supernet, o->space);
                const auto catalog = McuCatalog::load();
                SearchConfig c;
                c.strategy.population = o->population;
                c.maxEvaluations = o->evaluations;
                c.seed = o->seed;
                c.eval.valSubset = o->valSubset;
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
                for (const char* h : {"run", "candidates", "evaluated", "wall s", "evaluation s",
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
                                    {"wall_seconds", timing.wallSeconds},
                                    {"evaluation_seconds", timing.evalSeconds},
                                    {"engine_ms_per_candidate", perCandidate * 1000},
                                    {"engine_share", engine / timing.wallSeconds},
                                    {"evaluations_per_minute", perMinute}});
                    table.addRow({name, std::to_string(timing.candidates),
                                  std::to_string(timing.evaluated), fixed(timing.wallSeconds, 1),
                                  fixed(timing.evalSeconds, 1), fixed(perCandidate * 1000, 2),
                                  fixed(100 * engine / timing.wallSeconds, 2) + " %",
                                  fixed(perMinute, 0)});
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
                                          {"runs", runs}}
                               .dump(2)
                        << '\n';
                    return 0;
                }
                out << "space " << space.name << ", dataset " << task.dataset->name << ", "
                    << valImages << " validation images per evaluation, bn evaluator, "
                    << (task.trained ? "trained supernet" : "untrained supernet (same timing)")
                    << ", NSGA-II population " << o->population << ", SQLite store\n";
                table.print(out);
                out << "engine = wall time minus the evaluator's time: proposing, cost screening, "
                       "committing to SQLite, archive and hypervolume\n";
                return 0;
            }};
}

// ---- bench compare ---------------------------------------------------------------------------

namespace {

struct CompareOptions {
    std::vector<std::string> tasks; // DATASET=CHECKPOINT
    std::string mcu = "stm32f746";
    std::vector<double> levels = {0.1, 0.3, 0.6};
    int seeds = 3;
    long long evaluations = 60;
    int population = 10;
    std::size_t valSubset = 2000;
    std::string store;
    bool json = false;
};

struct CompareMode {
    std::string label;
    std::string mode;
    std::optional<DataConfig> data;
};

} // namespace

Command addBenchCompareCommand(CLI::App& bench) {
    auto o = std::make_shared<CompareOptions>();
    auto* app = bench.add_subcommand(
        "compare", "Data Aware NAS vs Hardware Aware NAS: final hypervolume per mode over budget "
                   "levels and seeds, equal evaluation budgets");
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
    app->add_option("--seeds", o->seeds, "Seeds per level")
        ->capture_default_str()
        ->check(CLI::Range(1, 100));
    app->add_option("--evals", o->evaluations, "Evaluations per mode and run")
        ->capture_default_str()
        ->check(CLI::Range(1LL, 100000LL));
    app->add_option("--population", o->population, "Population")->capture_default_str();
    app->add_option("--val-subset", o->valSubset, "Validation images per evaluation")
        ->capture_default_str();
    app->add_option("--store", o->store,
                    "Keep every run in this SQLite store (default: a "
                    "temporary file)");
    app->add_flag("--json", o->json, "Print every run and the summary as JSON");
    return {
        app, [o](std::ostream& out, std::ostream& err) {
            const auto started = Clock::now();
            const auto catalog = McuCatalog::load();
            const auto mcu = catalog.find(o->mcu);
            const auto* runtime = mcu.runtime(mcu.defaultRuntime);
            std::optional<TempStore> temp;
            if (o->store.empty())
                temp.emplace("compare");
            auto store =
                RunStore::open(o->store.empty() ? temp->path : std::filesystem::path(o->store));
            ProgressPrinter printer(err, isatty(2) != 0);
            nlohmann::json runs = nlohmann::json::array();
            nlohmann::json summary = nlohmann::json::array();
            TextTable table;
            for (const char* h : {"task", "level", "SRAM budget", "flash budget", "mode",
                                  "hypervolume", "best accuracy", "front", "evaluated"})
                table.addColumn(h, TextTable::Align::Right);
            for (const auto& spec : o->tasks) {
                const auto eq = spec.rfind('=');
                if (eq == std::string::npos || eq == 0 || eq + 1 == spec.size())
                    throw InputError("--task", "expected DATASET=CHECKPOINT, found '" + spec + "'");
                auto task = loadTask(spec.substr(0, eq), spec.substr(eq + 1), "");
                const auto& space = task.supernet->space();
                const int classes = task.supernet->classes();
                // The data's native resolution (the first training image's shorter side), or
                // the space's nearest resolution when it is not in the space.
                const auto first = task.dataset->indices(Split::Train).front();
                const auto image = task.dataset->images->load(task.dataset->samples[first].image);
                const int nativeSide = std::min(image.rows, image.cols);
                int native = space.resolutions.front();
                for (int r : space.resolutions)
                    if (std::abs(r - nativeSide) < std::abs(native - nativeSide))
                        native = r;
                SearchConfig base;
                base.strategy.population = o->population;
                base.maxEvaluations = o->evaluations;
                base.eval.valSubset =
                    std::min(o->valSubset, task.dataset->count(Split::Validation));
                const int largest = base.hwNasData(space).resolution;
                std::vector<CompareMode> modes = {{"DNAS", "dnas", std::nullopt}};
                if (native != largest)
                    modes.push_back({"HW-NAS " + std::to_string(native) + " px rgb", "hwnas",
                                     DataConfig{native, ColourMode::Rgb}});
                modes.push_back({"HW-NAS " + std::to_string(largest) + " px rgb" +
                                     (native == largest ? " (native = largest)" : ""),
                                 "hwnas", base.hwNasData(space)});
                // Budget levels between the smallest network at the largest resolution in RGB
                // (so that every mode has something to find) and the largest network.
                CostModel model;
                Candidate low = space.smallest();
                low.data = base.hwNasData(space);
                const auto unbounded = Budgets{Bytes{1} << 40, Bytes{1} << 40, {}};
                const auto lo = model.estimate(buildNetwork(space.decode(low, classes)), mcu,
                                               *runtime, base.costMode, unbounded);
                const auto hi = model.estimate(buildNetwork(space.decode(space.largest(), classes)),
                                               mcu, *runtime, base.costMode, unbounded);
                for (const double level : o->levels) {
                    Budgets b;
                    b.sramBytes = lo.peakSramBytes +
                                  static_cast<Bytes>(level * static_cast<double>(hi.peakSramBytes -
                                                                                 lo.peakSramBytes));
                    b.flashBytes = lo.flashBytes +
                                   static_cast<Bytes>(
                                       level * static_cast<double>(hi.flashBytes - lo.flashBytes));
                    for (const auto& mode : modes) {
                        std::vector<double> hvs, bests;
                        std::vector<double> fronts, evaluated;
                        for (int seed = 1; seed <= o->seeds; ++seed) {
                            SearchConfig c = base;
                            c.mode = mode.mode;
                            c.fixedData = mode.data;
                            c.budgets = b;
                            c.seed = static_cast<std::uint64_t>(seed);
                            SearchInputs in;
                            in.supernet = task.supernet;
                            in.dataset = task.dataset;
                            in.cache = task.cache.get();
                            in.mcu = mcu;
                            in.store = store.get();
                            in.supernetFingerprint = task.fingerprint;
                            TimingObserver timing(&printer);
                            timing.prefix = task.dataset->name + ", level " + fixed(level, 2) +
                                            ", " + mode.label + ", seed " + std::to_string(seed) +
                                            ", ";
                            const auto runId = SearchEngine::run(c, in, timing);
                            const auto hv = store->hypervolumes(runId, c.mode);
                            double best = 0;
                            for (const auto& r : store->candidates(runId))
                                if (r.evaluated)
                                    best = std::max(best, r.accuracy);
                            hvs.push_back(hv.empty() ? 0.0 : hv.back().second);
                            bests.push_back(best);
                            fronts.push_back(static_cast<double>(timing.frontSize));
                            evaluated.push_back(static_cast<double>(timing.evaluated));
                            runs.push_back({{"task", task.dataset->name},
                                            {"level", level},
                                            {"mode", mode.label},
                                            {"seed", seed},
                                            {"run", runId},
                                            {"hypervolume", hvs.back()},
                                            {"best_accuracy", best},
                                            {"front", timing.frontSize},
                                            {"evaluated", timing.evaluated},
                                            {"screened_out", timing.candidates - timing.evaluated},
                                            {"seconds", timing.wallSeconds}});
                        }
                        printer.finish();
                        const auto hv = meanSpread(hvs);
                        const auto acc = meanSpread(bests);
                        summary.push_back({{"task", task.dataset->name},
                                           {"level", level},
                                           {"sram_budget_bytes", b.sramBytes},
                                           {"flash_budget_bytes", b.flashBytes},
                                           {"mode", mode.label},
                                           {"hypervolume_mean", hv.mean},
                                           {"hypervolume_sd", hv.sd},
                                           {"best_accuracy_mean", acc.mean},
                                           {"best_accuracy_sd", acc.sd},
                                           {"evaluations_mean", meanSpread(evaluated).mean}});
                        table.addRow({task.dataset->name, fixed(level, 2),
                                      formatBytes(static_cast<double>(b.sramBytes)),
                                      formatBytes(static_cast<double>(b.flashBytes)), mode.label,
                                      fixed(hv.mean, 4) + " +- " + fixed(hv.sd, 4),
                                      fixed(acc.mean, 4) + " +- " + fixed(acc.sd, 4),
                                      fixed(meanSpread(fronts).mean, 1),
                                      fixed(meanSpread(evaluated).mean, 0)});
                    }
                }
            }
            const double seconds = secondsSince(started);
            if (o->json) {
                out << nlohmann::json{{"mcu", o->mcu},
                                      {"evaluations_per_mode", o->evaluations},
                                      {"population", o->population},
                                      {"seeds", o->seeds},
                                      {"val_subset", o->valSubset},
                                      {"seconds", seconds},
                                      {"summary", summary},
                                      {"runs", runs}}
                           .dump(2)
                    << '\n';
                return 0;
            }
            out << "hypervolume: objectives 1 - accuracy, peak SRAM / budget, flash / budget; "
                   "reference point 1; mean +- sample sd over "
                << o->seeds << " seeds, " << o->evaluations << " evaluations per run, NSGA-II "
                << "population " << o->population << ", " << o->mcu << "\n";
            table.print(out);
            out << "took " << ProgressPrinter::duration(seconds) << "\n";
            return 0;
        }};
}

} // namespace dnas::cli
