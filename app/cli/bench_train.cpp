#include "cli/bench_train.h"

#include <algorithm>
#include <numeric>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include "cli/bench_support.h"
#include "cli/text_table.h"
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

// Plain LibTorch training of one static network on the same augmented batches: SGD with
// Nesterov momentum, label-smoothed cross-entropy. Seconds per step after `warmup` steps.
double plainStepSeconds(const SearchSpace& space, const Candidate& c, int classes,
                        const std::shared_ptr<const ImageSet>& sources, const Options& o) {
    torch::manual_seed(1);
    StaticNet net(space.decode(c, classes));
    net->train();
    torch::optim::SGD optimizer(
        net->parameters(),
        torch::optim::SGDOptions(0.05).momentum(0.9).nesterov(true).weight_decay(4e-5));
    AugmentedBatch batch(sources);
    Rng rng(1);
    std::vector<std::size_t> rows(static_cast<std::size_t>(o.batchSize));
    BenchClock::time_point start;
    for (long long step = 0; step < o.warmup + o.steps; ++step) {
        if (step == o.warmup)
            start = BenchClock::now();
        for (auto& r : rows)
            r = rng.below(sources->rows());
        batch.prepare(rows, rng);
        optimizer.zero_grad();
        const auto loss = torch::nn::functional::cross_entropy(
            net->forward(batch.images(c.data)), batch.labels(),
            torch::nn::functional::CrossEntropyFuncOptions().label_smoothing(0.1));
        loss.backward();
        optimizer.step();
    }
    return secondsSince(start) / static_cast<double>(o.steps);
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
    app->add_flag("--json", o->json, "Print the figures as JSON");
    return {
        app, [o](std::ostream& out, std::ostream& err) {
            auto task = loadBenchTask(o->dataset, "", o->space);
            const auto& space = task.supernet->space();
            const int classes = task.supernet->classes();
            // The sandwich step: largest + smallest + random subnets, as the trainer samples.
            TrainOptions t;
            t.maxSteps = o->warmup + o->steps;
            t.batchSize = o->batchSize;
            t.randomSubnets = o->randomSubnets;
            t.trainSubset = o->trainSubset;
            t.checkpointSeconds = 1e9;
            t.seed = 1;
            err << "sandwich: " << t.maxSteps << " steps\n";
            StepClock clock(o->warmup);
            SupernetTrainer(task.supernet, task.dataset, *task.cache, t).run(clock);
            const double sandwich = clock.seconds / static_cast<double>(clock.steps);

            const auto largest = space.largest();
            const int side = *std::max_element(space.resolutions.begin(), space.resolutions.end());
            const auto indices = o->trainSubset > 0
                                     ? task.dataset->subset(Split::Train, o->trainSubset, 1)
                                     : task.dataset->indices(Split::Train);
            err << "plain: " << o->warmup + o->steps << " steps of the largest subnet\n";
            const double plain =
                plainStepSeconds(space, largest, classes, task.cache->sources(side, indices), *o);

            // MACs per sandwich step: the largest, the smallest and the random subnets'
            // expected MACs (1,000 draws of the trainer's sampler).
            const double largestMacs = networkMacs(space, largest, classes);
            Rng rng(7);
            double randomMacs = 0;
            for (int i = 0; i < 1000; ++i)
                randomMacs += networkMacs(space, space.sample(rng), classes) / 1000;
            const double stepMacs = largestMacs + networkMacs(space, space.smallest(), classes) +
                                    o->randomSubnets * randomMacs;
            const int subnets = 2 + o->randomSubnets;
            const double images = static_cast<double>(o->batchSize);
            const double perImage = (sandwich / subnets) / plain;
            const double perMac = (sandwich / stepMacs) / (plain / largestMacs);
            if (o->json) {
                out << nlohmann::json{{"space", space.name},
                                      {"dataset", task.dataset->name},
                                      {"batch_size", o->batchSize},
                                      {"subnets_per_step", subnets},
                                      {"timed_steps", o->steps},
                                      {"sandwich_step_seconds", sandwich},
                                      {"sandwich_subnet_images_per_second",
                                       subnets * images / sandwich},
                                      {"plain_step_seconds", plain},
                                      {"plain_images_per_second", images / plain},
                                      {"largest_macs", largestMacs},
                                      {"sandwich_step_macs_per_image", stepMacs},
                                      {"overhead_per_subnet_image", perImage},
                                      {"overhead_per_mac", perMac}}
                           .dump(2)
                    << '\n';
                return 0;
            }
            TextTable table;
            for (const char* h :
                 {"training", "s/step", "subnet images/s", "MMAC/image/step", "GMAC/s"})
                table.addColumn(h, TextTable::Align::Right);
            table.addRow({"sandwich (" + std::to_string(subnets) + " subnets)", fixed(sandwich, 3),
                          fixed(subnets * images / sandwich, 0), fixed(stepMacs / 1e6, 1),
                          fixed(3 * stepMacs * images / sandwich / 1e9, 2)});
            table.addRow({"plain, largest subnet", fixed(plain, 3), fixed(images / plain, 0),
                          fixed(largestMacs / 1e6, 1),
                          fixed(3 * largestMacs * images / plain / 1e9, 2)});
            out << "space " << space.name << ", dataset " << task.dataset->name << ", batch "
                << o->batchSize << ", " << o->steps << " timed steps after " << o->warmup << ", "
                << torch::get_num_threads() << " threads\n";
            table.print(out);
            out << "overhead of the sandwich step: " << fixed(perImage, 2) << "x per subnet image, "
                << fixed(perMac, 2)
                << "x per multiply-accumulate (its subnets are smaller than the largest)\n"
                   "GMAC/s counts forward + backward as 3x the forward MACs\n";
            return 0;
        }};
}

} // namespace dnas::cli
