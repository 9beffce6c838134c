#pragma once

#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "space/architecture.h"
#include "space/genome.h"

namespace dnas {

class JsonDocument;
class Rng;

// How a width gene turns a stage's base channel count into real channels.
enum class WidthRounding {
    MakeDivisible8, // MobileNetV2 width multiplier: round to a multiple of 8 (ours, default)
    Truncate,       // the paper's alpha mask: keep the first int(C * alpha) channels
};

// When the final 1x1 convolution (to `lastChannels`) is present.
enum class LastConv {
    Always,        // MobileNetV2
    WithLastStage, // the paper: it belongs to stage 7 and disappears with it
};

struct StageSpace {
    int channels = 0; // base (width 1.0) output channels
    int stride = 1;   // stride of the stage's first block
    int minDepth = 1;
    int maxDepth = 1;
    std::vector<int> expansions; // choices per block
    std::vector<int> kernels;    // choices per block
    bool operator==(const StageSpace&) const = default;
};

// The search space: data genes (resolutions, colour modes) and MobileNetV2 architecture genes
// (width, per-stage depth, per-block expansion and kernel). Presets "default" and "paper"
// ship as JSON in resources/spaces; users can write their own file (README "Search spaces").
class SearchSpace {
public:
    std::string name;
    std::string description;
    std::vector<int> resolutions;
    std::vector<ColourMode> colours;
    std::vector<double> widths;
    WidthRounding rounding = WidthRounding::MakeDivisible8;
    int stemChannels = 32;
    int stemKernel = 3;
    int stemStride = 2;
    std::vector<StageSpace> stages;
    int lastChannels = 1280;
    LastConv lastConv = LastConv::Always;
    bool scaleLastChannelsBelowOne = false; // the paper masks the last conv too
    bool contiguousDepths = true; // a stage may be non-empty only if all earlier stages are
    bool residuals = true;

    // "default", "paper" (and later presets); throws InputError listing the presets.
    static SearchSpace preset(const std::string& name);
    static std::vector<std::string> presetNames();
    // A preset name or a path to a space JSON file.
    static SearchSpace load(const std::string& presetOrFile);
    static SearchSpace fromDocument(const JsonDocument& doc);
    nlohmann::json toJson() const;

    std::size_t slotCount() const;
    std::size_t slotOffset(std::size_t stage) const;
    // Every depth vector allowed by the stage ranges and the contiguity rule.
    const std::vector<std::vector<int>>& depthVectors() const { return depthVectors_; }
    // Number of distinct networks x data configurations (inactive slots not counted).
    double cardinality() const;

    // Problems that make `c` not a member of this space (empty when it is).
    std::vector<std::string> check(const Candidate& c) const;
    // Resets inactive block slots to the first choices, so equal networks compare equal.
    Candidate canonical(Candidate c) const;
    // Uniform over data configurations, widths, valid depth vectors and block genes.
    Candidate sample(Rng& rng) const;
    Candidate largest() const;
    Candidate smallest() const;

    // The concrete network of a candidate (classes from the dataset).
    ArchitectureSpec decode(const Candidate& c, int classes) const;
    int channels(int baseChannels, double width) const;

    // Recomputes derived tables; call after editing the public fields by hand.
    void finalize();

private:
    std::vector<std::vector<int>> depthVectors_;
};

} // namespace dnas
