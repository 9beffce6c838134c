#pragma once

// A supernet of the tiny space (image_fixtures.h) trained as tst_training's
// trainingLowersTheLoss trains it: enough steps to tell the generated squares apart.

#include <memory>

#include "common/json_document.h"
#include "data/image_cache.h"
#include "supernet/supernet.h"
#include "support/image_fixtures.h"
#include "train/supernet_trainer.h"

namespace fixtures {

inline dnas::Supernet trainedTinySupernet(const std::shared_ptr<const dnas::Dataset>& dataset,
                                          dnas::ImageCache& cache, long long steps) {
    dnas::Supernet supernet(
        dnas::SearchSpace::fromDocument(dnas::JsonDocument::fromText(kTinySpaceJson, "tiny")), 2);
    dnas::TrainOptions o;
    o.maxSteps = steps;
    o.batchSize = 16;
    o.warmupSteps = 5;
    o.learningRate = 0.05;
    o.seed = 1;
    dnas::TrainObserver quiet;
    dnas::SupernetTrainer(supernet, dataset, cache, o).run(quiet);
    supernet->eval();
    return supernet;
}

} // namespace fixtures
