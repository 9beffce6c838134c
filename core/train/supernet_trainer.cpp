#include "train/supernet_trainer.h"

#include <chrono>
#include <cmath>
#include <numeric>

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include "common/error.h"
#include "common/rng.h"
#include "data/dataset.h"
#include "data/image_cache.h"
#include "supernet/checkpoint.h"
#include "train/augmented_batch.h"
#include "train/learning_rate.h"

namespace dnas {
namespace {

using Clock = std::chrono::steady_clock;

std::uint64_t mix(std::uint64_t a, std::uint64_t b) {
    std::uint64_t z = a * 0x9E3779B97F4A7C15ULL + b + 0x632BE59BD9B4E019ULL;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    return z ^ (z >> 31);
}

} // namespace

nlohmann::json TrainOptions::toJson() const {
    return {{"epochs", epochs},
            {"max_steps", maxSteps},
            {"batch_size", batchSize},
            {"optimizer", optimizer},
            {"learning_rate", learningRate},
            {"weight_decay", weightDecay},
            {"warmup_steps", warmupSteps},
            {"label_smoothing", labelSmoothing},
            {"random_subnets", randomSubnets},
            {"distill", distill},
            {"train_subset", trainSubset},
            {"seed", seed}};
}

SupernetTrainer::SupernetTrainer(Supernet supernet, std::shared_ptr<const Dataset> dataset,
                                 ImageCache& cache, TrainOptions options)
    : supernet_(std::move(supernet))
    , dataset_(std::move(dataset))
    , cache_(cache)
    , options_(std::move(options)) {
    if (options_.epochs <= 0 && options_.maxSteps <= 0)
        throw InputError("--epochs", "give --epochs or --max-steps (a positive number)");
    if (options_.batchSize <= 0)
        throw InputError("--batch-size", "must be positive");
    if (options_.optimizer != "sgd" && options_.optimizer != "adamw")
        throw InputError("--optimizer",
                         "unknown optimiser '" + options_.optimizer + "' (use sgd or adamw)");
    const bool sgd = options_.optimizer == "sgd";
    if (options_.learningRate <= 0)
        options_.learningRate = sgd ? 0.1 : 0.002;
    if (options_.weightDecay < 0)
        options_.weightDecay = sgd ? 4e-5 : 0.05;
}

TrainResult SupernetTrainer::run(TrainObserver& observer, std::stop_token stop) {
    const auto started = Clock::now();
    const auto& space = supernet_->space();
    torch::manual_seed(static_cast<std::int64_t>(options_.seed));

    const auto trainIndices =
        options_.trainSubset > 0
            ? dataset_->subset(Split::Train, options_.trainSubset, options_.seed)
            : dataset_->indices(Split::Train);
    const int side = *std::max_element(space.resolutions.begin(), space.resolutions.end());
    observer.onLog("decoding " + std::to_string(trainIndices.size()) + " training images at " +
                   std::to_string(side) + " px");
    const auto sources = cache_.sources(side, trainIndices);
    if (sources->rows() == 0)
        throw InputError("--dataset", "no decodable training image");
    const auto batchSize =
        std::min<std::size_t>(static_cast<std::size_t>(options_.batchSize), sources->rows());
    const long long stepsPerEpoch =
        std::max<long long>(1, static_cast<long long>(sources->rows() / batchSize));
    long long totalSteps =
        options_.epochs > 0 ? options_.epochs * stepsPerEpoch : options_.maxSteps;
    if (options_.maxSteps > 0)
        totalSteps = std::min(totalSteps, options_.maxSteps);

    std::unique_ptr<torch::optim::Optimizer> optimizer;
    if (options_.optimizer == "sgd")
        optimizer = std::make_unique<torch::optim::SGD>(
            supernet_->parameters(), torch::optim::SGDOptions(options_.learningRate)
                                         .momentum(0.9)
                                         .nesterov(true)
                                         .weight_decay(options_.weightDecay));
    else
        optimizer = std::make_unique<torch::optim::AdamW>(
            supernet_->parameters(),
            torch::optim::AdamWOptions(options_.learningRate).weight_decay(options_.weightDecay));

    CheckpointMeta meta;
    meta.space = space.toJson();
    meta.classes = supernet_->classes();
    meta.datasetName = dataset_->name;
    meta.datasetFingerprint = dataset_->fingerprint;
    meta.totalSteps = totalSteps;
    meta.seed = options_.seed;
    meta.training = options_.toJson();

    long long step = 0;
    if (!options_.resume)
        supernet_->initialize(options_.seed);
    if (options_.resume) {
        auto loaded = loadCheckpoint(options_.checkpoint);
        checkCheckpointMatches(loaded.meta, options_.checkpoint, space, *dataset_);
        torch::NoGradGuard noGrad;
        auto target = supernet_->named_parameters();
        for (const auto& p : loaded.supernet->named_parameters())
            target[p.key()].copy_(p.value());
        auto buffers = supernet_->named_buffers();
        for (const auto& b : loaded.supernet->named_buffers())
            buffers[b.key()].copy_(b.value());
        loadOptimizerState(options_.checkpoint, *optimizer);
        step = loaded.meta.step;
        totalSteps = loaded.meta.totalSteps; // keep the schedule of the interrupted run
        meta.totalSteps = totalSteps;
        observer.onLog("resuming from step " + std::to_string(step) + " of " +
                       std::to_string(totalSteps));
    }

    auto save = [&] {
        if (options_.checkpoint.empty())
            return;
        meta.step = step;
        saveCheckpoint(options_.checkpoint, *supernet_, meta, optimizer.get());
    };

    supernet_->train();
    AugmentedBatch batch(sources);
    std::vector<std::size_t> order(sources->rows());
    int orderEpoch = -1;
    double lossAverage = 0;
    double stepSeconds = 0;
    auto lastCheckpoint = Clock::now();
    const auto smoothing =
        torch::nn::functional::CrossEntropyFuncOptions().label_smoothing(options_.labelSmoothing);
    TrainResult result;
    while (step < totalSteps) {
        if (stop.stop_requested()) {
            result.stopped = true;
            break;
        }
        const auto stepStart = Clock::now();
        const int epoch = static_cast<int>(step / stepsPerEpoch);
        if (epoch != orderEpoch) { // a fresh shuffle per epoch, a function of seed and epoch
            std::iota(order.begin(), order.end(), std::size_t{0});
            Rng shuffle(mix(options_.seed, 0xE0C0ULL + static_cast<std::uint64_t>(epoch)));
            for (std::size_t k = order.size(); k > 1; --k)
                std::swap(order[k - 1], order[shuffle.below(k)]);
            orderEpoch = epoch;
        }
        const auto first = static_cast<std::size_t>(step % stepsPerEpoch) * batchSize;
        const std::vector<std::size_t> rows(order.begin() + static_cast<std::ptrdiff_t>(first),
                                            order.begin() +
                                                static_cast<std::ptrdiff_t>(first + batchSize));
        Rng rng(mix(options_.seed, static_cast<std::uint64_t>(step)));
        batch.prepare(rows, rng);
        const auto labels = batch.labels();

        std::vector<Candidate> subnets = {space.largest(), space.smallest()};
        for (int r = 0; r < options_.randomSubnets; ++r)
            subnets.push_back(space.sample(rng));

        const double rate =
            warmupCosineRate(options_.learningRate, step, options_.warmupSteps, totalSteps);
        setLearningRate(*optimizer, rate);
        optimizer->zero_grad();
        torch::Tensor teacher;
        double largestLoss = 0;
        for (std::size_t k = 0; k < subnets.size(); ++k) {
            const auto logits = supernet_->forward(batch.images(subnets[k].data), subnets[k]);
            torch::Tensor loss;
            if (k == 0 || !options_.distill) {
                loss = torch::nn::functional::cross_entropy(logits, labels, smoothing);
                if (k == 0) {
                    teacher = torch::softmax(logits.detach(), 1);
                    largestLoss = loss.item<double>();
                }
            } else {
                loss = -(teacher * torch::log_softmax(logits, 1)).sum(1).mean();
            }
            loss.backward();
        }
        torch::nn::utils::clip_grad_norm_(supernet_->parameters(), 5.0);
        optimizer->step();
        ++step;

        if (!std::isfinite(largestLoss))
            throw std::runtime_error("training diverged (loss is not finite) at step " +
                                     std::to_string(step) + "; lower --learning-rate");
        lossAverage =
            step == 1 || lossAverage == 0 ? largestLoss : 0.95 * lossAverage + 0.05 * largestLoss;
        const double seconds = std::chrono::duration<double>(Clock::now() - stepStart).count();
        stepSeconds = stepSeconds == 0 ? seconds : 0.9 * stepSeconds + 0.1 * seconds;
        TrainProgress progress;
        progress.step = step;
        progress.totalSteps = totalSteps;
        progress.epoch = epoch;
        progress.loss = lossAverage;
        progress.learningRate = rate;
        progress.imagesPerSecond = static_cast<double>(batchSize * subnets.size()) / stepSeconds;
        progress.etaSeconds = stepSeconds * static_cast<double>(totalSteps - step);
        observer.onProgress(progress);
        if (std::chrono::duration<double>(Clock::now() - lastCheckpoint).count() >=
            options_.checkpointSeconds) {
            save();
            lastCheckpoint = Clock::now();
        }
    }
    save();
    supernet_->eval();
    result.steps = step;
    result.finalLoss = lossAverage;
    result.seconds = std::chrono::duration<double>(Clock::now() - started).count();
    return result;
}

} // namespace dnas
