#include "cli/bench_counts.h"

#include <algorithm>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "cli/bench_support.h"
#include "cli/text_table.h"
#include "common/error.h"
#include "eval/evaluator.h"
#include "report/cost_bands.h"
#include "report/statistics.h"

namespace dnas::cli {
namespace {

struct Options {
    std::string supernet;
    std::string dataset;
    std::vector<std::size_t> calibration{50, 100, 250, 500, 1000};
    std::vector<std::size_t> validation{250, 500, 1000, 2000, 0};
    CostBandOptions bands;
    bool json = false;
};

// Kendall's tau of `scores` against `reference`, over all candidates and averaged over the
// bands (candidates of similar MACs, where ranking is hard).
std::pair<double, double> agreement(const std::vector<double>& scores,
                                    const std::vector<double>& reference,
                                    const std::vector<std::size_t>& bandOf, std::size_t bands) {
    double inBands = 0;
    for (std::size_t b = 0; b < bands; ++b) {
        std::vector<double> s, r;
        for (std::size_t i = 0; i < scores.size(); ++i)
            if (bandOf[i] == b) {
                s.push_back(scores[i]);
                r.push_back(reference[i]);
            }
        inBands += kendallTau(s, r) / static_cast<double>(bands);
    }
    return {kendallTau(scores, reference), inBands};
}

} // namespace

Command addBenchCountsCommand(CLI::App& bench) {
    auto o = std::make_shared<Options>();
    auto* app = bench.add_subcommand(
        "counts", "Rank fidelity of the bn evaluator against its calibration and validation "
                  "image counts");
    app->add_option("--supernet", o->supernet, "Trained supernet checkpoint")->required();
    app->add_option("--dataset", o->dataset, "Dataset (default: the checkpoint's)");
    app->add_option("--calibration", o->calibration, "Calibration image counts")
        ->delimiter(',')
        ->capture_default_str();
    app->add_option("--validation", o->validation, "Validation image counts (0: the whole split)")
        ->delimiter(',')
        ->capture_default_str();
    app->add_option("--bands", o->bands.bands, "Bands of similar MACs")->capture_default_str();
    app->add_option("--per-band", o->bands.perBand, "Candidates per band")->capture_default_str();
    app->add_option("--seed", o->bands.seed, "Seed of the candidates and subsets")
        ->capture_default_str();
    app->add_flag("--json", o->json, "Print the figures as JSON");
    return {app, [o](std::ostream& out, std::ostream& err) {
                auto task = loadBenchTask(o->dataset, o->supernet, "");
                const auto& space = task.supernet->space();
                const int classes = task.supernet->classes();
                const auto bands = sampleCostBands(
                    space, [&](const Candidate& c) { return networkMacs(space, c, classes); },
                    o->bands);
                std::vector<Candidate> candidates;
                std::vector<std::size_t> bandOf;
                for (std::size_t b = 0; b < bands.size(); ++b)
                    for (const auto& c : bands[b].candidates) {
                        candidates.push_back(c);
                        bandOf.push_back(b);
                    }
                const auto validationImages = task.dataset->count(Split::Validation);
                auto counted = [&](std::size_t n) {
                    return n == 0 ? validationImages : std::min(n, validationImages);
                };
                // Scores at every pair of counts; the reference is the largest of both.
                struct Cell {
                    std::size_t calibration = 0, validation = 0;
                    std::vector<double> accuracy;
                    double seconds = 0;
                };
                std::vector<Cell> cells;
                for (const auto cal : o->calibration)
                    for (const auto val : o->validation) {
                        EvalOptions eo;
                        eo.calibrationImages = cal;
                        eo.valSubset = val;
                        eo.seed = o->bands.seed;
                        Evaluator evaluator(task.supernet, task.dataset, *task.cache, eo);
                        Cell cell{cal, counted(val), {}, 0};
                        for (const auto& c : candidates) {
                            const auto r = evaluator.evaluate(c);
                            cell.accuracy.push_back(r.metrics.accuracy);
                            cell.seconds += r.seconds / static_cast<double>(candidates.size());
                        }
                        err << "calibration " << cal << ", validation " << cell.validation << ": "
                            << fixed(cell.seconds, 3) << " s per candidate\n";
                        cells.push_back(std::move(cell));
                    }
                const auto reference =
                    std::max_element(cells.begin(), cells.end(), [](const Cell& a, const Cell& b) {
                        return std::tie(a.calibration, a.validation) <
                               std::tie(b.calibration, b.validation);
                    });
                nlohmann::json rows = nlohmann::json::array();
                TextTable table;
                for (const char* h :
                     {"calibration", "validation", "s/candidate", "tau (all)", "tau (in bands)"})
                    table.addColumn(h, TextTable::Align::Right);
                for (const auto& cell : cells) {
                    const auto [all, inBands] =
                        agreement(cell.accuracy, reference->accuracy, bandOf, bands.size());
                    rows.push_back({{"calibration_images", cell.calibration},
                                    {"validation_images", cell.validation},
                                    {"seconds_per_candidate", cell.seconds},
                                    {"tau_all", all},
                                    {"tau_in_bands", inBands},
                                    {"accuracy", cell.accuracy}});
                    table.addRow({std::to_string(cell.calibration), std::to_string(cell.validation),
                                  fixed(cell.seconds, 3), fixed(all, 2), fixed(inBands, 2)});
                }
                if (o->json) {
                    out << nlohmann::json{{"space", space.name},
                                          {"dataset", task.dataset->name},
                                          {"candidates", candidates.size()},
                                          {"bands", bands.size()},
                                          {"reference",
                                           {{"calibration_images", reference->calibration},
                                            {"validation_images", reference->validation}}},
                                          {"rows", rows}}
                               .dump(2)
                        << '\n';
                    return 0;
                }
                out << task.dataset->name << ", space " << space.name << ", " << candidates.size()
                    << " candidates in " << bands.size()
                    << " bands of MACs; Kendall tau of bn against bn with "
                    << reference->calibration << " calibration and " << reference->validation
                    << " validation images\n";
                table.print(out);
                return 0;
            }};
}

} // namespace dnas::cli
