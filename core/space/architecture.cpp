#include "space/architecture.h"

#include <algorithm>
#include <cmath>

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "common/json_document.h"
#include "common/json_reader.h"

namespace dnas {
namespace {

struct StageRow {
    int expansion;
    int channels;
    int repeats;
    int stride;
};

// Sandler et al. 2018, Table 2.
constexpr StageRow kMobileNetV2[] = {
    {1, 16, 1, 1}, {6, 24, 2, 2},  {6, 32, 3, 2},  {6, 64, 4, 2},
    {6, 96, 3, 1}, {6, 160, 3, 2}, {6, 320, 1, 1},
};

// Feature-map side after each strided layer; returns the first layer (as text) whose input
// is smaller than its stride, or an empty string when every layer is fine.
std::string firstStarvedLayer(const ArchitectureSpec& spec, int resolution) {
    auto next = [](int side, int stride) {
        return (side + stride - 1) / stride;
    };
    int side = resolution;
    if (side < spec.stemStride)
        return "the stem (stride " + std::to_string(spec.stemStride) + ") would receive a " +
               std::to_string(side) + "x" + std::to_string(side) + " input";
    side = next(side, spec.stemStride);
    for (std::size_t i = 0; i < spec.blocks.size(); ++i) {
        const int stride = spec.blocks[i].stride;
        if (side < stride)
            return "block " + std::to_string(i) + " (stride " + std::to_string(stride) +
                   ") would receive a " + std::to_string(side) + "x" + std::to_string(side) +
                   " feature map";
        side = next(side, stride);
    }
    return {};
}

struct SizeBound {
    double macs = 0;
    double activations = 0;
    double params = 0;
};

// MACs, activation and parameter elements of the network, in floating point (which cannot
// overflow) so that oversized networks are refused before any integer count is made.
SizeBound sizeBound(const ArchitectureSpec& spec) {
    SizeBound s;
    auto next = [](double side, int stride) {
        return std::ceil(side / stride);
    };
    double side = spec.resolution;
    double channels = spec.inputChannels;
    auto layer = [&](double outSide, double outChannels, double macsPerOutput, double params) {
        s.macs += outSide * outSide * outChannels * macsPerOutput;
        s.activations += outSide * outSide * outChannels;
        s.params += params;
        side = outSide;
        channels = outChannels;
    };
    s.activations += side * side * channels;
    const double k2 = double(spec.stemKernel) * spec.stemKernel;
    layer(next(side, spec.stemStride), spec.stemChannels, k2 * channels,
          k2 * channels * spec.stemChannels);
    for (std::size_t i = 0; i < spec.blocks.size(); ++i) {
        const auto& b = spec.blocks[i];
        const double expanded = spec.expandedChannels(i);
        layer(side, expanded, channels, channels * expanded);
        const double bk2 = double(b.kernel) * b.kernel;
        layer(next(side, b.stride), expanded, bk2, bk2 * expanded);
        layer(side, b.outChannels, expanded, expanded * b.outChannels);
    }
    if (spec.lastChannels > 0)
        layer(side, spec.lastChannels, channels, channels * spec.lastChannels);
    s.macs += channels * spec.classes;
    s.params += channels * spec.classes;
    return s;
}

} // namespace

int ArchitectureSpec::blockInputChannels(std::size_t i) const {
    return i == 0 ? stemChannels : blocks[i - 1].outChannels;
}

int ArchitectureSpec::expandedChannels(std::size_t i) const {
    const auto& b = blocks[i];
    return b.expandedChannels > 0 ? b.expandedChannels : blockInputChannels(i) * b.expansion;
}

Padding samePadding(int size, int kernel, int stride) {
    const int out = (size + stride - 1) / stride;
    const int total = std::max((out - 1) * stride + kernel - size, 0);
    return {total / 2, total - total / 2};
}

int makeDivisible(double value, int divisor) {
    int rounded = std::max(divisor, static_cast<int>(value + divisor / 2.0) / divisor * divisor);
    if (rounded < 0.9 * value)
        rounded += divisor;
    return rounded;
}

ArchitectureSpec mobileNetV2(double width, int resolution, int classes, int inputChannels) {
    ArchitectureSpec spec;
    char name[64];
    std::snprintf(name, sizeof name, "mobilenetv2-%.2f-%d", width, resolution);
    spec.name = name;
    spec.resolution = resolution;
    spec.inputChannels = inputChannels;
    spec.classes = classes;
    spec.stemChannels = makeDivisible(32 * width);
    for (const auto& row : kMobileNetV2) {
        for (int r = 0; r < row.repeats; ++r) {
            BlockSpec b;
            b.expansion = row.expansion;
            b.kernel = 3;
            b.stride = r == 0 ? row.stride : 1;
            b.outChannels = makeDivisible(row.channels * width);
            spec.blocks.push_back(b);
        }
    }
    spec.lastChannels = width > 1.0 ? makeDivisible(1280 * width) : 1280;
    return spec;
}

int minimumResolution(const ArchitectureSpec& spec) {
    for (int r = 1; r < 1 << 16; ++r)
        if (firstStarvedLayer(spec, r).empty())
            return r;
    return 1 << 16;
}

void validateArchitecture(const ArchitectureSpec& spec, const std::string& origin) {
    std::vector<InputProblem> problems;
    auto bad = [&](std::string field, std::string message) {
        problems.push_back({origin, 0, std::move(field), std::move(message)});
    };
    auto positive = [&](const std::string& field, long long v) {
        if (v <= 0)
            bad(field, "must be positive, found " + std::to_string(v));
    };
    positive("input.resolution", spec.resolution);
    if (spec.resolution > kMaxResolution)
        bad("input.resolution", "must be at most " + std::to_string(kMaxResolution) +
                                    " pixels, found " + std::to_string(spec.resolution));
    if (spec.blocks.size() > kMaxBlocks)
        bad("blocks", "at most " + std::to_string(kMaxBlocks) +
                          " blocks (repeats counted), found " + std::to_string(spec.blocks.size()));
    auto channelCount = [&](const std::string& field, long long v) {
        if (v > kMaxChannels)
            bad(field, "must be at most " + std::to_string(kMaxChannels) + " channels, found " +
                           std::to_string(v));
    };
    channelCount("stem.channels", spec.stemChannels);
    channelCount("head.last_channels", spec.lastChannels);
    channelCount("head.classes", spec.classes);
    if (spec.inputChannels != 1 && spec.inputChannels != 3)
        bad("input.channels",
            "must be 1 (grayscale) or 3 (RGB), found " + std::to_string(spec.inputChannels));
    positive("stem.channels", spec.stemChannels);
    if (spec.stemKernel <= 0 || spec.stemKernel % 2 == 0)
        bad("stem.kernel",
            "must be a positive odd number, found " + std::to_string(spec.stemKernel));
    if (spec.stemStride != 1 && spec.stemStride != 2)
        bad("stem.stride", "must be 1 or 2, found " + std::to_string(spec.stemStride));
    for (std::size_t i = 0; i < spec.blocks.size(); ++i) {
        const auto& b = spec.blocks[i];
        const std::string at = "blocks[" + std::to_string(i) + "]";
        positive(at + ".expansion", b.expansion);
        if (b.expandedChannels < 0)
            bad(at + ".expanded_channels", "must not be negative");
        if (b.kernel <= 0 || b.kernel % 2 == 0)
            bad(at + ".kernel", "must be a positive odd number, found " + std::to_string(b.kernel));
        if (b.stride != 1 && b.stride != 2)
            bad(at + ".stride", "must be 1 or 2, found " + std::to_string(b.stride));
        positive(at + ".out_channels", b.outChannels);
        channelCount(at + ".out_channels", b.outChannels);
        if (problems.empty() && spec.expandedChannels(i) > kMaxChannels)
            bad(at + ".expansion", "expands to " + std::to_string(spec.expandedChannels(i)) +
                                       " channels, more than " + std::to_string(kMaxChannels));
    }
    if (spec.lastChannels < 0)
        bad("head.last_channels", "must not be negative (0 means no final convolution)");
    positive("head.classes", spec.classes);
    if (problems.empty()) {
        const auto size = sizeBound(spec);
        char text[160];
        if (size.macs > kMaxNetworkMacs || size.activations > kMaxNetworkElements ||
            size.params > kMaxNetworkElements) {
            std::snprintf(text, sizeof text,
                          "the network is too large to cost: %.3g MACs, %.3g activation and %.3g "
                          "parameter elements (limits %.0e and %.0e)",
                          size.macs, size.activations, size.params, kMaxNetworkMacs,
                          kMaxNetworkElements);
            bad("input.resolution", text);
        }
    }
    if (problems.empty() && spec.resolution > 0) {
        const auto starved = firstStarvedLayer(spec, spec.resolution);
        if (!starved.empty())
            bad("input.resolution", "resolution " + std::to_string(spec.resolution) +
                                        " is too small for this network's strides: " + starved +
                                        "; use at least " +
                                        std::to_string(minimumResolution(spec)));
    }
    if (!problems.empty())
        throw InputError(std::move(problems));
}

ArchitectureSpec readArchitecture(const JsonDocument& doc) {
    JsonReader r(doc);
    const auto& root = doc.root();
    ArchitectureSpec spec;
    spec.name.clear();
    if (!root.is_object()) {
        r.problem("", "expected a JSON object describing an architecture");
        r.throwIfProblems();
    }
    r.onlyKeys(root, "",
               {"schema_version", "name", "input", "stem", "blocks", "head", "residuals"});
    r.integer(root, "", "schema_version", Presence::Optional, 1, 1);
    spec.name = r.string(root, "", "name", Presence::Optional).value_or("");
    constexpr long long kMax = 1 << 16;
    if (const auto* input = r.object(root, "", "input", Presence::Required)) {
        r.onlyKeys(*input, "input", {"resolution", "channels"});
        spec.resolution = static_cast<int>(
            r.integer(*input, "input", "resolution", Presence::Required, 1, kMaxResolution)
                .value_or(0));
        spec.inputChannels = static_cast<int>(
            r.integer(*input, "input", "channels", Presence::Optional, 1, 3).value_or(3));
        if (spec.inputChannels == 2)
            r.problem("input.channels", "must be 1 (grayscale) or 3 (RGB), found 2");
    }
    if (const auto* stem = r.object(root, "", "stem", Presence::Required)) {
        r.onlyKeys(*stem, "stem", {"channels", "kernel", "stride"});
        spec.stemChannels = static_cast<int>(
            r.integer(*stem, "stem", "channels", Presence::Required, 1, kMax).value_or(1));
        spec.stemKernel = static_cast<int>(
            r.integer(*stem, "stem", "kernel", Presence::Optional, 1, 15).value_or(3));
        spec.stemStride = static_cast<int>(
            r.integer(*stem, "stem", "stride", Presence::Optional, 1, 2).value_or(2));
    }
    if (const auto* blocks = r.array(root, "", "blocks", Presence::Required)) {
        for (std::size_t i = 0; i < blocks->size(); ++i) {
            const auto at = JsonReader::index("blocks", i);
            const auto& item = (*blocks)[i];
            r.onlyKeys(
                item, at,
                {"expansion", "expanded_channels", "kernel", "stride", "out_channels", "repeat"});
            BlockSpec b;
            b.expansion = static_cast<int>(
                r.integer(item, at, "expansion", Presence::Required, 1, 64).value_or(1));
            b.expandedChannels = static_cast<int>(
                r.integer(item, at, "expanded_channels", Presence::Optional, 1, kMax).value_or(0));
            b.kernel = static_cast<int>(
                r.integer(item, at, "kernel", Presence::Required, 1, 15).value_or(3));
            b.stride = static_cast<int>(
                r.integer(item, at, "stride", Presence::Optional, 1, 2).value_or(1));
            b.outChannels = static_cast<int>(
                r.integer(item, at, "out_channels", Presence::Required, 1, kMax).value_or(1));
            if (b.kernel % 2 == 0)
                r.problem(JsonReader::key(at, "kernel"),
                          "must be odd, found " + std::to_string(b.kernel));
            const int repeat = static_cast<int>(
                r.integer(item, at, "repeat", Presence::Optional, 1, 64).value_or(1));
            if (spec.blocks.size() + repeat > kMaxBlocks) {
                r.problem(at, "more than " + std::to_string(kMaxBlocks) +
                                  " blocks (repeats counted); not a microcontroller network");
                break;
            }
            for (int k = 0; k < repeat; ++k) {
                spec.blocks.push_back(b);
                b.stride = 1;
                b.expandedChannels = 0;
            }
        }
    }
    if (const auto* head = r.object(root, "", "head", Presence::Required)) {
        r.onlyKeys(*head, "head", {"last_channels", "classes"});
        spec.lastChannels = static_cast<int>(
            r.integer(*head, "head", "last_channels", Presence::Optional, 0, kMax).value_or(0));
        spec.classes = static_cast<int>(
            r.integer(*head, "head", "classes", Presence::Required, 1, kMax).value_or(1));
    }
    spec.residuals = r.boolean(root, "", "residuals", Presence::Optional).value_or(true);
    if (spec.stemKernel % 2 == 0)
        r.problem("stem.kernel", "must be odd, found " + std::to_string(spec.stemKernel));
    r.throwIfProblems();
    try {
        validateArchitecture(spec, doc.origin());
    } catch (const InputError& e) {
        // Re-locate the problems on the lines of the fields they name.
        std::vector<InputProblem> located = e.problems();
        for (auto& p : located)
            p.line = doc.lineOf(p.field);
        throw InputError(std::move(located));
    }
    return spec;
}

void to_json(nlohmann::json& j, const ArchitectureSpec& spec) {
    nlohmann::json blocks = nlohmann::json::array();
    for (const auto& b : spec.blocks) {
        nlohmann::json jb = {{"expansion", b.expansion},
                             {"kernel", b.kernel},
                             {"stride", b.stride},
                             {"out_channels", b.outChannels}};
        if (b.expandedChannels > 0)
            jb["expanded_channels"] = b.expandedChannels;
        blocks.push_back(std::move(jb));
    }
    j = {{"schema_version", 1},
         {"name", spec.name},
         {"input", {{"resolution", spec.resolution}, {"channels", spec.inputChannels}}},
         {"stem",
          {{"channels", spec.stemChannels},
           {"kernel", spec.stemKernel},
           {"stride", spec.stemStride}}},
         {"blocks", std::move(blocks)},
         {"head", {{"last_channels", spec.lastChannels}, {"classes", spec.classes}}},
         {"residuals", spec.residuals}};
}

} // namespace dnas
