#include "cli/bench_fidelity.h"
#include "cli/mcus_command.h"

#include <algorithm>
#include <cstdio>
#include <map>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include "cli/bench_support.h"
#include "cli/text_table.h"
#include "common/error.h"
#include "common/format.h"
#include "common/json_document.h"
#include "common/json_reader.h"
#include "cost/budgets.h"
#include "cost/cost_model.h"
#include "cost/mcu_catalog.h"
#include "data/dataset_loader.h"
#include "data/image_cache.h"
#include "eval/evaluator.h"
#include "report/cost_bands.h"
#include "report/statistics.h"
#include "supernet/checkpoint.h"

namespace dnas::cli {
namespace {

constexpr const char* kScratchPrefix = "scratch s";
constexpr const char* kBnBefore = "bn before";

struct Options {
    std::string supernet;
    std::string dataset;
    std::string bandCost = "macs";
    std::string mcu = "stm32f746";
    CostBandOptions bands;
    int scratchEpochs = 5;
    int scratchSeeds = 2;
    int finetuneSteps = 100;
    std::size_t trainSubset = 10000;
    std::size_t valSubset = 2000;
    std::string scratchFrom;
    std::string speed = "now";
    bool json = false;
};

// One candidate's scores, one per evaluator (the scratch seeds last).
struct Scored {
    std::size_t band = 0;
    Candidate candidate;
    double cost = 0;
    std::vector<double> accuracy;
    std::vector<double> seconds;
};

struct Correlation {
    double tau = 0;
    double rho = 0;
    std::size_t top3 = 0;
    std::size_t n = 0;
};

// Scratch scores (accuracy, seconds) per seed of an earlier `bench fidelity --json` run, by
// candidate (its JSON text). A reference training takes minutes per candidate and does not
// depend on the supernet, so comparing two supernets of one space need not repeat them.
using ScratchScores = std::map<std::string, std::vector<std::pair<double, double>>>;

ScratchScores readScratchFrom(const Options& o, const std::string& dataset,
                              const std::string& space, std::size_t trainSubset,
                              std::size_t valSubset) {
    const auto doc = JsonDocument::fromFile(o.scratchFrom);
    JsonReader r(doc);
    const auto& root = doc.root();
    if (!root.is_object()) {
        r.problem("", "expected the output of `dnas bench fidelity --json`");
        r.throwIfProblems();
    }
    // Scores measured with other settings would not be comparable with this run's.
    auto expect = [&](const char* name, const nlohmann::json& want) {
        const auto it = root.find(name);
        if (it == root.end() || *it != want)
            r.problem(JsonReader::key("", name),
                      (it == root.end() ? std::string("missing") : "is " + it->dump()) +
                          "; this run uses " + want.dump());
    };
    expect("dataset", dataset);
    expect("space", space);
    expect("seed", o.bands.seed); // it also picks the training and validation images
    expect("scratch_epochs", o.scratchEpochs);
    expect("train_subset", trainSubset);
    expect("val_subset", valSubset);
    ScratchScores out;
    const auto list = JsonReader::key("", "candidates");
    if (const auto* candidates = r.array(root, "", "candidates", Presence::Required))
        for (std::size_t i = 0; i < candidates->size(); ++i) {
            const auto& entry = (*candidates)[i];
            const auto path = JsonReader::index(list, i);
            const auto* candidate = r.object(entry, path, "candidate", Presence::Required);
            const auto* scores = r.object(entry, path, "scores", Presence::Required);
            if (!candidate || !scores)
                continue;
            auto& seeds = out[candidate->dump()];
            for (int seed = 1; seed <= o.scratchSeeds; ++seed) {
                const auto name = kScratchPrefix + std::to_string(seed);
                const auto at = JsonReader::key(JsonReader::key(path, "scores"), name);
                const auto* one =
                    r.object(*scores, JsonReader::key(path, "scores"), name, Presence::Optional);
                if (!one)
                    break;
                const auto accuracy = r.number(*one, at, "accuracy", Presence::Required, 0, 1);
                const auto seconds = r.number(*one, at, "seconds", Presence::Required, 0, 1e9);
                if (!accuracy || !seconds)
                    break;
                seeds.emplace_back(*accuracy, *seconds);
            }
        }
    r.throwIfProblems();
    return out;
}

Correlation correlate(const std::vector<double>& a, const std::vector<double>& b) {
    return {kendallTau(a, b), spearmanRho(a, b), topKOverlap(a, b, 3), a.size()};
}

// The index of the first scratch evaluator in `names` (they come last).
std::size_t firstScratch(const std::vector<std::string>& names) {
    std::size_t e = 0;
    while (e < names.size() && names[e].rfind(kScratchPrefix, 0) != 0)
        ++e;
    return e;
}

// The scratch reference of a candidate: the mean over the scratch seeds.
double scratchMean(const Scored& s, std::size_t first) {
    double sum = 0;
    for (std::size_t i = first; i < s.accuracy.size(); ++i)
        sum += s.accuracy[i];
    return sum / static_cast<double>(s.accuracy.size() - first);
}

// Rank agreement over `rows` of each evaluator with the scratch reference, of bn with the
// settings before and now (when both ran), and of the first two scratch seeds with each other.
std::vector<std::pair<std::string, Correlation>>
correlations(const std::vector<Scored>& rows, const std::vector<std::string>& names) {
    const auto first = firstScratch(names);
    auto column = [&](std::size_t e) {
        std::vector<double> v;
        for (const auto& r : rows)
            v.push_back(r.accuracy[e]);
        return v;
    };
    std::vector<std::pair<std::string, Correlation>> out;
    if (first < names.size()) { // with a scratch reference
        std::vector<double> reference;
        for (const auto& r : rows)
            reference.push_back(scratchMean(r, first));
        for (std::size_t e = 0; e < first; ++e)
            out.push_back({names[e] + " vs scratch", correlate(column(e), reference)});
    }
    const auto before = std::find(names.begin(), names.end(), kBnBefore);
    if (before != names.end())
        out.push_back(
            {std::string(kBnBefore) + " vs bn",
             correlate(column(static_cast<std::size_t>(before - names.begin())), column(0))});
    if (names.size() > first + 1)
        out.push_back({"scratch seed 1 vs 2", correlate(column(first), column(first + 1))});
    return out;
}

nlohmann::json toJson(const Correlation& c) {
    return {{"kendall_tau", c.tau},
            {"spearman_rho", c.rho},
            {"top3_overlap", c.top3},
            {"candidates", c.n}};
}

void printReport(std::ostream& out, const Options& o, const std::vector<CostBand>& bands,
                 const std::vector<Scored>& rows, const std::vector<std::string>& names) {
    TextTable table;
    for (const char* h : {"band", "res", "colour", "width", "cost"})
        table.addColumn(h, TextTable::Align::Right);
    for (const auto& n : names)
        table.addColumn(n, TextTable::Align::Right);
    for (const auto& r : rows) {
        std::vector<std::string> cells = {
            std::to_string(r.band + 1), std::to_string(r.candidate.data.resolution),
            std::string(toString(r.candidate.data.colour)), fixed(r.candidate.arch.width, 2),
            o.bandCost == "macs" ? fixed(r.cost / 1e6, 2) + " M" : formatBytes(r.cost)};
        for (const double a : r.accuracy)
            cells.push_back(fixed(a, 4));
        table.addRow(cells);
    }
    table.print(out);
    out << (firstScratch(names) < names.size()
                ? "\nrank agreement (scratch: the mean of the scratch seeds):\n"
                : "\nrank agreement (no scratch reference):\n");
    TextTable corr;
    for (const char* h : {"candidates", "pair", "Kendall tau", "Spearman rho", "top-3 overlap"})
        corr.addColumn(h, TextTable::Align::Right);
    auto addRows = [&](const std::string& label, const std::vector<Scored>& subset) {
        for (const auto& [name, c] : correlations(subset, names))
            corr.addRow(
                {label, name, fixed(c.tau, 3), fixed(c.rho, 3), std::to_string(c.top3) + "/3"});
    };
    for (std::size_t b = 0; b < bands.size(); ++b) {
        std::vector<Scored> subset;
        for (const auto& r : rows)
            if (r.band == b)
                subset.push_back(r);
        if (subset.size() >= 2)
            addRows("band " + std::to_string(b + 1) + " (" + std::to_string(subset.size()) + ")",
                    subset);
    }
    addRows("all (" + std::to_string(rows.size()) + ")", rows);
    corr.print(out);
    out << "\nseconds per candidate:";
    for (std::size_t e = 0; e < names.size(); ++e) {
        double sum = 0;
        for (const auto& r : rows)
            sum += r.seconds[e];
        out << (e ? ", " : " ") << names[e] << " " << fixed(sum / rows.size(), 2);
    }
    out << "\n";
}

} // namespace

Command addBenchFidelityCommand(CLI::App& bench) {
    auto o = std::make_shared<Options>();
    auto* app = bench.add_subcommand(
        "fidelity", "Rank fidelity of the supernet (bn) and fine-tuning evaluators against "
                    "training from scratch, within narrow cost bands");
    app->add_option("--supernet", o->supernet, "Supernet checkpoint (e.g. of the demo space)")
        ->required();
    app->add_option("--dataset", o->dataset, "Dataset (default: the checkpoint's)");
    app->add_option("--band-cost", o->bandCost, "Cost the bands are drawn in")
        ->capture_default_str()
        ->check(CLI::IsMember({"macs", "peak_sram_bytes", "flash_bytes"}));
    app->add_option("--bands", o->bands.bands, "Cost bands")
        ->capture_default_str()
        ->check(CLI::Range(1, 20));
    app->add_option("--per-band", o->bands.perBand, "Candidates per band")
        ->capture_default_str()
        ->check(CLI::Range(2, 1000));
    app->add_option("--band-width", o->bands.halfWidth,
                    "Half width of a band relative to its centre")
        ->capture_default_str()
        ->check(CLI::Range(0.001, 0.9));
    app->add_option("--mcu", o->mcu, "MCU profile for SRAM/flash bands")->capture_default_str();
    app->add_option("--scratch-epochs", o->scratchEpochs,
                    "Epochs of training from scratch per candidate")
        ->capture_default_str()
        ->check(CLI::Range(1, 1000));
    app->add_option("--scratch-seeds", o->scratchSeeds,
                    "Scratch trainings per candidate (0: none, e.g. to compare bn's settings "
                    "with --speed both alone)")
        ->capture_default_str()
        ->check(CLI::Range(0, 10));
    app->add_option("--finetune-steps", o->finetuneSteps, "Steps of the finetune evaluator")
        ->capture_default_str()
        ->check(CLI::Range(1, 100000));
    app->add_option("--train-subset", o->trainSubset, "Training images for scratch/finetune")
        ->capture_default_str();
    app->add_option("--val-subset", o->valSubset, "Validation images for every evaluator")
        ->capture_default_str();
    app->add_option("--seed", o->bands.seed, "Seed of the candidate choice")->capture_default_str();
    app->add_option("--scratch-from", o->scratchFrom,
                    "Reuse the scratch scores of an earlier `bench fidelity --json` output with "
                    "the same settings (e.g. to compare two supernets of one space)");
    app->add_option("--speed", o->speed,
                    "bn/finetune speed settings: now (the defaults), before (batches of 256, "
                    "NCHW, NoGrad: the settings before `dnas bench eval` measured them), or both "
                    "(bn scored with each, side by side)")
        ->check(CLI::IsMember({"now", "before", "both"}))
        ->capture_default_str();
    app->add_flag("--json", o->json, "Print the figures as JSON");
    return {
        app, [o](std::ostream& out, std::ostream& err) {
            auto loaded = loadCheckpoint(o->supernet);
            const auto space = SearchSpace::fromDocument(
                JsonDocument::fromText(loaded.meta.space.dump(), o->supernet));
            const auto dataset = loadDataset(
                o->dataset.empty() ? loaded.meta.datasetName : o->dataset, DatasetOptions{});
            checkCheckpointMatches(loaded.meta, o->supernet, space, *dataset);
            ImageCache cache(dataset, {});
            loaded.supernet->eval();

            const auto catalog = loadMcuCatalog(err);
            const auto mcu = catalog.find(o->mcu);
            const auto* runtime = mcu.runtime(mcu.defaultRuntime);
            CostModel model;
            auto cost = [&](const Candidate& c) {
                const auto report = costWithoutBudgets(model, space, c, loaded.meta.classes, mcu,
                                                       *runtime, CostMode::Tflm);
                return objectiveCost(report, o->bandCost);
            };
            const auto bands = sampleCostBands(space, cost, o->bands);

            EvalOptions bn = o->speed == "before" ? withSpeedBefore({}) : EvalOptions{};
            bn.valSubset = std::min(o->valSubset, dataset->count(Split::Validation));
            bn.trainSubset = std::min(o->trainSubset, dataset->count(Split::Train));
            bn.seed = o->bands.seed;
            std::vector<EvalOptions> evaluators = {bn};
            std::vector<std::string> names = {"bn"};
            if (o->speed == "both") { // bn with the settings before, on the same candidates
                auto before = withSpeedBefore(bn);
                evaluators.push_back(before);
                names.push_back(kBnBefore);
            }
            EvalOptions finetune = bn;
            finetune.kind = EvaluatorKind::Finetune;
            finetune.finetuneSteps = o->finetuneSteps;
            evaluators.push_back(finetune);
            names.push_back("finetune");
            const std::size_t first = evaluators.size();
            for (int s = 1; s <= o->scratchSeeds; ++s) {
                EvalOptions scratch = bn;
                scratch.kind = EvaluatorKind::Scratch;
                scratch.scratchEpochs = o->scratchEpochs;
                scratch.trainSeed = static_cast<std::uint64_t>(s);
                evaluators.push_back(scratch);
                names.push_back(kScratchPrefix + std::to_string(s));
            }
            std::vector<Scored> rows;
            for (std::size_t b = 0; b < bands.size(); ++b)
                for (const auto& c : bands[b].candidates)
                    rows.push_back({b, c, cost(c), {}, {}});
            const auto reuse =
                o->scratchFrom.empty()
                    ? ScratchScores{}
                    : readScratchFrom(*o, dataset->name, space.name, bn.trainSubset, bn.valSubset);
            std::size_t reused = 0;
            for (std::size_t e = 0; e < evaluators.size(); ++e) {
                Evaluator evaluator(loaded.supernet, dataset, cache, evaluators[e]);
                for (std::size_t i = 0; i < rows.size(); ++i) {
                    const auto earlier = reuse.find(nlohmann::json(rows[i].candidate).dump());
                    if (e >= first && earlier != reuse.end() &&
                        earlier->second.size() > e - first) {
                        const auto [accuracy, seconds] = earlier->second[e - first];
                        rows[i].accuracy.push_back(accuracy);
                        rows[i].seconds.push_back(seconds);
                        ++reused;
                        err << names[e] << " " << i + 1 << "/" << rows.size() << ": "
                            << fixed(accuracy, 4) << " (from " << o->scratchFrom << ")\n";
                        continue;
                    }
                    const auto result = evaluator.evaluate(rows[i].candidate);
                    rows[i].accuracy.push_back(result.metrics.accuracy);
                    rows[i].seconds.push_back(result.seconds);
                    err << names[e] << " " << i + 1 << "/" << rows.size() << ": "
                        << fixed(result.metrics.accuracy, 4) << " (" << fixed(result.seconds, 2)
                        << " s)\n";
                }
            }
            if (rows.size() < 2)
                throw InputError("--bands", "fewer than two candidates fell into the bands");
            if (o->json) {
                nlohmann::json candidates = nlohmann::json::array();
                for (const auto& r : rows) {
                    nlohmann::json scores;
                    for (std::size_t e = 0; e < names.size(); ++e)
                        scores[names[e]] = {{"accuracy", r.accuracy[e]}, {"seconds", r.seconds[e]}};
                    candidates.push_back({{"band", r.band + 1},
                                          {"candidate", r.candidate},
                                          {o->bandCost, r.cost},
                                          {"scores", scores}});
                }
                nlohmann::json bandJson = nlohmann::json::array();
                for (std::size_t b = 0; b < bands.size(); ++b) {
                    std::vector<Scored> subset;
                    for (const auto& r : rows)
                        if (r.band == b)
                            subset.push_back(r);
                    nlohmann::json agreement;
                    if (subset.size() >= 2)
                        for (const auto& [name, c] : correlations(subset, names))
                            agreement[name] = toJson(c);
                    bandJson.push_back({{"centre", bands[b].centre},
                                        {"low", bands[b].low},
                                        {"high", bands[b].high},
                                        {"pool_members", bands[b].poolMembers},
                                        {"agreement", agreement}});
                }
                nlohmann::json overall;
                for (const auto& [name, c] : correlations(rows, names))
                    overall[name] = toJson(c);
                out << nlohmann::json{{"dataset", dataset->name},
                                      {"space", space.name},
                                      {"seed", o->bands.seed},
                                      {"band_cost", o->bandCost},
                                      {"scratch_epochs", o->scratchEpochs},
                                      {"train_subset", bn.trainSubset},
                                      {"val_subset", bn.valSubset},
                                      {"scratch_reused", reused},
                                      {"speed", o->speed},
                                      {"bands", bandJson},
                                      {"overall", overall},
                                      {"candidates", candidates}}
                           .dump(2)
                    << '\n';
                return 0;
            }
            out << dataset->name << ", space " << space.name << ", " << rows.size()
                << " candidates in " << bands.size() << " bands of " << o->bandCost
                << " (centre +- " << fixed(100 * o->bands.halfWidth, 0) << " %), " << bn.valSubset
                << " validation images; scratch: " << o->scratchEpochs << " epochs on "
                << bn.trainSubset << " images; finetune: " << o->finetuneSteps << " steps\n";
            if (reused > 0)
                out << reused << " scratch trainings (scores and seconds) reused from "
                    << o->scratchFrom << "\n";
            printReport(out, *o, bands, rows, names);
            return 0;
        }};
}

} // namespace dnas::cli
