#include "cli/train_command.h"

#include <atomic>
#include <csignal>
#include <cstdio>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include "cli/data_args.h"
#include "cli/progress_printer.h"
#include "common/error.h"
#include "common/json_document.h"
#include "common/json_reader.h"
#include "common/rng.h"
#include "common/torch_info.h"
#include "data/dataset_loader.h"
#include "data/image_cache.h"
#include "eval/evaluator.h"
#include "space/candidate_file.h"
#include "supernet/checkpoint.h"
#include "supernet/static_net_file.h"
#include "train/supernet_trainer.h"

namespace dnas::cli {
namespace {

std::atomic<bool> gInterrupted{false};

extern "C" void onInterrupt(int) {
    gInterrupted.store(true);
}

class TerminalTrainObserver : public TrainObserver {
public:
    TerminalTrainObserver(ProgressPrinter& printer, std::stop_source& stop)
        : printer_(printer)
        , stop_(stop) {}

    void onProgress(const TrainProgress& p) override {
        if (gInterrupted.load() && !stop_.stop_requested()) {
            printer_.log("interrupted: saving a checkpoint (resume with --resume)");
            stop_.request_stop();
        }
        char line[200];
        std::snprintf(line, sizeof line,
                      "step %lld/%lld  epoch %d  loss %.4f  lr %.4f  %.0f img/s  ETA %s", p.step,
                      p.totalSteps, p.epoch + 1, p.loss, p.learningRate, p.imagesPerSecond,
                      ProgressPrinter::duration(p.etaSeconds).c_str());
        printer_.update(line, p.step == p.totalSteps);
    }
    void onLog(const std::string& text) override { printer_.log(text); }

private:
    ProgressPrinter& printer_;
    std::stop_source& stop_;
};

// `dnas eval --model`: a static network (model.pt of an export) on its own data configuration.
int evalModel(const DataArgs& dataArgs, const std::string& model, const EvalOptions& eval,
              bool json, std::ostream& out, std::ostream& err) {
    auto loaded = loadStaticNet(model);
    DataArgs data = dataArgs;
    if (!data.given())
        data.dataset = loaded.meta.datasetName;
    const auto dataset = data.load();
    if (dataset->classes.size() != loaded.meta.classes.size())
        throw InputError(
            {{model,
              0,
              {},
              "has " + std::to_string(loaded.meta.classes.size()) + " classes, dataset " +
                  data.dataset + " has " + std::to_string(dataset->classes.size())}});
    if (dataset->fingerprint != loaded.meta.datasetFingerprint)
        err << "dnas: warning: " << model << " was trained on " << loaded.meta.datasetName
            << " (fingerprint " << loaded.meta.datasetFingerprint << "), scored here on "
            << dataset->name << " (" << dataset->fingerprint << ")\n";
    ImageCache cache(dataset, data.cacheOptions());
    Evaluator evaluator(Supernet{nullptr}, dataset, cache, eval); // validate() only
    const auto m = evaluator.validate(*loaded.net, loaded.meta.data);
    if (json) {
        out << nlohmann::json{{"model", model},
                              {"split", toString(eval.split)},
                              {"data", loaded.meta.data},
                              {"accuracy", m.accuracy},
                              {"metrics", m}}
                   .dump(2)
            << '\n';
        return 0;
    }
    char line[200];
    std::snprintf(line, sizeof line, "%s (%d px %s): %s accuracy %.4f on %zu images\n",
                  model.c_str(), loaded.meta.data.resolution,
                  std::string(toString(loaded.meta.data.colour)).c_str(),
                  std::string(toString(eval.split)).c_str(), m.accuracy, m.samples);
    out << line;
    return 0;
}

} // namespace

void addSupernetCommands(CLI::App& parent, std::vector<Command>& commands) {
    // ---- dnas train-supernet ------------------------------------------------------------
    {
        struct Args {
            DataArgs data;
            std::string space = "demo";
            std::string out;
            TrainOptions train;
            int threads = 0;
            bool evaluate = true;
        };
        auto a = std::make_shared<Args>();
        auto* app = parent.add_subcommand("train-supernet",
                                          "Train one weight-sharing supernet for every data "
                                          "configuration and architecture of a space");
        a->data.add(app, false);
        app->add_option("--space", a->space, "Search-space preset (default, paper, demo) or file")
            ->capture_default_str();
        app->add_option("--out", a->out, "Checkpoint file to write (and to resume from)")
            ->required();
        app->add_option("--epochs", a->train.epochs, "Passes over the training images");
        app->add_option("--max-steps", a->train.maxSteps,
                        "Optimiser steps (with --epochs: the smaller)");
        app->add_option("--train-subset", a->train.trainSubset,
                        "Train on a stratified subset of this many images");
        app->add_option("--batch-size", a->train.batchSize, "Images per step and subnet")
            ->capture_default_str()
            ->check(CLI::Range(1, 100000));
        app->add_option("--optimizer", a->train.optimizer, "sgd (Nesterov momentum) or adamw")
            ->capture_default_str();
        app->add_option("--learning-rate", a->train.learningRate,
                        "Peak learning rate (default 0.1 for sgd, 0.002 for adamw)");
        app->add_option("--warmup-steps", a->train.warmupSteps,
                        "Linear warm-up steps before the cosine decay")
            ->capture_default_str();
        app->add_option("--label-smoothing", a->train.labelSmoothing,
                        "Label smoothing of the largest subnet's loss")
            ->capture_default_str()
            ->check(CLI::Range(0.0, 0.5));
        app->add_option("--random-subnets", a->train.randomSubnets,
                        "Random subnets per step besides the largest and smallest")
            ->capture_default_str()
            ->check(CLI::Range(0, 16));
        app->add_option("--seed", a->train.seed, "Random seed")->capture_default_str();
        app->add_option("--checkpoint-seconds", a->train.checkpointSeconds,
                        "Seconds between checkpoints")
            ->capture_default_str();
        app->add_option("--threads", a->threads, "LibTorch threads (default: all cores)");
        app->add_flag("--resume", a->train.resume, "Continue the run saved in --out");
        app->add_flag("!--no-eval", a->evaluate,
                      "Skip scoring the largest and smallest subnets at the end");
        commands.push_back(
            {app, [a](std::ostream& out, std::ostream& err) {
                 if (a->train.resume && !std::filesystem::exists(a->out))
                     throw InputError("--resume",
                                      "nothing to resume: " + a->out + " does not exist");
                 if (a->threads > 0)
                     torch::set_num_threads(a->threads);
                 const auto space = SearchSpace::load(a->space);
                 const auto dataset = a->data.load();
                 out << "dataset " << dataset->name << ": " << dataset->count(Split::Train)
                     << " train / " << dataset->count(Split::Validation) << " validation images, "
                     << dataset->classes.size() << " classes"
                     << (dataset->standIn ? " (stand-in)" : "") << "\nspace " << space.name << ": "
                     << space.cardinality() << " candidates\n";
                 ImageCache cache(dataset, a->data.cacheOptions());
                 a->train.checkpoint = a->out;
                 Supernet supernet(space, static_cast<int>(dataset->classes.size()));
                 SupernetTrainer trainer(supernet, dataset, cache, a->train);
                 std::stop_source stop;
                 ProgressPrinter printer(err, isatty(2) != 0);
                 TerminalTrainObserver observer(printer, stop);
                 gInterrupted = false;
                 auto previous = std::signal(SIGINT, onInterrupt);
                 const auto result = trainer.run(observer, stop.get_token());
                 std::signal(SIGINT, previous);
                 printer.finish();
                 out << (result.stopped ? "stopped" : "trained") << " after " << result.steps
                     << " steps in " << ProgressPrinter::duration(result.seconds) << ", loss "
                     << result.finalLoss << "; checkpoint " << a->out << "\n";
                 if (a->evaluate && !result.stopped) {
                     EvalOptions eo;
                     eo.valSubset = std::min<std::size_t>(2000, dataset->count(Split::Validation));
                     Evaluator evaluator(supernet, dataset, cache, eo);
                     for (const auto& [name, c] : {std::pair{"largest", space.largest()},
                                                   std::pair{"smallest", space.smallest()}}) {
                         const auto r = evaluator.evaluate(c);
                         char line[160];
                         std::snprintf(line, sizeof line,
                                       "%-8s subnet (%d px %s, width %.2f): validation accuracy "
                                       "%.4f on %zu images\n",
                                       name, c.data.resolution,
                                       std::string(toString(c.data.colour)).c_str(), c.arch.width,
                                       r.metrics.accuracy, r.metrics.samples);
                         out << line;
                     }
                 }
                 return result.stopped ? 130 : 0;
             }});
    }

    // ---- dnas eval -------------------------------------------------------------------------
    {
        struct Args {
            DataArgs data;
            std::string supernet;
            std::string model;
            std::string candidates;
            int sample = 0;
            std::string evaluator = "bn";
            std::string split = "validation";
            EvalOptions eval;
            bool json = false;
        };
        auto a = std::make_shared<Args>();
        auto* app =
            parent.add_subcommand("eval", "Score candidates with weights from a trained supernet");
        a->data.add(app, false);
        auto* supernetOption =
            app->add_option("--supernet", a->supernet, "Supernet checkpoint (from train-supernet)");
        auto* modelOption = app->add_option(
            "--model", a->model, "A static model.pt from `dnas export`, scored at its own input");
        modelOption->excludes(supernetOption);
        auto* file = app->add_option(
            "--candidate", a->candidates,
            "Candidate JSON file: one candidate or {\"candidates\": [...]} (README 'Candidates')");
        auto* sample = app->add_option("--sample", a->sample,
                                       "Score this many candidates sampled from the space")
                           ->check(CLI::Range(1, 100000));
        file->excludes(sample);
        app->add_option("--evaluator", a->evaluator,
                        "bn (batch-norm recalibration, default), finetune (the paper's), scratch "
                        "(train from scratch)")
            ->capture_default_str();
        app->add_option("--val-subset", a->eval.valSubset,
                        "Validate on a stratified subset of this many images");
        app->add_option("--calibration-images", a->eval.calibrationImages,
                        "Training images for batch-norm recalibration")
            ->capture_default_str();
        app->add_option("--finetune-steps", a->eval.finetuneSteps,
                        "Steps of the finetune evaluator")
            ->capture_default_str();
        app->add_option("--scratch-epochs", a->eval.scratchEpochs,
                        "Epochs of the scratch evaluator")
            ->capture_default_str();
        app->add_option("--train-subset", a->eval.trainSubset,
                        "finetune/scratch: train on a subset of this many images");
        app->add_option("--split", a->split, "validation (for selection) or test (for reporting)")
            ->capture_default_str();
        app->add_option("--seed", a->eval.seed, "Random seed (sampling, subsets)")
            ->capture_default_str();
        app->add_flag("--json", a->json,
                      "Print {\"candidates\": [{candidate, accuracy, seconds, metrics}]}");
        commands.push_back(
            {app, [a, file, sample, modelOption](std::ostream& out, std::ostream& err) {
                 if (!a->model.empty()) {
                     if (file->count() + sample->count() > 0)
                         throw InputError("--model", "a model is scored alone: leave out "
                                                     "--candidate and --sample");
                     const auto split = parseSplit(a->split);
                     if (!split || *split == Split::Train)
                         throw InputError("--split", "use validation or test");
                     a->eval.split = *split;
                     return evalModel(a->data, a->model, a->eval, a->json, out, err);
                 }
                 (void)modelOption;
                 if (a->supernet.empty())
                     throw InputError("--supernet", "give --supernet (or --model)");
                 if (file->count() == 0 && sample->count() == 0)
                     throw InputError("--candidate", "give --candidate FILE or --sample K");
                 const auto kind = parseEvaluatorKind(a->evaluator);
                 if (!kind)
                     throw InputError("--evaluator", "unknown evaluator '" + a->evaluator +
                                                         "' (use bn, finetune or scratch)");
                 const auto split = parseSplit(a->split);
                 if (!split || *split == Split::Train)
                     throw InputError("--split", "use validation or test");
                 a->eval.kind = *kind;
                 a->eval.split = *split;
                 auto loaded = loadCheckpoint(a->supernet);
                 const auto space = SearchSpace::fromDocument(
                     JsonDocument::fromText(loaded.meta.space.dump(), a->supernet + " (space)"));
                 if (!a->data.given()) // default: the checkpoint's dataset
                     a->data.dataset = loaded.meta.datasetName;
                 const auto dataset = a->data.load();
                 checkCheckpointMatches(loaded.meta, a->supernet, space, *dataset);
                 std::vector<Candidate> candidates;
                 if (!a->candidates.empty()) {
                     candidates = readCandidateFile(a->candidates, space);
                 } else {
                     Rng rng(a->eval.seed);
                     for (int i = 0; i < a->sample; ++i)
                         candidates.push_back(space.sample(rng));
                 }
                 ImageCache cache(dataset, a->data.cacheOptions());
                 loaded.supernet->eval();
                 Evaluator evaluator(loaded.supernet, dataset, cache, a->eval);
                 nlohmann::json results = nlohmann::json::array();
                 for (const auto& c : candidates) {
                     const auto r = evaluator.evaluate(c);
                     results.push_back({{"candidate", c},
                                        {"accuracy", r.metrics.accuracy},
                                        {"seconds", r.seconds},
                                        {"metrics", r.metrics}});
                     if (!a->json) {
                         char line[200];
                         std::snprintf(line, sizeof line, "%3zu  %3d px %-9s width %.2f depths",
                                       results.size(), c.data.resolution,
                                       std::string(toString(c.data.colour)).c_str(), c.arch.width);
                         out << line;
                         for (int d : c.arch.depths)
                             out << ' ' << d;
                         std::snprintf(line, sizeof line, "   accuracy %.4f  (%.2f s)\n",
                                       r.metrics.accuracy, r.seconds);
                         out << line;
                     }
                 }
                 if (a->json)
                     out << nlohmann::json{{"evaluator", toString(*kind)},
                                           {"split", toString(*split)},
                                           {"supernet", a->supernet},
                                           {"candidates", results}}
                                .dump(2)
                         << '\n';
                 return 0;
             }});
    }
}

} // namespace dnas::cli
