#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "data/image_cache.h"
#include "engine/search_engine.h"

namespace dnas::cli {

class ProgressPrinter;

// What the search benches share: a supernet with its dataset, a timing observer, and a
// temporary run store.

using BenchClock = std::chrono::steady_clock;
double secondsSince(BenchClock::time_point t);

// Multiply-accumulates of a candidate's network (per image).
double networkMacs(const SearchSpace& space, const Candidate& c, int classes);

// A number with `digits` decimals.
std::string fixed(double v, int digits);

// A supernet with the dataset it scores on.
struct BenchTask {
    Supernet supernet{nullptr};
    std::shared_ptr<const Dataset> dataset;
    std::unique_ptr<ImageCache> cache;
    std::string fingerprint;
    bool trained = false;
};

// The checkpoint's supernet on `datasetSpec` (default: the checkpoint's dataset); without a
// checkpoint a freshly initialised supernet of `spaceName` (evaluation costs the same), its
// data resolutions replaced by `resolutions` when given.
BenchTask loadBenchTask(const std::string& datasetSpec, const std::string& checkpoint,
                        const std::string& spaceName, const std::vector<int>& resolutions = {});

// Times a run: from runStarted to finished, and the evaluator's share of it; shows progress.
class TimingObserver : public SearchObserver {
public:
    explicit TimingObserver(ProgressPrinter* printer = nullptr)
        : printer_(printer) {}
    void runStarted(std::int64_t, const SearchConfig&) override;
    void candidateEvaluated(const CandidateRecord& r, bool) override;
    void progress(const std::string& mode, long long evaluations, long long planned,
                  double eta) override;
    void frontier(const std::string&, const std::vector<CandidateRecord>& front) override {
        frontSize = front.size();
    }
    void finished(std::int64_t, bool) override { wallSeconds = secondsSince(start_); }

    std::string prefix; // shown before the progress line
    long long candidates = 0;
    long long evaluated = 0;
    long long stoppedEarly = 0; // evaluations racing stopped (EvalOptions::racing)
    std::size_t frontSize = 0;
    double evalSeconds = 0;
    double wallSeconds = 0;

private:
    ProgressPrinter* printer_;
    BenchClock::time_point start_ = BenchClock::now();
};

// A temporary SQLite file, removed with its WAL files at the end.
struct TempStore {
    std::filesystem::path path;
    explicit TempStore(const std::string& name);
    ~TempStore() { remove(); }
    TempStore(const TempStore&) = delete;
    TempStore& operator=(const TempStore&) = delete;
    void remove() const;
};

} // namespace dnas::cli
