#pragma once

#include <filesystem>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <tuple>
#include <vector>

#include "common/thread_pool.h"
#include "common/units.h"
#include "data/dataset.h"
#include "data/image_set.h"

namespace dnas {

// Caches a dataset's images per data configuration as uint8, so that a search can switch
// configurations freely: the first request for a (configuration, samples) pair decodes and
// resizes on a thread pool with OpenCV; later requests return the cached set (shared, no
// copy). Sets are kept within a memory budget, the least recently used evicted first, and
// optionally on disk (written atomically; an unreadable file is rebuilt). Thread-safe.
class ImageCache {
public:
    struct Options {
        Bytes memoryBudgetBytes = 2LL * 1024 * 1024 * 1024;
        std::filesystem::path diskDir; // empty: memory only
        int threads = 0;               // decode threads; <= 0: one per core
    };

    struct Stats {
        long long hits = 0;
        long long misses = 0;
        long long diskHits = 0;
        long long evictions = 0;
        long long diskWriteErrors = 0;
        Bytes bytesInMemory = 0;
        std::size_t sets = 0;
    };

    ImageCache(std::shared_ptr<const Dataset> dataset, Options options);

    // Evaluation-transformed images of `sampleIndices` (rows in that order, undecodable
    // images left out and listed in failures()).
    std::shared_ptr<const ImageSet> get(const DataConfig& config,
                                        const std::vector<std::size_t>& sampleIndices);
    std::shared_ptr<const ImageSet> get(const DataConfig& config, Split split) {
        return get(config, dataset_->indices(split));
    }
    // Source images for training crops: shorter side resized to `side`, centre square, in
    // the dataset's native colour (gray for IDX files), BGR order as trainTransform() takes.
    std::shared_ptr<const ImageSet> sources(int side,
                                            const std::vector<std::size_t>& sampleIndices);

    void setMemoryBudget(Bytes bytes);
    Stats stats() const;
    std::vector<SkippedItem> failures() const;
    std::string lastDiskError() const;
    const Dataset& dataset() const { return *dataset_; }

private:
    enum class Kind { Eval, Source };
    using Key = std::tuple<Kind, int, ColourMode, std::uint64_t, std::size_t>;

    std::shared_ptr<const ImageSet> lookup(const Key& key, const DataConfig& config,
                                           const std::vector<std::size_t>& sampleIndices);
    std::shared_ptr<ImageSet> build(Kind kind, const DataConfig& config,
                                    const std::vector<std::size_t>& sampleIndices);
    std::filesystem::path diskPath(const Key& key) const;
    std::shared_ptr<ImageSet> readDisk(const Key& key, const DataConfig& config) const;
    void writeDisk(const Key& key, const ImageSet& set);
    void insert(const Key& key, std::shared_ptr<const ImageSet> set); // mutex_ held
    void evict();                                                     // mutex_ held

    std::shared_ptr<const Dataset> dataset_;
    Options options_;
    ThreadPool pool_;
    mutable std::mutex mutex_;
    std::mutex buildMutex_; // one build at a time; the pool parallelises within it
    std::map<Key, std::shared_ptr<const ImageSet>> sets_;
    std::list<Key> recency_; // front: most recently used
    Stats stats_;
    std::map<std::size_t, SkippedItem> failures_;
    std::string lastDiskError_;
};

} // namespace dnas
