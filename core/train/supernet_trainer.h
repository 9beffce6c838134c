#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <stop_token>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "supernet/supernet.h"

namespace dnas {

class Dataset;
class ImageCache;

// Options of supernet training. Where a field has a default, it is the one the README's
// figures were measured with.
struct TrainOptions {
    int epochs = 0;         // passes over the training images (0: use maxSteps)
    long long maxSteps = 0; // optimiser steps (0: use epochs); with both, the smaller
    int batchSize = 64;
    std::string optimizer = "sgd"; // "sgd" (Nesterov momentum) or "adamw"
    double learningRate = 0;       // 0: 0.1 for SGD, 0.002 for AdamW
    double weightDecay = -1;       // < 0: 4e-5 for SGD, 0.05 for AdamW
    long long warmupSteps = 100;   // linear warm-up, then cosine decay to zero
    double labelSmoothing = 0.1;
    int randomSubnets = 2;       // sandwich rule: largest + smallest + this many random
    bool distill = true;         // in-place distillation from the largest subnet
    std::size_t trainSubset = 0; // train on a stratified subset of this size (0: all)
    std::uint64_t seed = 0;
    std::filesystem::path checkpoint; // written every checkpointSeconds and at the end
    double checkpointSeconds = 60;
    // Continue from `checkpoint`, with the options it was trained with (others are refused)
    // except the step limit: a new epochs/maxSteps is honoured, the cosine schedule then
    // decaying to zero at the new limit.
    bool resume = false;
    // Batches in channels-last memory format (speed only: the same arithmetic up to float
    // rounding; not part of toJson(), so a resume may change it).
    bool channelsLast = true;

    nlohmann::json toJson() const;
};

struct TrainProgress {
    long long step = 0; // steps done
    long long totalSteps = 0;
    int epoch = 0;
    double loss = 0; // cross-entropy of the largest subnet (moving average)
    double learningRate = 0;
    double imagesPerSecond = 0; // subnet forward+backward images per second
    double etaSeconds = 0;
};

class TrainObserver {
public:
    virtual ~TrainObserver() = default;
    // Called after every step on the training thread; must not block.
    virtual void onProgress(const TrainProgress&) {}
    virtual void onLog(const std::string&) {}
    // Called after a checkpoint holding `step` steps was written.
    virtual void onCheckpoint(long long /*step*/) {}
};

struct TrainResult {
    long long steps = 0;
    double finalLoss = 0;
    double seconds = 0;
    bool stopped = false; // stop requested before the planned steps
};

// Trains a supernet with the sandwich rule: every step runs the largest, the smallest and
// `randomSubnets` random subnets, each with its own data configuration of the space, on the
// same random crops; the largest learns from the labels (label smoothing), the others from
// its predictions (in-place distillation). Seeded: the same seed and data give the same
// weights, also across --resume from any checkpoint (bit for bit with the same thread count).
// Synchronous: runs on the caller's thread until done or `stop` is requested (then it writes a
// checkpoint and returns). Before decoding images it checks that the checkpoint can be
// written (and, to resume, read); invalid options, an unwritable checkpoint and a diverging
// run throw InputError, the last good checkpoint kept.
class SupernetTrainer {
public:
    SupernetTrainer(Supernet supernet, std::shared_ptr<const Dataset> dataset, ImageCache& cache,
                    TrainOptions options);
    TrainResult run(TrainObserver& observer, std::stop_token stop = {});
    Supernet supernet() const { return supernet_; }

private:
    Supernet supernet_;
    std::shared_ptr<const Dataset> dataset_;
    ImageCache& cache_;
    TrainOptions options_;
};

} // namespace dnas
