#include "cli/bench_train.h"

#include <algorithm>
#include <fstream>
#include <optional>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <torch/csrc/autograd/profiler_legacy.h>
#include <torch/torch.h>

#include "cli/bench_support.h"
#include "cli/text_table.h"
#include "common/error.h"
#include "common/rng.h"
#include "data/dataset.h"
#include "data/image_cache.h"
#include "supernet/static_net.h"
#include "train/augmented_batch.h"
#include "train/supernet_trainer.h"

namespace dnas::cli {
namespace {

struct Options {
    std::string dataset = "fashion-mnist";
    std::string space = "demo";
    long long steps = 40;
    int warmup = 5;
    int batchSize = 64;
    int randomSubnets = 2;
    std::size_t trainSubset = 4096;
    std::string profile;
    bool json = false;
};

// Step times of a supernet training, from the trainer's progress reports.
class StepClock : public TrainObserver {
public:
    explicit StepClock(long long warmup)
        : warmup_(warmup) {}
    void onProgress(const TrainProgress& p) override {
        if (p.step == warmup_)
            start_ = BenchClock::now();
        if (p.step > warmup_)
            seconds = secondsSince(start_);
        steps = p.step - warmup_;
    }
    double seconds = 0;
    long long steps = 0;

private:
    long long warmup_;
    BenchClock::time_point start_ = BenchClock::now();
};

// LibTorch's operator profile of what runs while it lives, written to `path` (none when empty).
class Profile {
public:
    explicit Profile(const std::string& path) {
        if (path.empty())
            return;
        file_.open(path);
        if (!file_)
            throw InputError("--profile", "cannot write " + path);
        profile_.emplace(file_);
    }

private:
    std::ofstream file_;
    std::optional<torch::autograd::profiler::RecordProfile> profile_;
};

// Plain LibTorch training of static networks on the same augmented batches: every step trains
// each network of `fixed` and the next `perStep` of `pool` (in turn), each with its own SGD
// (Nesterov momentum) and label-smoothed cross-entropy, as if trained alone.
struct PlainTiming {
    double stepSeconds = 0;
    double stepMacs = 0; // per image, summed over the networks a step trains (mean over steps)
};

PlainTiming plainSteps(const SearchSpace& space, const std::vector<Candidate>& fixedNets,
                       const std::vector<Candidate>& pool, int perStep, int classes,
                       const std::shared_ptr<const ImageSet>& sources, const Options& o,
                       bool channelsLast) {
    torch::manual_seed(1);
    struct Trained {
        Candidate candidate;
        StaticNet net{nullptr};
        std::unique_ptr<torch::optim::SGD> optimizer;
        double macs = 0;
    };
    auto make = [&](const Candidate& c) {
        Trained t{c, StaticNet(space.decode(c, classes)), nullptr, networkMacs(space, c, classes)};
        t.net->train();
        t.optimizer = std::make_unique<torch::optim::SGD>(
            t.net->parameters(),
            torch::optim::SGDOptions(0.05).momentum(0.9).nesterov(true).weight_decay(4e-5));
        return t;
    };
    std::vector<Trained> fixedTrained, poolTrained;
    for (const auto& c : fixedNets)
        fixedTrained.push_back(make(c));
    for (const auto& c : pool)
        poolTrained.push_back(make(c));
    const auto smoothing = torch::nn::functional::CrossEntropyFuncOptions().label_smoothing(0.1);
    AugmentedBatch batch(sources);
    Rng rng(1);
    std::vector<std::size_t> rows(static_cast<std::size_t>(o.batchSize));
    std::size_t next = 0;
    double macs = 0;
    BenchClock::time_point start;
    for (long long step = 0; step < o.warmup + o.steps; ++step) {
        if (step == o.warmup)
            start = BenchClock::now();
        for (auto& r : rows)
            r = rng.below(sources->rows());
        batch.prepare(rows, rng);
        const auto labels = batch.labels();
        std::vector<Trained*> nets;
        for (auto& t : fixedTrained)
            nets.push_back(&t);
        for (int k = 0; k < perStep && !poolTrained.empty(); ++k)
            nets.push_back(&poolTrained[next++ % poolTrained.size()]);
        for (auto* t : nets) {
            t->optimizer->zero_grad();
            const auto logits = t->net->forward(batch.images(t->candidate.data, channelsLast));
            torch::nn::functional::cross_entropy(logits, labels, smoothing).backward();
            t->optimizer->step();
            if (step >= o.warmup)
                macs += t->macs;
        }
    }
    const auto steps = static_cast<double>(o.steps);
    return {secondsSince(start) / steps, macs / steps};
}

// The three trainings of the bench in one memory format of the batches.
struct Figures {
    std::string format;
    double sandwich = 0;     // s per sandwich step
    PlainTiming largest;     // the largest subnet alone
    PlainTiming alone;       // the same kinds of subnets, each alone
    double sandwichMacs = 0; // per image, the sandwich step's subnets together (expected)
};

Figures measure(BenchTask& task, const Options& o, bool channelsLast, std::ostream& err) {
    const auto& space = task.supernet->space();
    const int classes = task.supernet->classes();
    Figures f;
    f.format = channelsLast ? "channels-last" : "NCHW";
    // The profile is of the current settings (channels-last).
    const std::string profilePath = channelsLast ? o.profile : std::string();
    // The sandwich step: largest + smallest + random subnets, as the trainer samples.
    TrainOptions t;
    t.maxSteps = o.warmup + o.steps;
    t.batchSize = o.batchSize;
    t.randomSubnets = o.randomSubnets;
    t.trainSubset = o.trainSubset;
    t.checkpointSeconds = 1e9;
    t.seed = 1;
    t.channelsLast = channelsLast;
    err << f.format << ": sandwich, " << t.maxSteps << " steps\n";
    StepClock clock(o.warmup);
    {
        const Profile profile(profilePath);
        SupernetTrainer(task.supernet, task.dataset, *task.cache, t).run(clock);
    }
    f.sandwich = clock.seconds / static_cast<double>(clock.steps);

    const auto largest = space.largest();
    const int side = *std::max_element(space.resolutions.begin(), space.resolutions.end());
    const auto indices = o.trainSubset > 0 ? task.dataset->subset(Split::Train, o.trainSubset, 1)
                                           : task.dataset->indices(Split::Train);
    const auto sources = task.cache->sources(side, indices);
    err << f.format << ": " << o.warmup + o.steps << " steps of the largest subnet\n";
    f.largest = plainSteps(space, {largest}, {}, 0, classes, sources, o, channelsLast);
    // The same kinds of subnets as the sandwich step, each trained alone as a static network:
    // what those networks cost without the supernet's slicing, shared weights and
    // distillation (smaller networks reach fewer MAC/s by themselves).
    Rng rng(7);
    std::vector<Candidate> pool;
    for (int i = 0; i < 8; ++i)
        pool.push_back(space.sample(rng));
    err << f.format << ": " << o.warmup + o.steps << " steps of the largest, the smallest and "
        << o.randomSubnets << " of " << pool.size() << " random subnets, each alone\n";
    {
        const Profile profile(profilePath.empty() ? "" : profilePath + ".alone.json");
        f.alone = plainSteps(space, {largest, space.smallest()}, pool, o.randomSubnets, classes,
                             sources, o, channelsLast);
    }
    // MACs per sandwich step: the largest, the smallest and the random subnets' expected MACs
    // (1,000 draws of the trainer's sampler).
    double randomMacs = 0;
    for (int i = 0; i < 1000; ++i)
        randomMacs += networkMacs(space, space.sample(rng), classes) / 1000;
    f.sandwichMacs = f.largest.stepMacs + networkMacs(space, space.smallest(), classes) +
                     o.randomSubnets * randomMacs;
    return f;
}

} // namespace

Command addBenchTrainCommand(CLI::App& bench) {
    auto o = std::make_shared<Options>();
    auto* app = bench.add_subcommand(
        "train", "Supernet training: the sandwich step against plain training of the largest "
                 "subnet alone, per subnet image and per multiply-accumulate");
    app->add_option("--dataset", o->dataset, "Dataset")->capture_default_str();
    app->add_option("--space", o->space, "Space")->capture_default_str();
    app->add_option("--steps", o->steps, "Timed steps of each")
        ->capture_default_str()
        ->check(CLI::Range(1LL, 100000LL));
    app->add_option("--batch-size", o->batchSize, "Images per batch")
        ->capture_default_str()
        ->check(CLI::Range(1, 4096));
    app->add_option("--random-subnets", o->randomSubnets, "Random subnets per sandwich step")
        ->capture_default_str()
        ->check(CLI::Range(0, 16));
    app->add_option("--train-subset", o->trainSubset, "Training images (0: all)")
        ->capture_default_str();
    app->add_option("--profile", o->profile,
                    "Write LibTorch's operator profile of the sandwich steps to this file and of "
                    "the same subnets trained alone to FILE.alone.json (Chrome "
                    "trace JSON: chrome://tracing, Perfetto)");
    app->add_flag("--json", o->json, "Print the figures as JSON");
    return {
        app, [o](std::ostream& out, std::ostream& err) {
            auto task = loadBenchTask(o->dataset, "", o->space);
            // Before (NCHW batches, as trained until channels-last was measured) and now.
            const std::vector<Figures> all = {measure(task, *o, false, err),
                                              measure(task, *o, true, err)};
            const int subnets = 2 + o->randomSubnets;
            const double images = static_cast<double>(o->batchSize);
            const auto perImage = [&](const Figures& f) {
                return (f.sandwich / subnets) / f.largest.stepSeconds;
            };
            const auto perMac = [&](const Figures& f, const PlainTiming& plain) {
                return (f.sandwich / f.sandwichMacs) / (plain.stepSeconds / plain.stepMacs);
            };
            const auto& space = task.supernet->space();
            if (o->json) {
                nlohmann::json formats = nlohmann::json::array();
                for (const auto& f : all)
                    formats.push_back(
                        {{"format", f.format},
                         {"sandwich_step_seconds", f.sandwich},
                         {"sandwich_subnet_images_per_second", subnets * images / f.sandwich},
                         {"sandwich_step_macs_per_image", f.sandwichMacs},
                         {"plain_step_seconds", f.largest.stepSeconds},
                         {"plain_images_per_second", images / f.largest.stepSeconds},
                         {"largest_macs", f.largest.stepMacs},
                         {"alone_step_seconds", f.alone.stepSeconds},
                         {"alone_step_macs_per_image", f.alone.stepMacs},
                         {"overhead_per_subnet_image", perImage(f)},
                         {"overhead_per_mac", perMac(f, f.largest)},
                         {"overhead_per_mac_same_subnets", perMac(f, f.alone)}});
                out << nlohmann::
                           json{{"space", space.name},
                                {"dataset", task.dataset->name},
                                {"batch_size", o->batchSize},
                                {"subnets_per_step", subnets},
                                {"timed_steps", o->steps},
                                {"threads", torch::get_num_threads()},
                                {"formats", formats},
                                {"sandwich_speedup_channels_last", all[0].sandwich / all[1].sandwich}}
                               .dump(2)
                    << '\n';
                return 0;
            }
            TextTable table;
            for (const char* h :
                 {"format", "training", "s/step", "subnet images/s", "MMAC/image/step", "GMAC/s"})
                table.addColumn(h, TextTable::Align::Right);
            for (const auto& f : all) {
                auto row = [&](const std::string& name, double seconds, int nets, double macs) {
                    table.addRow({f.format, name, fixed(seconds, 3),
                                  fixed(nets * images / seconds, 0), fixed(macs / 1e6, 1),
                                  fixed(3 * macs * images / seconds / 1e9, 2)});
                };
                row("sandwich (" + std::to_string(subnets) + " subnets)", f.sandwich, subnets,
                    f.sandwichMacs);
                row("plain, largest subnet", f.largest.stepSeconds, 1, f.largest.stepMacs);
                row("plain, " + std::to_string(subnets) + " such subnets alone",
                    f.alone.stepSeconds, subnets, f.alone.stepMacs);
            }
            out << "space " << space.name << ", dataset " << task.dataset->name << ", batch "
                << o->batchSize << ", " << o->steps << " timed steps after " << o->warmup << ", "
                << torch::get_num_threads() << " threads\n";
            table.print(out);
            for (const auto& f : all)
                out << f.format << ": the sandwich step costs " << fixed(perImage(f), 2)
                    << "x per subnet image and " << fixed(perMac(f, f.largest), 2)
                    << "x per multiply-accumulate of the largest subnet alone, "
                    << fixed(perMac(f, f.alone), 2) << "x of the same kinds of subnets alone\n";
            out << "channels-last sandwich step: " << fixed(all[0].sandwich / all[1].sandwich, 2)
                << "x faster than NCHW\n"
                   "GMAC/s counts forward + backward as 3x the forward MACs\n";
            return 0;
        }};
}

} // namespace dnas::cli
