#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "data/dataset.h"
#include "eval/eval_options.h"
#include "space/genome.h"
#include "supernet/static_net.h"
#include "supernet/supernet.h"

namespace dnas {

class Dataset;
class ImageCache;

// Accuracy on the validation images a per-image flag is set for (Wake Vision's distance,
// lighting, depiction, ... columns): where a model fails, which no single accuracy shows.
struct FlagAccuracy {
    std::string flag;
    double accuracy = 0;
    std::size_t samples = 0; // images with the flag set
};

// Accuracy as a fraction; per-class accuracy; for binary tasks precision, recall and F1 of
// the positive class (label 1: person); per flag when the dataset carries flags.
struct Metrics {
    double accuracy = 0;
    std::vector<double> perClassAccuracy;
    std::vector<FlagAccuracy> perFlag; // flags set on at least one validation image
    double precision = 0;
    double recall = 0;
    double f1 = 0;
    std::size_t samples = 0;   // validation images scored
    bool stoppedEarly = false; // racing stopped before the whole split (see evaluate())
    double accuracyBound = 1;  // stoppedEarly: the split's accuracy is below this (confidence
                               // 1 - EvalOptions::racingDelta)
};

// Where an evaluation's seconds went (`dnas bench eval` prints them).
struct EvalTimes {
    double extract = 0;   // copying the candidate's weights out of the supernet
    double images = 0;    // image cache lookups (decoding only for a new configuration)
    double tensors = 0;   // cached uint8 rows to float input tensors
    double calibrate = 0; // batch-norm recalibration forward passes (tensors excluded)
    double validate = 0;  // validation forward passes and scoring (tensors excluded)
    double train = 0;     // finetune / scratch training
    std::size_t calibrationImages = 0;
    std::size_t validationImages = 0;
};

struct EvalResult {
    Candidate candidate;
    Metrics metrics;
    double seconds = 0;
    EvalTimes times;
};

void to_json(nlohmann::json& j, const Metrics& m);

// A network's 4-d weights in NHWC order (oneDNN's native layout for convolutions), as the
// evaluator scores with EvalOptions::channelsLast.
void toChannelsLast(StaticNetImpl& net);

// Scores candidates on the validation split. Works on an extracted copy of each subnet, so the
// supernet's weights and statistics are never modified. Not thread-safe: one per thread.
class Evaluator {
public:
    Evaluator(Supernet supernet, std::shared_ptr<const Dataset> dataset, ImageCache& cache,
              EvalOptions options);
    // With racing on (EvalOptions::racing) and `mustBeat` >= 0 - the accuracy the candidate must
    // exceed not to be dominated (racing.h: accuracyToBeat) - validation stops as soon as the
    // whole split's accuracy is below `mustBeat` with confidence 1 - racingDelta; the metrics
    // are then those of the images seen, flagged stoppedEarly.
    EvalResult evaluate(const Candidate& candidate, double mustBeat = -1);
    // The network evaluate() validates: extracted and recalibrated (bn), extracted and
    // fine-tuned (finetune) or trained from scratch (scratch); in eval mode.
    StaticNet prepare(const Candidate& candidate);

    // Accuracy of an already built network at a data configuration (used by all three kinds).
    Metrics validate(StaticNetImpl& net, const DataConfig& config);
    // The same for any model given as a function from an input batch (N, C, H, W, as
    // imagesToTensor makes) to per-class scores (N, classes): the first highest score wins.
    using Scorer = std::function<torch::Tensor(const torch::Tensor&)>;
    Metrics validate(const Scorer& scores, const DataConfig& config);
    // Batch-norm statistics of `net` measured afresh on the calibration images at `config`.
    void recalibrateBatchNorm(StaticNetImpl& net, const DataConfig& config);
    const std::vector<std::size_t>& validationIndices() const { return validationIndices_; }
    // Times of the work since the last evaluate() began (evaluate() returns them as well).
    const EvalTimes& times() const { return times_; }
    // Plain SGD training of a static network at a data configuration.
    void train(StaticNetImpl& net, const DataConfig& config, long long steps);

private:
    Metrics score(const Scorer& scores, const DataConfig& config, bool channelsLast,
                  double mustBeat);

    Supernet supernet_;
    std::shared_ptr<const Dataset> dataset_;
    ImageCache& cache_;
    EvalOptions options_;
    std::vector<std::size_t> validationIndices_;
    std::vector<std::size_t> calibrationIndices_;
    std::vector<std::size_t> trainIndices_;
    EvalTimes times_;
};

} // namespace dnas
