#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "common/units.h"
#include "cost/network.h"

namespace dnas {

class JsonDocument;

// Class of inference runtime; a profile can carry several runtimes of different kinds.
enum class RuntimeKind {
    Reference,  // TensorFlow Lite Micro reference kernels
    CmsisNn,    // TFLM with optimised kernels (CMSIS-NN, ESP-NN, ...)
    TinyEngine, // code-generated, memory-scheduled runtimes (MCUNet's TinyEngine)
};

std::string_view toString(RuntimeKind kind);

// How one runtime performs on one MCU. Every figure is per inference with batch 1.
struct RuntimeProfile {
    std::string id;   // "tflm", "cmsis-nn", "tinyengine", ...
    std::string name; // shown to users
    RuntimeKind kind = RuntimeKind::Reference;
    // Latency: cycles = MACs x cycles-per-MAC (depthwise has its own figure) + elements of
    // element-wise ops (add, pooling) x cyclesPerElement + opOverheadCycles per op, plus
    // invokeOverheadCycles once.
    double cyclesPerMac = 1;
    double depthwiseCyclesPerMac = 1;
    double cyclesPerElement = 1;
    double opOverheadCycles = 0;
    double invokeOverheadCycles = 0;
    // Flash: runtime code, plus model metadata per op, per tensor and per output channel
    // (bias and quantisation parameters; the bias itself is counted here, not in weights).
    Bytes codeBytes = 0;
    Bytes flashBytesPerOp = 0;
    Bytes flashBytesPerTensor = 0;
    Bytes flashBytesPerChannel = 0;
    // SRAM: outside the arena (interpreter object, stack reserve), and the arena's persistent
    // tail per op, per tensor and per output channel (requantisation multipliers and shifts).
    Bytes sramOverheadBytes = 0;
    Bytes persistentBytesPerOp = 0;
    Bytes persistentBytesPerTensor = 0;
    Bytes persistentBytesPerChannel = 0;
    // Scratch buffers (live during their op only): bytes per element of the im2col patch
    // (input channels x kernel x kernel) for full and depthwise convolutions, and per input
    // channel for pointwise convolutions. A full convolution's patch is first rounded up to a
    // multiple of convScratchPatchAlignment elements; 3x3 depthwise convolutions have their own
    // figure (CMSIS-NN runs them without a buffer); it defaults to the depthwise one.
    double convScratchPerPatchElement = 0;
    Bytes convScratchPatchAlignment = 1;
    double depthwiseScratchPerPatchElement = 0;
    double depthwise3x3ScratchPerPatchElement = 0;
    double pointwiseScratchPerInputChannel = 0;
    Bytes bufferAlignment = 16;
    std::map<std::string, std::string> sources; // field name -> where the figure comes from

    double cyclesPerMacFor(OpKind kind) const {
        return kind == OpKind::DepthwiseConv2D ? depthwiseCyclesPerMac : cyclesPerMac;
    }
    bool operator==(const RuntimeProfile&) const = default;
};

// A microcontroller board: budgets, clock, power and the runtimes it can use. Profiles ship
// as JSON in resources/mcus (README "MCU profiles"); users add their own files.
struct McuProfile {
    std::string id;   // lower-case identifier used on the command line
    std::string name; // "STM32F746 Discovery"
    std::string core; // "Cortex-M7"
    double clockHz = 0;
    Bytes sramBytes = 0;
    Bytes flashBytes = 0;
    double activePowerMw = 0; // typical run power at clockHz (datasheet)
    std::string defaultRuntime;
    std::vector<RuntimeProfile> runtimes;
    std::map<std::string, std::string> sources;
    std::string origin; // file it was read from, or "<built-in>"

    // nullptr when the profile has no runtime of that id.
    const RuntimeProfile* runtime(const std::string& id) const;
    std::vector<std::string> runtimeIds() const;
    bool operator==(const McuProfile&) const = default;
};

// Reads one profile; throws InputError naming file, line and field for every problem.
McuProfile readMcuProfile(const JsonDocument& doc);
void to_json(nlohmann::json& j, const RuntimeProfile& r);
void to_json(nlohmann::json& j, const McuProfile& p);

} // namespace dnas
