#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace dnas {

class JsonReader;

enum class ColourMode { Rgb, Grayscale };

std::string_view toString(ColourMode mode);
// Accepts "rgb"/"colour"/"color" and "gray"/"grey"/"grayscale"/"mono"/"monochrome".
std::optional<ColourMode> parseColourMode(std::string_view text);
inline int channelsOf(ColourMode mode) {
    return mode == ColourMode::Rgb ? 3 : 1;
}

// The data genes: which input the network sees.
struct DataConfig {
    int resolution = 0; // square input, pixels per side
    ColourMode colour = ColourMode::Rgb;
    bool operator==(const DataConfig&) const = default;
};

// Genes of one inverted-residual block slot.
struct BlockGenes {
    int expansion = 6;
    int kernel = 3;
    bool operator==(const BlockGenes&) const = default;
};

// The architecture genes. `depths` has one entry per stage of the space; `blocks` one entry
// per block slot (the sum of the stages' maximum depths), stage by stage. Slots beyond a
// stage's depth are inactive: they are kept so that mutation can re-activate them, and
// SearchSpace::canonical() resets them so that equal networks compare equal.
struct ArchGenome {
    double width = 1.0; // width multiplier (MobileNetV2 rounding) or alpha (paper truncation)
    std::vector<int> depths;
    std::vector<BlockGenes> blocks;
    bool operator==(const ArchGenome&) const = default;
};

// A point of the search space: data configuration + architecture.
struct Candidate {
    DataConfig data;
    ArchGenome arch;
    bool operator==(const Candidate&) const = default;
};

void to_json(nlohmann::json& j, const DataConfig& d);
void to_json(nlohmann::json& j, const BlockGenes& b);
void to_json(nlohmann::json& j, const ArchGenome& a);
void to_json(nlohmann::json& j, const Candidate& c);

// Structural reading of a candidate object at `path`; problems go to `reader`. Whether the
// genes belong to a given space is SearchSpace::check()'s job.
std::optional<Candidate> readCandidate(JsonReader& reader, const nlohmann::json& obj,
                                       const std::string& path);

} // namespace dnas
