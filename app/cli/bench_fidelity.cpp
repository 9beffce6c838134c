#include "cli/bench_fidelity.h"

#include <cmath>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include "cli/text_table.h"
#include "common/error.h"
#include "common/json_document.h"
#include "common/rng.h"
#include "cost/network.h"
#include "data/dataset_loader.h"
#include "data/image_cache.h"
#include "eval/evaluator.h"
#include "supernet/checkpoint.h"

namespace dnas::cli {
namespace {

struct Options {
    std::string supernet;
    std::string dataset;
    int candidates = 10;
    int scratchEpochs = 2;
    std::size_t trainSubset = 10000;
    std::size_t valSubset = 2000;
    std::uint64_t seed = 1;
    bool json = false;
};

// Candidates spread over the space: resolutions and colour modes in turn, widths and depth
// vectors drawn so that small and large networks both appear.
std::vector<Candidate> spreadCandidates(const SearchSpace& space, int count, std::uint64_t seed) {
    Rng rng(seed);
    std::vector<Candidate> out;
    for (int i = 0; i < count; ++i) {
        Candidate c = space.sample(rng);
        c.data.resolution =
            space.resolutions[static_cast<std::size_t>(i) % space.resolutions.size()];
        c.data.colour =
            space.colours[static_cast<std::size_t>(i / static_cast<int>(space.resolutions.size())) %
                          space.colours.size()];
        c.arch.width = space.widths[static_cast<std::size_t>(i * 3 + 1) % space.widths.size()];
        out.push_back(space.canonical(c));
    }
    return out;
}

} // namespace

double kendallTau(const std::vector<double>& a, const std::vector<double>& b) {
    const std::size_t n = std::min(a.size(), b.size());
    long long concordant = 0, discordant = 0, tiesA = 0, tiesB = 0;
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = i + 1; j < n; ++j) {
            const double da = a[i] - a[j];
            const double db = b[i] - b[j];
            if (da == 0 && db == 0)
                continue;
            if (da == 0)
                ++tiesA;
            else if (db == 0)
                ++tiesB;
            else if ((da > 0) == (db > 0))
                ++concordant;
            else
                ++discordant;
        }
    const double denominator = std::sqrt(static_cast<double>(concordant + discordant + tiesA) *
                                         static_cast<double>(concordant + discordant + tiesB));
    return denominator > 0 ? static_cast<double>(concordant - discordant) / denominator : 0.0;
}

Command addBenchFidelityCommand(CLI::App& bench) {
    auto o = std::make_shared<Options>();
    auto* app = bench.add_subcommand("fidelity", "Supernet accuracy vs training from scratch: "
                                                 "Kendall's tau of the rankings and the speed-up");
    app->add_option("--supernet", o->supernet, "Supernet checkpoint (e.g. of the demo space)")
        ->required();
    app->add_option("--dataset", o->dataset, "Dataset (default: the checkpoint's)");
    app->add_option("--candidates", o->candidates, "Candidates to compare")
        ->capture_default_str()
        ->check(CLI::Range(2, 1000));
    app->add_option("--scratch-epochs", o->scratchEpochs,
                    "Epochs of training from scratch per candidate")
        ->capture_default_str()
        ->check(CLI::Range(1, 1000));
    app->add_option("--train-subset", o->trainSubset, "Training images for the scratch runs")
        ->capture_default_str();
    app->add_option("--val-subset", o->valSubset, "Validation images for both")
        ->capture_default_str();
    app->add_option("--seed", o->seed, "Seed of the candidate choice")->capture_default_str();
    app->add_flag("--json", o->json,
                  "Print the figures as JSON (kendall_tau, speedup, candidates)");
    return {
        app, [o](std::ostream& out, std::ostream& err) {
            auto loaded = loadCheckpoint(o->supernet);
            const auto space = SearchSpace::fromDocument(
                JsonDocument::fromText(loaded.meta.space.dump(), o->supernet));
            DatasetOptions dopts;
            const auto dataset =
                loadDataset(o->dataset.empty() ? loaded.meta.datasetName : o->dataset, dopts);
            checkCheckpointMatches(loaded.meta, o->supernet, space, *dataset);
            ImageCache cache(dataset, {});
            loaded.supernet->eval();
            EvalOptions fast;
            fast.valSubset = std::min(o->valSubset, dataset->count(Split::Validation));
            fast.seed = o->seed;
            EvalOptions scratch = fast;
            scratch.kind = EvaluatorKind::Scratch;
            scratch.scratchEpochs = o->scratchEpochs;
            scratch.trainSubset = std::min(o->trainSubset, dataset->count(Split::Train));
            Evaluator supernetEval(loaded.supernet, dataset, cache, fast);
            Evaluator scratchEval(loaded.supernet, dataset, cache, scratch);

            const auto candidates = spreadCandidates(space, o->candidates, o->seed);
            std::vector<double> accSupernet, accScratch;
            double secondsSupernet = 0, secondsScratch = 0;
            nlohmann::json rows = nlohmann::json::array();
            for (std::size_t i = 0; i < candidates.size(); ++i) {
                const auto& c = candidates[i];
                const auto a = supernetEval.evaluate(c);
                const auto b = scratchEval.evaluate(c);
                accSupernet.push_back(a.metrics.accuracy);
                accScratch.push_back(b.metrics.accuracy);
                secondsSupernet += a.seconds;
                secondsScratch += b.seconds;
                Macs macs = 0;
                const auto net = buildNetwork(space.decode(c, loaded.meta.classes));
                for (const auto& op : net.ops)
                    macs += net.macs(op);
                rows.push_back({{"candidate", c},
                                {"macs", macs},
                                {"supernet_accuracy", a.metrics.accuracy},
                                {"supernet_seconds", a.seconds},
                                {"scratch_accuracy", b.metrics.accuracy},
                                {"scratch_seconds", b.seconds}});
                err << "candidate " << i + 1 << "/" << candidates.size() << ": supernet "
                    << a.metrics.accuracy << " (" << a.seconds << " s), scratch "
                    << b.metrics.accuracy << " (" << b.seconds << " s)\n";
            }
            const double tau = kendallTau(accSupernet, accScratch);
            const double speedup = secondsScratch / std::max(1e-9, secondsSupernet);
            if (o->json) {
                out << nlohmann::json{{"kendall_tau", tau},
                                      {"speedup", speedup},
                                      {"supernet_seconds_per_candidate",
                                       secondsSupernet / static_cast<double>(candidates.size())},
                                      {"scratch_seconds_per_candidate",
                                       secondsScratch / static_cast<double>(candidates.size())},
                                      {"scratch_epochs", o->scratchEpochs},
                                      {"train_subset", scratch.trainSubset},
                                      {"val_subset", fast.valSubset},
                                      {"dataset", dataset->name},
                                      {"space", space.name},
                                      {"candidates", rows}}
                           .dump(2)
                    << '\n';
                return 0;
            }
            TextTable table;
            for (const char* h :
                 {"#", "res", "colour", "width", "MACs", "supernet acc", "s", "scratch acc", "s"})
                table.addColumn(h, TextTable::Align::Right);
            for (std::size_t i = 0; i < candidates.size(); ++i) {
                const auto& r = rows[i];
                char buf[9][32];
                std::snprintf(buf[0], 32, "%zu", i + 1);
                std::snprintf(buf[1], 32, "%d", candidates[i].data.resolution);
                std::snprintf(buf[2], 32, "%s",
                              std::string(toString(candidates[i].data.colour)).c_str());
                std::snprintf(buf[3], 32, "%.2f", candidates[i].arch.width);
                std::snprintf(buf[4], 32, "%.2f M", r["macs"].get<double>() / 1e6);
                std::snprintf(buf[5], 32, "%.4f", r["supernet_accuracy"].get<double>());
                std::snprintf(buf[6], 32, "%.2f", r["supernet_seconds"].get<double>());
                std::snprintf(buf[7], 32, "%.4f", r["scratch_accuracy"].get<double>());
                std::snprintf(buf[8], 32, "%.1f", r["scratch_seconds"].get<double>());
                table.addRow(
                    {buf[0], buf[1], buf[2], buf[3], buf[4], buf[5], buf[6], buf[7], buf[8]});
            }
            table.print(out);
            char summary[200];
            std::snprintf(summary, sizeof summary,
                          "\nKendall's tau (supernet vs scratch ranking): %.3f\nSpeed-up of "
                          "supernet evaluation: %.0fx "
                          "(%.2f s vs %.1f s per candidate)\n",
                          tau, speedup, secondsSupernet / static_cast<double>(candidates.size()),
                          secondsScratch / static_cast<double>(candidates.size()));
            out << summary;
            return 0;
        }};
}

} // namespace dnas::cli
