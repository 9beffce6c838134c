#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <stop_token>
#include <string>

#include "supernet/checkpoint.h"
#include "supernet/supernet.h"

namespace dnas {

class Dataset;
class ImageCache;
class SearchObserver;
class SearchSpace;

// Where supernets trained for searches without a checkpoint are kept:
// $XDG_CACHE_HOME/dnas-studio/supernets, else ~/.cache/dnas-studio/supernets.
std::filesystem::path defaultSupernetCacheDir();

// What a run store records of the supernet a run scored with: its training step, for people,
// and the hash of its weights, which identifies it ("step120-<16 hex digits>", see
// weightsFingerprint): supernets trained with other seeds or learning rates differ.
std::string supernetFingerprint(const CheckpointMeta& meta, const SupernetImpl& supernet);

struct SupernetRequest {
    std::filesystem::path checkpoint; // given by the user; empty: the cached one, trained if absent
    std::filesystem::path cacheDir = defaultSupernetCacheDir();
    int epochs = 2;              // training when nothing is cached
    std::size_t trainSubset = 0; // 0: every training image
    std::uint64_t seed = 0;
    int probes = 10; // accuracy probes of the largest and smallest subnets while training
};

struct ProvidedSupernet {
    Supernet supernet{nullptr}; // in eval mode
    CheckpointMeta meta;
    std::filesystem::path path;
    std::string fingerprint; // supernetFingerprint(), for the run store
    bool trainedNow = false;
};

// The supernet a search scores with: the checkpoint given, else the one cached for this space,
// dataset, epochs and training subset, else one trained now and cached. Training reports the phase
// "training supernet" (steps done / planned, ETA) to `observer`; it writes `<cache>.partial` as it
// goes, continues a partial file left by an interrupted run, and renames it into the cache only
// when complete. Returns an empty supernet when `stop` interrupted training. Throws InputError for
// a checkpoint of another space or dataset.
ProvidedSupernet provideSupernet(const SearchSpace& space, std::shared_ptr<const Dataset> dataset,
                                 ImageCache& cache, const SupernetRequest& request,
                                 SearchObserver& observer, std::stop_token stop = {});

} // namespace dnas
