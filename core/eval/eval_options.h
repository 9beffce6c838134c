#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "data/dataset.h"

namespace dnas {

// How candidates are scored (see Evaluator); kept free of LibTorch so that configuration
// code and the GUI can include it cheaply.
enum class EvaluatorKind {
    BatchNorm, // ours: recalibrate batch norm on training images, then validate (default)
    Finetune,  // the seed paper's: fine-tune a copy for some steps, then validate
    Scratch,   // the prior method's: train the static subnet from scratch, then validate
};

std::string_view toString(EvaluatorKind kind);
std::optional<EvaluatorKind> parseEvaluatorKind(std::string_view text);

struct EvalOptions {
    EvaluatorKind kind = EvaluatorKind::BatchNorm;
    std::size_t calibrationImages = 500; // batch-norm recalibration (training images)
    std::size_t valSubset = 0;           // validate on a stratified subset (0: the whole split)
    Split split = Split::Validation;     // the test split only for reporting
    // Speed settings: they change how fast a candidate is scored, not its score (beyond float
    // rounding). `dnas bench eval` measures them; the defaults are its fastest on two cores.
    int batchSize = 64;
    bool inferenceMode = true; // c10::InferenceMode (no autograd bookkeeping) instead of NoGrad
    bool channelsLast = true;  // NHWC tensors and weights (oneDNN's native layout)
    // Early stopping of a validation once the candidate is dominated with confidence
    // 1 - racingDelta (Evaluator::evaluate).
    bool racing = true;
    double racingDelta = 1e-3;
    int finetuneSteps = 100;     // Finetune: steps of SGD at the candidate's configuration
    int scratchEpochs = 3;       // Scratch: epochs over the training images
    std::size_t trainSubset = 0; // Finetune/Scratch: train on a subset (0: all)
    int trainBatchSize = 64;
    double learningRate = 0.05;
    std::uint64_t seed = 0; // subsets (validation, calibration, training) and, by default, training
    // Finetune/Scratch: initial weights and batch order (default: seed). Two scratch runs that
    // differ only here train on the same images and are validated on the same images.
    std::optional<std::uint64_t> trainSeed;

    std::uint64_t trainingSeed() const { return trainSeed.value_or(seed); }
};

// The speed settings of DNAS Studio before they were measured (`dnas bench eval`'s "before",
// `dnas bench fidelity --speed before`): batches of 256 in NCHW order under NoGradGuard.
inline EvalOptions withSpeedBefore(EvalOptions o) {
    o.batchSize = 256;
    o.inferenceMode = false;
    o.channelsLast = false;
    return o;
}

} // namespace dnas
