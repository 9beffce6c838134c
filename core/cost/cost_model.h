#pragma once

#include <vector>

#include "cost/arena_planner.h"
#include "cost/cost_report.h"
#include "cost/mcu_profile.h"
#include "cost/network.h"

namespace dnas {

// Estimates what a network costs on an MCU under int8 deployment: int8 weights (per-channel
// quantised) and activations, int32 biases, batch norm folded into the convolutions.
// Stateless apart from reusable scratch vectors: one instance per thread; estimate() is
// cheap enough to screen every candidate of a search (see `dnas bench cost`).
class CostModel {
public:
    CostReport estimate(const Network& net, const McuProfile& mcu, const RuntimeProfile& runtime,
                        CostMode mode, const Budgets& budgets);
    // Budgets of the MCU itself (its SRAM and flash, no latency limit).
    static Budgets budgetsOf(const McuProfile& mcu) { return {mcu.sramBytes, mcu.flashBytes, {}}; }

private:
    void planMemory(const Network& net, const RuntimeProfile& runtime, bool inPlaceDepthwise,
                    CostReport& report);
    void paperMemory(const Network& net, CostReport& report);
    void verdict(CostReport& report) const;

    std::vector<BufferRequest> buffers_;
    std::vector<BufferRequest> scratch_;
    std::vector<int> bufferOfTensor_;
    std::vector<int> lastUse_;
};

} // namespace dnas
