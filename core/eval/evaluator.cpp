#include "eval/evaluator.h"

#include <chrono>

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include "common/rng.h"
#include "data/dataset.h"
#include "data/image_cache.h"
#include "data/tensor_batch.h"
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

} // namespace

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
    const auto set = cache_.get(config, calibrationIndices_);
    net.train();
    torch::NoGradGuard noGrad;
    const auto batch = static_cast<std::size_t>(options_.batchSize);
    for (std::size_t b = 0; b < set->rows(); b += batch)
        net.forward(imagesToTensor(*set, b, std::min(set->rows(), b + batch)));
    net.eval();
}

Metrics Evaluator::validate(StaticNetImpl& net, const DataConfig& config) {
    net.eval();
    return validate([&net](const torch::Tensor& x) { return net.forward(x); }, config);
}

Metrics Evaluator::validate(const Scorer& scores, const DataConfig& config) {
    const auto set = cache_.get(config, validationIndices_);
    torch::NoGradGuard noGrad;
    const std::size_t classes = dataset_->classes.size();
    std::vector<std::size_t> correct(classes, 0), total(classes, 0), predicted(classes, 0);
    const std::size_t flagCount = dataset_->flagNames.size();
    std::vector<std::size_t> flagCorrect(flagCount, 0), flagTotal(flagCount, 0);
    const auto batch = static_cast<std::size_t>(options_.batchSize);
    for (std::size_t b = 0; b < set->rows(); b += batch) {
        const auto end = std::min(set->rows(), b + batch);
        const auto prediction = firstArgmax(scores(imagesToTensor(*set, b, end)));
        const auto* p = prediction.data_ptr<std::int64_t>();
        for (std::size_t i = b; i < end; ++i) {
            const auto label = static_cast<std::size_t>(set->labels[i]);
            const auto guess = static_cast<std::size_t>(p[i - b]);
            ++total[label];
            ++predicted[guess];
            correct[label] += guess == label;
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
    }
    Metrics m;
    m.samples = set->rows();
    std::size_t right = 0;
    for (std::size_t c = 0; c < classes; ++c) {
        right += correct[c];
        m.perClassAccuracy.push_back(
            total[c] ? static_cast<double>(correct[c]) / static_cast<double>(total[c]) : 0.0);
    }
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
            net.forward(batch.images(config)), batch.labels(),
            torch::nn::functional::CrossEntropyFuncOptions().label_smoothing(0.1));
        loss.backward();
        optimizer.step();
    }
    net.eval();
}

EvalResult Evaluator::evaluate(const Candidate& candidate) {
    const auto start = std::chrono::steady_clock::now();
    EvalResult result;
    result.candidate = candidate;
    auto net = prepare(candidate);
    result.metrics = validate(*net, candidate.data);
    result.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return result;
}

StaticNet Evaluator::prepare(const Candidate& candidate) {
    torch::manual_seed(static_cast<std::int64_t>(options_.trainingSeed()));
    StaticNet net{nullptr};
    if (options_.kind == EvaluatorKind::Scratch) {
        net = StaticNet(supernet_->space().decode(candidate, supernet_->classes()));
        const long long stepsPerEpoch = std::max<long long>(
            1, static_cast<long long>(trainIndices_.size()) / options_.trainBatchSize);
        train(*net, candidate.data, stepsPerEpoch * options_.scratchEpochs);
    } else {
        net = extractSubnet(*supernet_, candidate);
        if (options_.kind == EvaluatorKind::Finetune)
            train(*net, candidate.data, options_.finetuneSteps);
        else
            recalibrateBatchNorm(*net, candidate.data);
    }
    net->eval();
    return net;
}

} // namespace dnas
