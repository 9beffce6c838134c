#include "cli/bench_support.h"

#include <cstdio>
#include <unistd.h>

#include "cli/progress_printer.h"
#include "common/json_document.h"
#include "cost/network.h"
#include "data/dataset_loader.h"
#include "data/image_cache.h"
#include "engine/supernet_provider.h"
#include "supernet/checkpoint.h"

namespace dnas::cli {

double secondsSince(BenchClock::time_point t) {
    return std::chrono::duration<double>(BenchClock::now() - t).count();
}

double networkMacs(const SearchSpace& space, const Candidate& c, int classes) {
    const auto net = buildNetwork(space.decode(c, classes));
    double macs = 0;
    for (const auto& op : net.ops)
        macs += static_cast<double>(net.macs(op));
    return macs;
}

std::string fixed(double v, int digits) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.*f", digits, v);
    return buf;
}

BenchTask loadBenchTask(const std::string& datasetSpec, const std::string& checkpoint,
                        const std::string& spaceName, const std::vector<int>& resolutions) {
    BenchTask t;
    if (!checkpoint.empty()) {
        auto loaded = loadCheckpoint(checkpoint);
        const auto space =
            SearchSpace::fromDocument(JsonDocument::fromText(loaded.meta.space.dump(), checkpoint));
        t.dataset = loadDataset(datasetSpec.empty() ? loaded.meta.datasetName : datasetSpec, {});
        checkCheckpointMatches(loaded.meta, checkpoint, space, *t.dataset);
        t.supernet = loaded.supernet;
        t.fingerprint = supernetFingerprint(loaded.meta, *loaded.supernet);
        t.trained = true;
    } else {
        t.dataset = loadDataset(datasetSpec.empty() ? "fashion-mnist:binary" : datasetSpec, {});
        auto space = SearchSpace::load(spaceName);
        if (!resolutions.empty()) {
            space.resolutions = resolutions;
            space.finalize();
        }
        t.supernet = Supernet(space, static_cast<int>(t.dataset->classes.size()));
        t.supernet->initialize(1);
        t.fingerprint = supernetFingerprint(CheckpointMeta{}, *t.supernet); // step 0
    }
    t.supernet->eval();
    t.cache = std::make_unique<ImageCache>(t.dataset, ImageCache::Options{});
    return t;
}

void TimingObserver::runStarted(std::int64_t, const SearchConfig&) {
    start_ = BenchClock::now();
}

void TimingObserver::candidateEvaluated(const CandidateRecord& r, bool) {
    ++candidates;
    if (r.evaluated) {
        ++evaluated;
        evalSeconds += r.evalSeconds;
        stoppedEarly += r.metrics.value("stopped_early", false) ? 1 : 0;
    }
}

void TimingObserver::progress(const std::string& mode, long long evaluations, long long planned,
                              double eta) {
    if (!printer_)
        return;
    char line[200];
    std::snprintf(line, sizeof line, "%s%s: %lld/%lld evaluations  ETA %s", prefix.c_str(),
                  mode.c_str(), evaluations, planned, ProgressPrinter::duration(eta).c_str());
    printer_->update(line);
}

TempStore::TempStore(const std::string& name)
    : path(std::filesystem::temp_directory_path() /
           ("dnas-bench-" + name + "-" + std::to_string(::getpid()) + ".db")) {
    remove();
}

void TempStore::remove() const {
    std::error_code ec;
    for (const char* suffix : {"", "-wal", "-shm", "-journal"})
        std::filesystem::remove(path.string() + suffix, ec);
}

} // namespace dnas::cli
