#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "common/units.h"
#include "cost/network.h"

namespace dnas {

enum class CostMode {
    Tflm,    // TFLite Micro arena planning (default)
    InPlace, // as Tflm, with depthwise convolutions computed in place (TinyEngine-style)
    Paper,   // the seed paper's RAM / flash formulas (seed-method.md)
};

std::string_view toString(CostMode mode);
std::optional<CostMode> parseCostMode(std::string_view text);

// Hard limits a network must meet. Latency is optional (an MCU has no natural latency limit).
struct Budgets {
    Bytes sramBytes = 0;
    Bytes flashBytes = 0;
    std::optional<double> latencyMs;
    bool operator==(const Budgets&) const = default;
};

// Costs of one operation.
struct LayerCost {
    std::string name;
    OpKind kind = OpKind::Conv2D;
    TensorShape input;
    TensorShape output;
    int kernel = 1;
    int stride = 1;
    Macs macs = 0;
    ParamCount params = 0; // weights + biases
    Bytes flashBytes = 0;  // weights, biases and quantisation parameters of this op
    Bytes scratchBytes = 0;
    // Arena bytes in use while the op runs: the sum of live buffers (tflm / inplace), or the
    // paper's (input + output) x alpha figure (paper).
    Bytes liveBytes = 0;
    // Highest arena address in use while the op runs (tflm / inplace): what the planner's
    // fragmentation adds to liveBytes. Equals liveBytes in paper mode.
    Bytes arenaExtentBytes = 0;
    double latencyMs = 0;
    double energyMj = 0;
};

// A budget the network exceeds; formatting to text is the front end's job.
struct BudgetViolation {
    enum class Resource { Sram, Flash, Latency } resource = Resource::Sram;
    double value = 0; // bytes, or milliseconds for latency
    double limit = 0;
};

std::string_view toString(BudgetViolation::Resource resource);

// Per-op and total costs of one network on one MCU and runtime, with the verdict.
struct CostReport {
    std::string network;
    std::string mcuId;
    std::string runtimeId;
    CostMode mode = CostMode::Tflm;
    std::vector<LayerCost> layers;

    Macs macs = 0;
    ParamCount params = 0;
    Bytes flashBytes = 0;         // weightBytes + modelOverheadBytes + codeBytes
    Bytes weightBytes = 0;        // int8 weights
    Bytes modelOverheadBytes = 0; // biases, quantisation parameters, per-op / per-tensor metadata
    Bytes codeBytes = 0;          // runtime and kernels
    Bytes peakSramBytes = 0;      // arenaBytes + persistentBytes + runtimeSramBytes
    Bytes arenaBytes = 0;         // planned activations and scratch
    Bytes persistentBytes = 0;    // arena tail that lives for the whole run
    Bytes runtimeSramBytes = 0;   // outside the arena
    int peakLayer = -1;           // op at which the arena extent is largest
    double latencyMs = 0;
    double energyMj = 0;

    Budgets budgets;
    bool fits = false;
    std::vector<BudgetViolation> violations;
};

// JSON with snake_case keys: macs, params, flash_bytes, peak_sram_bytes, latency_ms,
// energy_mj, fits, layers (one object per op), and the breakdowns.
void to_json(nlohmann::json& j, const LayerCost& layer);
void to_json(nlohmann::json& j, const CostReport& report);

} // namespace dnas
