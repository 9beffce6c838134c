#include "train/supernet_trainer.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>
#include <optional>

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include "common/atomic_file.h"
#include "common/error.h"
#include "common/malloc_tuning.h"
#include "common/rng.h"
#include "data/dataset.h"
#include "data/image_cache.h"
#include "supernet/checkpoint.h"
#include "supernet/weights_fingerprint.h"
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

std::unique_ptr<torch::optim::Optimizer> makeOptimizer(const TrainOptions& o, SupernetImpl& net) {
    if (o.optimizer == "sgd")
        return std::make_unique<torch::optim::SGD>(net.parameters(),
                                                   torch::optim::SGDOptions(o.learningRate)
                                                       .momentum(0.9)
                                                       .nesterov(true)
                                                       .weight_decay(o.weightDecay));
    return std::make_unique<torch::optim::AdamW>(
        net.parameters(), torch::optim::AdamWOptions(o.learningRate).weight_decay(o.weightDecay));
}

// A little less than the bytes of a checkpoint of `net`: its weights and statistics, the
// optimiser's state per parameter (SGD's momentum, AdamW's two moments) and the archive's
// records (measured: a tiny supernet's checkpoint is 7 % larger).
std::uintmax_t checkpointBytes(SupernetImpl& net, const std::string& optimizer) {
    const std::uintmax_t slots = optimizer == "sgd" ? 1 : 2;
    std::uintmax_t bytes = 8 * 1024;
    for (const auto& p : net.parameters())
        bytes += p.nbytes() * (1 + slots) + 768;
    for (const auto& b : net.buffers())
        bytes += b.nbytes() + 768;
    return bytes;
}

// LibTorch 1.13's zero_grad() zeroes the gradients that exist instead of dropping them: once a
// step has used a parameter, it takes an optimiser step (momentum, weight decay) in every later
// step, also in those whose subnets do not use it, while a parameter no step has used yet is
// left alone. Which parameters have a gradient is not in a checkpoint, but they are exactly the
// ones the optimiser holds state for (made at a parameter's first step with a gradient): a
// resumed run gives those a zero gradient, or it would freeze them until a subnet uses them.
void restoreGradients(torch::optim::Optimizer& optimizer) {
    for (auto& group : optimizer.param_groups())
        for (auto& p : group.params())
            if (!p.grad().defined() &&
                optimizer.state().count(c10::guts::to_string(p.unsafeGetTensorImpl())) > 0)
                p.mutable_grad() = torch::zeros_like(p);
}

// A resumed run continues the same run only with the options it was trained with; the step
// limit (epochs, max_steps) is the one option a resume may change.
void checkResumeOptions(const nlohmann::json& saved, const nlohmann::json& given,
                        const std::filesystem::path& checkpoint) {
    std::vector<InputProblem> problems;
    for (const auto& [key, value] : given.items()) {
        if (key == "epochs" || key == "max_steps" || !saved.contains(key) || saved[key] == value)
            continue;
        std::string option = "--" + key;
        std::replace(option.begin(), option.end(), '_', '-');
        problems.push_back({checkpoint.string(), 0, option,
                            "the checkpoint was trained with " + saved[key].dump() + ", not " +
                                value.dump() + " (resume with the options it was started with)"});
    }
    if (!problems.empty())
        throw InputError(std::move(problems));
}

// One SupernetTrainer::run: the optimiser, the schedule and where training stands.
class TrainingRun {
public:
    TrainingRun(SupernetImpl& net, const Dataset& dataset, ImageCache& cache,
                const TrainOptions& options, TrainObserver& observer);
    TrainResult train(std::stop_token stop);

private:
    void restore(const LoadedSupernet& loaded);
    double trainStep(); // one sandwich step; the largest subnet's loss
    void report(double loss, double seconds);
    void save();

    SupernetImpl& net_;
    const TrainOptions& options_;
    TrainObserver& observer_;
    std::shared_ptr<const ImageSet> sources_;
    std::size_t batchSize_ = 0;
    long long stepsPerEpoch_ = 1;
    long long totalSteps_ = 0;
    long long step_ = 0;
    long long savedStep_ = -1;
    std::unique_ptr<torch::optim::Optimizer> optimizer_;
    CheckpointMeta meta_;
    std::vector<std::size_t> order_;
    int orderEpoch_ = -1;
    double rate_ = 0;
    double lossAverage_ = 0;
    double stepSeconds_ = 0;
};

TrainingRun::TrainingRun(SupernetImpl& net, const Dataset& dataset, ImageCache& cache,
                         const TrainOptions& options, TrainObserver& observer)
    : net_(net)
    , options_(options)
    , observer_(observer) {
    const auto& space = net_.space();
    torch::manual_seed(static_cast<std::int64_t>(options_.seed));
    // Before the long parts (decoding, training): a checkpoint that cannot be written, or one
    // that cannot be resumed, is refused now rather than after the first checkpoint interval.
    if (!options_.checkpoint.empty())
        checkWritable(options_.checkpoint, checkpointBytes(net_, options_.optimizer), "checkpoint");
    std::optional<LoadedSupernet> loaded;
    if (options_.resume) {
        loaded = loadCheckpoint(options_.checkpoint);
        checkCheckpointMatches(loaded->meta, options_.checkpoint, space, dataset);
        checkResumeOptions(loaded->meta.training, options_.toJson(), options_.checkpoint);
    }

    const auto trainIndices =
        options_.trainSubset > 0 ? dataset.subset(Split::Train, options_.trainSubset, options_.seed)
                                 : dataset.indices(Split::Train);
    const int side = *std::max_element(space.resolutions.begin(), space.resolutions.end());
    observer_.onLog("decoding " + std::to_string(trainIndices.size()) + " training images at " +
                    std::to_string(side) + " px");
    sources_ = cache.sources(side, trainIndices);
    if (sources_->rows() == 0)
        throw InputError("--dataset", "no decodable training image");
    batchSize_ =
        std::min<std::size_t>(static_cast<std::size_t>(options_.batchSize), sources_->rows());
    stepsPerEpoch_ = std::max<long long>(1, static_cast<long long>(sources_->rows() / batchSize_));
    totalSteps_ = options_.epochs > 0 ? options_.epochs * stepsPerEpoch_ : options_.maxSteps;
    if (options_.maxSteps > 0)
        totalSteps_ = std::min(totalSteps_, options_.maxSteps);
    order_.resize(sources_->rows());

    optimizer_ = makeOptimizer(options_, net_);
    meta_.space = space.toJson();
    meta_.classes = net_.classes();
    meta_.datasetName = dataset.name;
    meta_.datasetFingerprint = dataset.fingerprint;
    meta_.totalSteps = totalSteps_;
    meta_.seed = options_.seed;
    meta_.training = options_.toJson();
    if (loaded)
        restore(*loaded);
    else
        net_.initialize(options_.seed);
}

void TrainingRun::restore(const LoadedSupernet& loaded) {
    {
        torch::NoGradGuard noGrad;
        auto params = net_.named_parameters();
        for (const auto& p : loaded.supernet->named_parameters())
            params[p.key()].copy_(p.value());
        auto buffers = net_.named_buffers();
        for (const auto& b : loaded.supernet->named_buffers())
            buffers[b.key()].copy_(b.value());
    }
    loadOptimizerState(options_.checkpoint, *optimizer_);
    restoreGradients(*optimizer_);
    step_ = loaded.meta.step;
    // A new step limit is honoured: the cosine schedule then decays to zero at the new limit
    // (from the learning rate it gives at this step), which also extends a finished run.
    if (totalSteps_ < step_) {
        const bool bySteps = options_.maxSteps > 0 && options_.maxSteps == totalSteps_;
        throw InputError(bySteps ? "--max-steps" : "--epochs",
                         options_.checkpoint.string() + " is at step " + std::to_string(step_) +
                             " already, past this limit of " + std::to_string(totalSteps_) +
                             " steps (give a larger one to train further)");
    }
    observer_.onLog(
        "resuming from step " + std::to_string(step_) + " of " + std::to_string(totalSteps_) +
        (totalSteps_ != loaded.meta.totalSteps
             ? " (the checkpoint's run planned " + std::to_string(loaded.meta.totalSteps) + ")"
             : std::string()));
}

TrainResult TrainingRun::train(std::stop_token stop) {
    const auto started = Clock::now();
    net_.train();
    auto lastCheckpoint = Clock::now();
    TrainResult result;
    while (step_ < totalSteps_) {
        if (stop.stop_requested()) {
            result.stopped = true;
            break;
        }
        const auto stepStart = Clock::now();
        const double loss = trainStep();
        report(loss, std::chrono::duration<double>(Clock::now() - stepStart).count());
        if (std::chrono::duration<double>(Clock::now() - lastCheckpoint).count() >=
            options_.checkpointSeconds) {
            save();
            lastCheckpoint = Clock::now();
        }
    }
    save();
    net_.eval();
    result.steps = step_;
    result.finalLoss = lossAverage_;
    result.seconds = std::chrono::duration<double>(Clock::now() - started).count();
    return result;
}

double TrainingRun::trainStep() {
    const auto& space = net_.space();
    const int epoch = static_cast<int>(step_ / stepsPerEpoch_);
    if (epoch != orderEpoch_) { // a fresh shuffle per epoch, a function of seed and epoch
        std::iota(order_.begin(), order_.end(), std::size_t{0});
        Rng shuffle(mix(options_.seed, 0xE0C0ULL + static_cast<std::uint64_t>(epoch)));
        for (std::size_t k = order_.size(); k > 1; --k)
            std::swap(order_[k - 1], order_[shuffle.below(k)]);
        orderEpoch_ = epoch;
    }
    const auto first =
        static_cast<std::ptrdiff_t>(static_cast<std::size_t>(step_ % stepsPerEpoch_) * batchSize_);
    const std::vector<std::size_t> rows(
        order_.begin() + first, order_.begin() + first + static_cast<std::ptrdiff_t>(batchSize_));
    Rng rng(mix(options_.seed, static_cast<std::uint64_t>(step_)));
    AugmentedBatch batch(sources_);
    batch.prepare(rows, rng);
    const auto labels = batch.labels();
    std::vector<Candidate> subnets = {space.largest(), space.smallest()};
    for (int r = 0; r < options_.randomSubnets; ++r)
        subnets.push_back(space.sample(rng));

    rate_ = warmupCosineRate(options_.learningRate, step_, options_.warmupSteps, totalSteps_);
    setLearningRate(*optimizer_, rate_);
    optimizer_->zero_grad();
    const auto smoothing =
        torch::nn::functional::CrossEntropyFuncOptions().label_smoothing(options_.labelSmoothing);
    torch::Tensor teacher;
    double largestLoss = 0;
    for (std::size_t k = 0; k < subnets.size(); ++k) {
        const auto logits =
            net_.forward(batch.images(subnets[k].data, options_.channelsLast), subnets[k]);
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
    torch::nn::utils::clip_grad_norm_(net_.parameters(), 5.0);
    optimizer_->step();
    ++step_;
    if (!std::isfinite(largestLoss))
        throw InputError("--learning-rate", "training diverged (the loss is not finite) at step " +
                                                std::to_string(step_) + "; lower it");
    return largestLoss;
}

void TrainingRun::report(double loss, double seconds) {
    lossAverage_ = step_ == 1 || lossAverage_ == 0 ? loss : 0.95 * lossAverage_ + 0.05 * loss;
    stepSeconds_ = stepSeconds_ == 0 ? seconds : 0.9 * stepSeconds_ + 0.1 * seconds;
    const auto subnets = static_cast<std::size_t>(2 + options_.randomSubnets);
    TrainProgress progress;
    progress.step = step_;
    progress.totalSteps = totalSteps_;
    progress.epoch = static_cast<int>((step_ - 1) / stepsPerEpoch_);
    progress.loss = lossAverage_;
    progress.learningRate = rate_;
    progress.imagesPerSecond = static_cast<double>(batchSize_ * subnets) / stepSeconds_;
    progress.etaSeconds = stepSeconds_ * static_cast<double>(totalSteps_ - step_);
    observer_.onProgress(progress);
}

void TrainingRun::save() {
    if (options_.checkpoint.empty() || savedStep_ == step_)
        return;
    // Weights that are no longer finite would replace a good checkpoint with a useless one.
    if (const auto name = firstNonFiniteTensor(net_); !name.empty())
        throw InputError("--learning-rate", "training diverged (" + name +
                                                " is no longer finite) by step " +
                                                std::to_string(step_) + "; lower it");
    meta_.step = step_;
    saveCheckpoint(options_.checkpoint, net_, meta_, optimizer_.get());
    savedStep_ = step_;
    observer_.onCheckpoint(step_);
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
    auto& o = options_;
    if (o.epochs < 0 || o.maxSteps < 0 || (o.epochs == 0 && o.maxSteps == 0))
        throw InputError("--epochs", "give --epochs or --max-steps (a positive number)");
    if (o.batchSize <= 0)
        throw InputError("--batch-size", "must be positive");
    if (o.optimizer != "sgd" && o.optimizer != "adamw")
        throw InputError("--optimizer",
                         "unknown optimiser '" + o.optimizer + "' (use sgd or adamw)");
    // Written so that NaN fails each test.
    if (!(o.learningRate >= 0 && std::isfinite(o.learningRate)))
        throw InputError("--learning-rate", "must be a positive number");
    if (!std::isfinite(o.weightDecay))
        throw InputError("--weight-decay", "must be a finite number");
    if (!(o.labelSmoothing >= 0 && o.labelSmoothing < 1))
        throw InputError("--label-smoothing", "must be at least 0 and below 1");
    if (o.warmupSteps < 0)
        throw InputError("--warmup-steps", "must not be negative");
    if (o.randomSubnets < 0)
        throw InputError("--random-subnets", "must not be negative");
    if (!(o.checkpointSeconds >= 0))
        throw InputError("--checkpoint-seconds", "must not be negative");
    const bool sgd = o.optimizer == "sgd";
    if (o.learningRate == 0)
        o.learningRate = sgd ? 0.1 : 0.002;
    if (o.weightDecay < 0)
        o.weightDecay = sgd ? 4e-5 : 0.05;
}

TrainResult SupernetTrainer::run(TrainObserver& observer, std::stop_token stop) {
    try {
        const FreeMemoryAtEnd freeMemory;
        TrainingRun run(*supernet_, *dataset_, cache_, options_, observer);
        return run.train(stop);
    } catch (const c10::Error& e) {
        // Not the user's doing: one line without LibTorch's stack trace.
        throw std::runtime_error(std::string("LibTorch: ") + e.what_without_backtrace());
    }
}

} // namespace dnas
