#pragma once

#include <span>
#include <vector>

#include "common/units.h"

namespace dnas {

// A buffer the arena must hold from op `firstUse` to op `lastUse` (inclusive, execution
// order). Two buffers may share bytes only when their lifetimes do not overlap.
struct BufferRequest {
    Bytes size = 0;
    int firstUse = 0;
    int lastUse = 0;
};

struct ArenaPlan {
    std::vector<Bytes> offsets; // one per request, in request order
    Bytes peakBytes = 0;        // arena size: max over buffers of offset + aligned size
};

// Mirrors TensorFlow Lite Micro's GreedyMemoryPlanner as TFLM drives it: every size is first
// rounded up to `alignment` bytes (TFLM aligns arena buffers to 16), buffers are sorted by that
// aligned size, largest first (among equal aligned sizes the later request first, as TFLM's sort
// does), and each is placed at the lowest offset at which it does not overlap, in address, any
// already placed buffer whose lifetime overlaps its own. Not optimal, by design: the point is to
// predict what TFLM will allocate. TFLM requests tensors first and scratch buffers after them
// (micro_allocation_info.cc); callers should order their requests the same way.
ArenaPlan planArena(std::span<const BufferRequest> requests, Bytes alignment = 16);

} // namespace dnas
