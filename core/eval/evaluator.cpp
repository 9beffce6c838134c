#include "eval/evaluator.h"

#include <chrono>
#include <numeric>
#include <optional>

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include "common/rng.h"
#include "data/dataset.h"
#include "data/image_cache.h"
#include "data/tensor_batch.h"
#include "eval/racing.h"
#include "train/augmented_batch.h"
#include "train/learning_rate.h"

namespace dnas {

std::string_view toString(EvaluatorKind kind) {
    switch (kind) {
    case EvaluatorKind::BatchNorm:
        return "bn";
    case EvaluatorKind::Finetune:
        return "finetune";
    case EvaluatorKind::Scratch:
        return "scratch";
    }
    return "?";
}

std::optional<EvaluatorKind> parseEvaluatorKind(std::string_view text) {
    if (text == "bn")
        return EvaluatorKind::BatchNorm;
    if (text == "finetune")
        return EvaluatorKind::Finetune;
    if (text == "scratch")
        return EvaluatorKind::Scratch;
    return std::nullopt;
}

void to_json(nlohmann::json& j, const Metrics& m) {
    j = {{"accuracy", m.accuracy},
         {"per_class_accuracy", m.perClassAccuracy},
         {"samples", m.samples}};
    if (m.stoppedEarly) {
        j["stopped_early"] = true;
        j["accuracy_upper_bound"] = m.accuracyBound;
    }
    if (m.perClassAccuracy.size() == 2) {
        j["precision"] = m.precision;
        j["recall"] = m.recall;
        j["f1"] = m.f1;
    }
    if (!m.perFlag.empty()) {
        auto& flags = j["per_flag_accuracy"] = nlohmann::json::array();
        for (const auto& f : m.perFlag)
            flags.push_back({{"flag", f.flag}, {"accuracy", f.accuracy}, {"samples", f.samples}});
    }
}

namespace {

// Index of the first highest score of each row (argmax's choice among equal scores is not
// specified; int8 outputs tie often).
torch::Tensor firstArgmax(const torch::Tensor& scores) {
    const auto s = scores.to(torch::kFloat64).contiguous();
    const auto rows = s.size(0);
    const auto cols = s.size(1);
    auto out = torch::empty({rows}, torch::kInt64);
    const auto* v = s.data_ptr<double>();
    auto* o = out.data_ptr<std::int64_t>();
    for (std::int64_t r = 0; r < rows; ++r) {
        std::int64_t best = 0;
        for (std::int64_t c = 1; c < cols; ++c)
            if (v[r * cols + c] > v[r * cols + best])
                best = c;
        o[r] = best;
    }
    return out;
}

using Clock = std::chrono::steady_clock;

// Seconds since `t`; moves `t` to now.
double lap(Clock::time_point& t) {
    const auto now = Clock::now();
    const double s = std::chrono::duration<double>(now - t).count();
    t = now;
    return s;
}

// Scoring without autograd: InferenceMode (no version counters or views bookkeeping) or
// the older NoGradGuard (what `dnas bench eval` compares it with).
class NoAutograd {
public:
    explicit NoAutograd(bool inferenceMode) {
        if (inferenceMode)
            inference_.emplace();
        else
            noGrad_.emplace();
    }

private:
    std::optional<c10::InferenceMode> inference_;
    std::optional<torch::NoGradGuard> noGrad_;
};

} // namespace

void toChannelsLast(StaticNetImpl& net) {
    torch::NoGradGuard noGrad;
    for (auto& p : net.parameters())
        if (p.dim() == 4)
            p.set_data(p.contiguous(torch::MemoryFormat::ChannelsLast));
}

Evaluator::Evaluator(Supernet supernet, std::shared_ptr<const Dataset> dataset, ImageCache& cache,
                     EvalOptions options)
    : supernet_(std::move(supernet))
    , dataset_(std::move(dataset))
    , cache_(cache)
    , options_(options) {
    validationIndices_ = options_.valSubset > 0
                             ? dataset_->subset(options_.split, options_.valSubset, options_.seed)
                             : dataset_->indices(options_.split);
    const auto train = dataset_->indices(Split::Train);
    calibrationIndices_ = dataset_->subset(
        Split::Train, std::min(options_.calibrationImages, train.size()), options_.seed + 1);
    trainIndices_ = options_.trainSubset > 0
                        ? dataset_->subset(Split::Train, options_.trainSubset, options_.seed + 2)
                        : train;
}

void Evaluator::recalibrateBatchNorm(StaticNetImpl& net, const DataConfig& config) {
    // Fresh statistics, averaged over all calibration batches (momentum off).
    for (auto& module : net.modules(/*include_self=*/false)) {
        if (auto* bn = dynamic_cast<torch::nn::BatchNorm2dImpl*>(module.get())) {
            bn->reset_running_stats();
            bn->options.momentum(c10::nullopt);
        }
    }
    auto t = Clock::now();
    const auto set = cache_.get(config, calibrationIndices_);
    times_.images += lap(t);
    net.train();
    NoAutograd noAutograd(options_.inferenceMode);
    const auto batch = static_cast<std::size_t>(options_.batchSize);
    for (std::size_t b = 0; b < set->rows(); b += batch) {
        const auto x =
            imagesToTensor(*set, b, std::min(set->rows(), b + batch), options_.channelsLast);
        times_.tensors += lap(t);
        net.forward(x);
        times_.calibrate += lap(t);
    }
    times_.calibrationImages += set->rows();
    net.eval();
}

Metrics Evaluator::validate(StaticNetImpl& net, const DataConfig& config) {
    net.eval();
    return score([&net](const torch::Tensor& x) { return net.forward(x); }, config,
                 options_.channelsLast, -1);
}

Metrics Evaluator::validate(const Scorer& scores, const DataConfig& config) {
    return score(scores, config, false, -1);
}

Metrics Evaluator::score(const Scorer& scores, const DataConfig& config, bool channelsLast,
                         double mustBeat) {
    auto t = Clock::now();
    const auto set = cache_.get(config, validationIndices_);
    times_.images += lap(t);
    NoAutograd noAutograd(options_.inferenceMode);
    const std::size_t classes = dataset_->classes.size();
    std::vector<std::size_t> correct(classes, 0), total(classes, 0), predicted(classes, 0);
    const std::size_t flagCount = dataset_->flagNames.size();
    std::vector<std::size_t> flagCorrect(flagCount, 0), flagTotal(flagCount, 0);
    const auto batch = static_cast<std::size_t>(options_.batchSize);
    // Racing validates in a seeded random order, so that the images seen so far are a random
    // sample of the split; it looks after every batch (the confidence split over the looks).
    const bool racing = options_.racing && mustBeat >= 0;
    std::vector<std::size_t> order(set->rows());
    std::iota(order.begin(), order.end(), std::size_t{0});
    if (racing) {
        Rng rng(options_.seed ^ 0x7ACE5EEDULL);
        for (std::size_t i = order.size(); i > 1; --i)
            std::swap(order[i - 1], order[rng.below(i)]);
    }
    const double lookDelta =
        options_.racingDelta /
        static_cast<double>(std::max<std::size_t>(1, (set->rows() + batch - 1) / batch));
    Metrics m;
    std::size_t right = 0, seen = 0;
    for (std::size_t b = 0; b < order.size(); b += batch) {
        const auto end = std::min(order.size(), b + batch);
        const auto x = rowsToTensor(*set, order.data() + b, end - b, channelsLast);
        times_.tensors += lap(t);
        const auto prediction = firstArgmax(scores(x));
        const auto* p = prediction.data_ptr<std::int64_t>();
        for (std::size_t j = b; j < end; ++j) {
            const std::size_t i = order[j];
            const auto label = static_cast<std::size_t>(set->labels[i]);
            const auto guess = static_cast<std::size_t>(p[j - b]);
            ++total[label];
            ++predicted[guess];
            correct[label] += guess == label;
            right += guess == label;
            const std::size_t first = set->samples[i] * flagCount;
            if (first + flagCount > dataset_->flags.size())
                continue; // a sample the flags do not cover (none: the readers pad every row)
            const auto* flags = dataset_->flags.data() + first;
            for (std::size_t f = 0; f < flagCount; ++f)
                if (flags[f] == 1) {
                    ++flagTotal[f];
                    flagCorrect[f] += guess == label;
                }
        }
        seen = end;
        times_.validate += lap(t);
        // The bound is at least about the accuracy seen: below it, it is worth computing
        // (an exact tail over up to `right` terms per bisection step).
        if (racing && end < order.size() &&
            static_cast<double>(right) < mustBeat * static_cast<double>(seen)) {
            const double bound = accuracyUpperBound(right, seen, order.size(), lookDelta);
            if (bound < mustBeat) {
                m.stoppedEarly = true;
                m.accuracyBound = bound;
                break;
            }
        }
    }
    times_.validationImages += seen;
    m.samples = seen;
    for (std::size_t c = 0; c < classes; ++c)
        m.perClassAccuracy.push_back(
            total[c] ? static_cast<double>(correct[c]) / static_cast<double>(total[c]) : 0.0);
    m.accuracy = m.samples ? static_cast<double>(right) / static_cast<double>(m.samples) : 0.0;
    for (std::size_t f = 0; f < flagCount; ++f)
        if (flagTotal[f] > 0)
            m.perFlag.push_back(
                {dataset_->flagNames[f],
                 static_cast<double>(flagCorrect[f]) / static_cast<double>(flagTotal[f]),
                 flagTotal[f]});
    if (classes == 2) {
        const double tp = static_cast<double>(correct[1]);
        m.precision = predicted[1] ? tp / static_cast<double>(predicted[1]) : 0.0;
        m.recall = total[1] ? tp / static_cast<double>(total[1]) : 0.0;
        m.f1 = m.precision + m.recall > 0 ? 2 * m.precision * m.recall / (m.precision + m.recall)
                                          : 0.0;
    }
    return m;
}

void Evaluator::train(StaticNetImpl& net, const DataConfig& config, long long steps) {
    const auto& space = supernet_->space();
    const int side = *std::max_element(space.resolutions.begin(), space.resolutions.end());
    const auto sources = cache_.sources(side, trainIndices_);
    AugmentedBatch batch(sources);
    torch::optim::SGD optimizer(net.parameters(), torch::optim::SGDOptions(options_.learningRate)
                                                      .momentum(0.9)
                                                      .nesterov(true)
                                                      .weight_decay(4e-5));
    const auto batchSize =
        std::min<std::size_t>(static_cast<std::size_t>(options_.trainBatchSize), sources->rows());
    Rng rng(options_.trainingSeed() ^ 0x5C0A7C4ULL);
    std::vector<std::size_t> rows(batchSize);
    net.train();
    for (long long step = 0; step < steps; ++step) {
        for (auto& r : rows)
            r = rng.below(sources->rows());
        batch.prepare(rows, rng);
        setLearningRate(optimizer, warmupCosineRate(options_.learningRate, step, 0, steps));
        optimizer.zero_grad();
        const auto loss = torch::nn::functional::cross_entropy(
            net.forward(batch.images(config, options_.channelsLast)), batch.labels(),
            torch::nn::functional::CrossEntropyFuncOptions().label_smoothing(0.1));
        loss.backward();
        optimizer.step();
    }
    net.eval();
}

EvalResult Evaluator::evaluate(const Candidate& candidate, double mustBeat) {
    const auto start = std::chrono::steady_clock::now();
    times_ = {};
    EvalResult result;
    result.candidate = candidate;
    auto net = prepare(candidate);
    net->eval();
    result.metrics = score([&net](const torch::Tensor& x) { return net->forward(x); },
                           candidate.data, options_.channelsLast, mustBeat);
    result.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    result.times = times_;
    return result;
}

StaticNet Evaluator::prepare(const Candidate& candidate) {
    torch::manual_seed(static_cast<std::int64_t>(options_.trainingSeed()));
    StaticNet net{nullptr};
    auto t = Clock::now();
    if (options_.kind == EvaluatorKind::Scratch) {
        net = StaticNet(supernet_->space().decode(candidate, supernet_->classes()));
        const long long stepsPerEpoch = std::max<long long>(
            1, static_cast<long long>(trainIndices_.size()) / options_.trainBatchSize);
        train(*net, candidate.data, stepsPerEpoch * options_.scratchEpochs);
        times_.train += lap(t);
    } else {
        net = extractSubnet(*supernet_, candidate);
        if (options_.channelsLast)
            toChannelsLast(*net);
        times_.extract += lap(t);
        if (options_.kind == EvaluatorKind::Finetune) {
            train(*net, candidate.data, options_.finetuneSteps);
            times_.train += lap(t);
        } else {
            recalibrateBatchNorm(*net, candidate.data);
        }
    }
    net->eval();
    return net;
}

} // namespace dnas
