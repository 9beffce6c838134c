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

    auto aligned = [alignment](Bytes size) {
        return alignment > 1 ? (size + alignment - 1) / alignment * alignment : size;
    };
    std::vector<int> order(n);
    std::iota(order.begin(), order.end(), 0);
    // TFLM fills its sort array from the tail (last request first) and bubble-sorts it stably
    // by descending size, so among equal sizes the later request is placed first.
    std::sort(order.begin(), order.end(), [&](int a, int b) {
        return requests[a].size != requests[b].size ? requests[a].size > requests[b].size : a > b;
    });

    // Already placed buffers, kept sorted by offset (TFLM keeps a linked list in that order).
    std::vector<int> placed;
    placed.reserve(n);
    for (const int id : order) {
        const auto& want = requests[id];
        const Bytes size = aligned(want.size);
        Bytes candidate = 0;
        for (const int other : placed) {
            const auto& o = requests[other];
            if (o.lastUse < want.firstUse || want.lastUse < o.firstUse)
                continue; // never alive at the same time
            if (candidate + size <= plan.offsets[other])
                break; // fits in the gap before `other`
            candidate = std::max(candidate, plan.offsets[other] + aligned(o.size));
        }
        plan.offsets[id] = candidate;
        plan.peakBytes = std::max(plan.peakBytes, candidate + size);
        const auto pos = std::upper_bound(placed.begin(), placed.end(), candidate,
                                          [&](Bytes off, int p) { return off < plan.offsets[p]; });
        placed.insert(pos, id);
    }
    return plan;
}

} // namespace dnas
