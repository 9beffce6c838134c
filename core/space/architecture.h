#pragma once

#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace dnas {

class JsonDocument;

// One inverted-residual (MobileNetV2) block: optional 1x1 expansion, k x k depthwise,
// 1x1 linear projection; an identity shortcut when the stride is 1 and channels match.
struct BlockSpec {
    int expansion = 6;        // expansion ratio t; 1 means the block has no expand convolution
    int expandedChannels = 0; // 0: input channels x expansion; set explicitly for alpha masks
    int kernel = 3;           // depthwise kernel (odd)
    int stride = 1;           // 1 or 2, applied by the depthwise convolution
    int outChannels = 0;
    bool operator==(const BlockSpec&) const = default;
};

// A concrete MobileNetV2-family network: what the architecture JSON file describes, what a
// candidate of the search space decodes to, and what the cost model and (later) the supernet
// extraction consume.
struct ArchitectureSpec {
    std::string name;
    int resolution = 0;    // square input, pixels per side
    int inputChannels = 3; // 3 for RGB, 1 for grayscale
    int stemChannels = 32;
    int stemKernel = 3;
    int stemStride = 2;
    std::vector<BlockSpec> blocks;
    int lastChannels = 1280; // final 1x1 convolution before pooling; 0 = none
    int classes = 2;
    bool residuals = true; // identity shortcuts where stride 1 and in == out channels
    bool operator==(const ArchitectureSpec&) const = default;

    // Channels entering block `i` (the stem's output for block 0).
    int blockInputChannels(std::size_t i) const;
    int expandedChannels(std::size_t i) const;
};

// TensorFlow / TFLite "SAME" padding of one spatial dimension of `size` for a `kernel` at
// `stride`: the output has ceil(size / stride) positions and the padding (before, after) puts
// the odd pixel after (bottom / right). Every convolution of DNAS Studio's networks pads this
// way, so that an exported int8 model needs no PAD operators and computes what was trained.
struct Padding {
    int before = 0;
    int after = 0;
    bool operator==(const Padding&) const = default;
};
Padding samePadding(int size, int kernel, int stride);

// MobileNetV2's channel rounding: nearest multiple of `divisor`, at least `divisor`, and never
// more than 10 % below `value` (Sandler et al. reference code, `_make_divisible`).
int makeDivisible(double value, int divisor = 8);

// Standard MobileNetV2 (Sandler et al. 2018, Table 2) with width multiplier `width` at
// `resolution`: channels rounded to multiples of 8, 1280 last channels for width <= 1.
ArchitectureSpec mobileNetV2(double width, int resolution, int classes, int inputChannels = 3);

// Checks sizes (positive channels, odd kernels, strides 1 or 2, classes >= 1) and that the
// resolution survives the network's strides: every strided layer must receive a feature map
// at least as large as its stride. Throws InputError naming each problem; `origin` names the
// source in messages (a file, or "--mobilenetv2").
void validateArchitecture(const ArchitectureSpec& spec, const std::string& origin = {});

// Limits of what DNAS Studio accepts and costs, far beyond any microcontroller network and
// well inside the 64-bit counters of the cost model (so no sum can overflow), the same for an
// architecture file, a command-line option and the GUI.
inline constexpr int kMaxResolution = 8192;
inline constexpr int kMaxChannels = 1 << 16;
inline constexpr std::size_t kMaxBlocks = 1000;
inline constexpr double kMaxNetworkMacs = 1e15;
inline constexpr double kMaxNetworkElements = 1e13; // activation or parameter elements

// The smallest square resolution that validateArchitecture() accepts for these strides.
int minimumResolution(const ArchitectureSpec& spec);

// Architecture JSON (format in README "Architecture files"); throws InputError with line and
// field for every problem, then validates.
ArchitectureSpec readArchitecture(const JsonDocument& doc);
void to_json(nlohmann::json& j, const ArchitectureSpec& spec);

} // namespace dnas
