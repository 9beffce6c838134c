#include "engine/supernet_provider.h"

#include <cstdlib>

#include "data/dataset.h"
#include "engine/search_engine.h"
#include "supernet/weights_fingerprint.h"
#include "train/supernet_trainer.h"

namespace dnas {
namespace {

// Training progress as the search observer's phase events.
class PhaseReporter : public TrainObserver {
public:
    explicit PhaseReporter(SearchObserver& observer)
        : observer_(observer) {}
    void onProgress(const TrainProgress& p) override {
        observer_.phase("training supernet", p.step, p.totalSteps, p.etaSeconds);
    }
    void onLog(const std::string& line) override { observer_.log(line); }

private:
    SearchObserver& observer_;
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
             (request.trainSubset > 0 ? "-n" + std::to_string(request.trainSubset) : "") + ".pt");
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
            PhaseReporter reporter(observer);
            const auto result =
                SupernetTrainer(Supernet(space, static_cast<int>(dataset->classes.size())), dataset,
                                cache, t)
                    .run(reporter, stop);
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
