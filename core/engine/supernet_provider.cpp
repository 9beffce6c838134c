#include "engine/supernet_provider.h"

#include <algorithm>
#include <cstdlib>
#include <optional>

#include "data/dataset.h"
#include "engine/search_engine.h"
#include "eval/evaluator.h"
#include "supernet/weights_fingerprint.h"
#include "train/supernet_trainer.h"

namespace dnas {
namespace {

// Training progress as the search observer's phase and training-curve events. At
// `probes` evenly spaced steps (and the last) it scores the largest and smallest subnets on
// a small validation subset; the evaluator works on extracted copies between two steps, so
// training itself (weights, random streams) is exactly what it would be without probes.
class PhaseReporter : public TrainObserver {
public:
    PhaseReporter(SearchObserver& observer, Supernet supernet,
                  std::shared_ptr<const Dataset> dataset, ImageCache& cache, int probes)
        : observer_(observer)
        , supernet_(std::move(supernet))
        , dataset_(std::move(dataset))
        , cache_(cache)
        , probes_(probes) {}

    void onProgress(const TrainProgress& p) override {
        observer_.phase("training supernet", p.step, p.totalSteps, p.etaSeconds);
        TrainingPoint point;
        point.step = p.step;
        point.totalSteps = p.totalSteps;
        point.loss = p.loss;
        const long long every = std::max<long long>(1, p.totalSteps / std::max(1, probes_));
        if (probes_ > 0 && (p.step % every == 0 || p.step == p.totalSteps)) {
            try {
                auto& evaluator = probeEvaluator();
                const auto& space = supernet_->space();
                point.largestAccuracy = evaluator.evaluate(space.largest()).metrics.accuracy;
                point.smallestAccuracy = evaluator.evaluate(space.smallest()).metrics.accuracy;
            } catch (const std::exception& e) {
                // The curve is for people; the training it watches goes on without it.
                observer_.log(std::string("training curve: accuracy probes stopped: ") + e.what());
                probes_ = 0;
            }
        }
        observer_.trainingStep(point);
    }
    void onLog(const std::string& line) override { observer_.log(line); }

private:
    Evaluator& probeEvaluator() {
        if (!evaluator_) {
            EvalOptions o;
            const auto train = dataset_->count(Split::Train);
            o.valSubset = std::min<std::size_t>(500, dataset_->count(Split::Validation));
            o.calibrationImages = std::min<std::size_t>(200, train);
            evaluator_.emplace(supernet_, dataset_, cache_, o);
        }
        return *evaluator_;
    }

    SearchObserver& observer_;
    Supernet supernet_;
    std::shared_ptr<const Dataset> dataset_;
    ImageCache& cache_;
    int probes_;
    std::optional<Evaluator> evaluator_;
};

} // namespace

std::string supernetFingerprint(const CheckpointMeta& meta, const SupernetImpl& supernet) {
    return "step" + std::to_string(meta.step) + "-" + weightsFingerprint(supernet);
}

std::filesystem::path defaultSupernetCacheDir() {
    if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg)
        return std::filesystem::path(xdg) / "dnas-studio" / "supernets";
    if (const char* home = std::getenv("HOME"); home && *home)
        return std::filesystem::path(home) / ".cache" / "dnas-studio" / "supernets";
    return "dnas-supernets";
}

ProvidedSupernet provideSupernet(const SearchSpace& space, std::shared_ptr<const Dataset> dataset,
                                 ImageCache& cache, const SupernetRequest& request,
                                 SearchObserver& observer, std::stop_token stop) {
    ProvidedSupernet out;
    out.path = request.checkpoint;
    if (out.path.empty()) {
        // Keyed by what decides the weights' quality, so that a quick supernet trained on a
        // subset is never taken for a full one.
        out.path =
            request.cacheDir /
            (space.name + "-" + dataset->fingerprint + "-e" + std::to_string(request.epochs) +
             (request.trainSubset > 0 ? "-n" + std::to_string(request.trainSubset) : "") + "-v" +
             std::to_string(kCheckpointSchemaVersion) + ".pt");
        if (!std::filesystem::exists(out.path)) {
            std::filesystem::create_directories(request.cacheDir);
            const auto partial = std::filesystem::path(out.path.string() + ".partial");
            TrainOptions t;
            t.epochs = request.epochs;
            t.trainSubset = request.trainSubset;
            t.seed = request.seed;
            t.checkpoint = partial;
            t.resume = std::filesystem::exists(partial);
            observer.log(std::string(t.resume ? "continuing" : "no supernet given: training") +
                         " one for space " + space.name + " (" + std::to_string(t.epochs) +
                         " epochs; cached as " + out.path.string() + ")");
            Supernet training(space, static_cast<int>(dataset->classes.size()));
            PhaseReporter reporter(observer, training, dataset, cache, request.probes);
            const auto result = SupernetTrainer(training, dataset, cache, t).run(reporter, stop);
            if (result.stopped) {
                observer.log("supernet training stopped at step " + std::to_string(result.steps) +
                             "; it continues from " + partial.string() + " next time");
                return out;
            }
            std::filesystem::rename(partial, out.path);
            out.trainedNow = true;
        }
    }
    auto loaded = loadCheckpoint(out.path);
    checkCheckpointMatches(loaded.meta, out.path, space, *dataset);
    loaded.supernet->eval();
    out.supernet = loaded.supernet;
    out.meta = loaded.meta;
    out.fingerprint = supernetFingerprint(loaded.meta, *loaded.supernet);
    return out;
}

} // namespace dnas
