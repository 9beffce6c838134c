#include "common/malloc_tuning.h"

#include <atomic>
#include <limits>

#include <malloc.h>

namespace dnas {
namespace {

std::atomic<bool> tuned{false};

} // namespace

void tuneMalloc() {
    if (tuned.exchange(true))
        return;
    // One arena: threads' own arenas are 64 MiB heaps, and a larger block on a worker thread
    // is mmapped whatever the settings below.
    mallopt(M_ARENA_MAX, 1);
    mallopt(M_MMAP_MAX, 0); // no block is mmapped: all come from the heap and return to it
    mallopt(M_TRIM_THRESHOLD, std::numeric_limits<int>::max()); // free() never trims
}

bool mallocTuned() {
    return tuned.load();
}

void releaseFreeMemory() {
    malloc_trim(0);
}

} // namespace dnas
