#include "cost/arena_planner.h"

#include <algorithm>
#include <numeric>

namespace dnas {

ArenaPlan planArena(std::span<const BufferRequest> requests, Bytes alignment) {
    const std::size_t n = requests.size();
    ArenaPlan plan;
    plan.offsets.assign(n, 0);
    if (n == 0)
        return plan;

    // TFLM's CreatePlan (micro_allocator.cc) hands the planner sizes already rounded up with
    // AlignSizeUp(bytes, MicroArenaBufferAlignment()), so the planner sorts, fits gaps and
    // measures the arena in aligned sizes: two buffers that round to the same size tie even
    // when their requested sizes differ.
    std::vector<Bytes> size(n);
    for (std::size_t i = 0; i < n; ++i)
        size[i] = alignment > 1 ? (requests[i].size + alignment - 1) / alignment * alignment
                                : requests[i].size;
    std::vector<int> order(n);
    std::iota(order.begin(), order.end(), 0);
    // GreedyMemoryPlanner::CalculateOffsetsIfNeeded fills its sort array from the tail (last
    // request first) and ReverseSortInPlace bubble-sorts it stably by descending size, so
    // among equal aligned sizes the later request is placed first.
    std::sort(order.begin(), order.end(),
              [&](int a, int b) { return size[a] != size[b] ? size[a] > size[b] : a > b; });

    // Already placed buffers, kept sorted by offset (TFLM keeps a linked list in that order).
    std::vector<int> placed;
    placed.reserve(n);
    for (const int id : order) {
        const auto& want = requests[id];
        Bytes candidate = 0;
        for (const int other : placed) {
            const auto& o = requests[other];
            if (o.lastUse < want.firstUse || want.lastUse < o.firstUse)
                continue; // never alive at the same time
            if (candidate + size[id] <= plan.offsets[other])
                break; // fits in the gap before `other`
            candidate = std::max(candidate, plan.offsets[other] + size[other]);
        }
        plan.offsets[id] = candidate;
        plan.peakBytes = std::max(plan.peakBytes, candidate + size[id]);
        const auto pos = std::upper_bound(placed.begin(), placed.end(), candidate,
                                          [&](Bytes off, int p) { return off < plan.offsets[p]; });
        placed.insert(pos, id);
    }
    return plan;
}

} // namespace dnas
