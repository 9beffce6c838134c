#pragma once

namespace dnas {

// glibc's malloc tuned for LibTorch's batch-sized tensors. By default glibc maps every block
// above its mmap threshold (at most 32 MiB; on threads other than the main one, also every
// block beyond its 64 MiB arenas) with mmap and unmaps it on free, so each batch's activations
// are faulted in and zeroed again by the kernel: `dnas bench eval` measured more system than
// wall time at 96 px. Tuned, freed blocks stay in the process and are reused (all threads share
// the main heap; no block is mmapped; nothing is trimmed on free), and releaseFreeMemory() gives
// them back when a job ends. Called at the start of main() by both binaries; a process-wide
// setting, not undone.
void tuneMalloc();
bool mallocTuned();

// Returns the free heap memory to the system (malloc_trim): at the end of a search, a
// training or an export, so that an idle application holds no freed activations.
void releaseFreeMemory();

// A job's end: releaseFreeMemory() in the destructor.
class FreeMemoryAtEnd {
public:
    FreeMemoryAtEnd() = default;
    ~FreeMemoryAtEnd() { releaseFreeMemory(); }
    FreeMemoryAtEnd(const FreeMemoryAtEnd&) = delete;
    FreeMemoryAtEnd& operator=(const FreeMemoryAtEnd&) = delete;
};

} // namespace dnas
