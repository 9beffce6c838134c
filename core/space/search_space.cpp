#include "space/search_space.h"

#include <algorithm>
#include <cmath>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "common/embedded_resources.h"
#include "common/error.h"
#include "common/json_document.h"
#include "common/json_reader.h"
#include "common/rng.h"
#include "common/strings.h"

namespace dnas {
namespace {

const char* roundingName(WidthRounding r) {
    return r == WidthRounding::MakeDivisible8 ? "make_divisible_8" : "truncate";
}

const char* lastConvName(LastConv l) {
    return l == LastConv::Always ? "always" : "with_last_stage";
}

template <class T>
bool contains(const std::vector<T>& values, const T& v) {
    return std::find(values.begin(), values.end(), v) != values.end();
}

bool containsWidth(const std::vector<double>& widths, double w) {
    return std::any_of(widths.begin(), widths.end(),
                       [&](double x) { return std::abs(x - w) < 1e-9; });
}

std::vector<int> readIntList(JsonReader& r, const nlohmann::json& obj, const std::string& path,
                             const char* key, long long min, long long max, bool distinct = true) {
    std::vector<int> out;
    if (const auto* list = r.array(obj, path, key, Presence::Required)) {
        if (list->empty())
            r.problem(JsonReader::key(path, key), "must list at least one value");
        for (std::size_t i = 0; i < list->size(); ++i) {
            const auto at = JsonReader::index(JsonReader::key(path, key), i);
            if (auto v = r.integerValue((*list)[i], at, min, max)) {
                if (distinct && contains(out, static_cast<int>(*v)))
                    r.problem(at, "lists " + std::to_string(*v) + " a second time");
                out.push_back(static_cast<int>(*v));
            }
        }
    }
    return out;
}

// Depth vectors a space may list (all are kept in memory); MobileNetV2-like spaces have
// hundreds.
constexpr double kMaxDepthVectors = 1e6;

std::string formatCount(double n) {
    char text[32];
    std::snprintf(text, sizeof text, n < 1e7 ? "%.0f" : "%.3g", n);
    return text;
}

// Classes assumed when a space is checked on its own (the dataset is not known yet).
constexpr int kLargestClassCount = 1000;

} // namespace

std::vector<std::string> SearchSpace::presetNames() {
    std::vector<std::string> names;
    for (const auto& file : embeddedFiles()) {
        const std::string_view path = file.path;
        if (path.starts_with("spaces/") && path.ends_with(".json"))
            names.emplace_back(path.substr(7, path.size() - 12));
    }
    return names;
}

SearchSpace SearchSpace::preset(const std::string& name) {
    const auto text = embeddedFile("spaces/" + name + ".json");
    if (!text) {
        throw InputError("--space", "unknown search-space preset '" + name +
                                        "' (presets: " + join(presetNames()) + ")");
    }
    return fromDocument(JsonDocument::fromText(std::string(*text), "<preset " + name + ">"));
}

SearchSpace SearchSpace::load(const std::string& presetOrFile) {
    if (embeddedFile("spaces/" + presetOrFile + ".json"))
        return preset(presetOrFile);
    std::error_code ec;
    if (std::filesystem::exists(presetOrFile, ec))
        return fromDocument(JsonDocument::fromFile(presetOrFile));
    throw InputError("--space", "'" + presetOrFile + "' is neither a preset (" +
                                    join(presetNames()) + ") nor an existing file");
}

SearchSpace SearchSpace::fromDocument(const JsonDocument& doc) {
    JsonReader r(doc);
    const auto& root = doc.root();
    SearchSpace s;
    r.onlyKeys(root, "",
               {"schema_version", "name", "description", "data", "width", "stem", "stages", "head",
                "contiguous_depths", "residuals"});
    r.integer(root, "", "schema_version", Presence::Required, 1, 1);
    s.name = r.string(root, "", "name", Presence::Required).value_or("");
    s.description = r.string(root, "", "description", Presence::Optional).value_or("");
    if (const auto* data = r.object(root, "", "data", Presence::Required)) {
        r.onlyKeys(*data, "data", {"resolutions", "colours"});
        s.resolutions = readIntList(r, *data, "data", "resolutions", 1, 8192);
        if (const auto* colours = r.array(*data, "data", "colours", Presence::Required)) {
            for (std::size_t i = 0; i < colours->size(); ++i) {
                const auto at = JsonReader::index("data.colours", i);
                const auto& v = (*colours)[i];
                const auto mode =
                    v.is_string() ? parseColourMode(v.get<std::string>()) : std::nullopt;
                if (mode)
                    s.colours.push_back(*mode);
                else
                    r.problem(at, "expected \"rgb\" or \"grayscale\", found " + v.dump());
            }
            if (colours->empty())
                r.problem("data.colours", "must list at least one colour mode");
        }
    }
    if (const auto* width = r.object(root, "", "width", Presence::Required)) {
        r.onlyKeys(*width, "width", {"values", "rounding"});
        if (const auto* values = r.array(*width, "width", "values", Presence::Required)) {
            for (std::size_t i = 0; i < values->size(); ++i)
                if (auto v = r.numberValue((*values)[i], JsonReader::index("width.values", i), 0.01,
                                           4.0))
                    s.widths.push_back(*v);
            if (values->empty())
                r.problem("width.values", "must list at least one width");
        }
        const auto rounding =
            r.string(*width, "width", "rounding", Presence::Optional).value_or("make_divisible_8");
        if (rounding == "make_divisible_8")
            s.rounding = WidthRounding::MakeDivisible8;
        else if (rounding == "truncate")
            s.rounding = WidthRounding::Truncate;
        else
            r.problem("width.rounding",
                      "expected \"make_divisible_8\" or \"truncate\", found \"" + rounding + "\"");
    }
    if (const auto* stem = r.object(root, "", "stem", Presence::Required)) {
        r.onlyKeys(*stem, "stem", {"channels", "kernel", "stride"});
        s.stemChannels = static_cast<int>(
            r.integer(*stem, "stem", "channels", Presence::Required, 1, 4096).value_or(32));
        s.stemKernel = static_cast<int>(
            r.integer(*stem, "stem", "kernel", Presence::Optional, 1, 15).value_or(3));
        s.stemStride = static_cast<int>(
            r.integer(*stem, "stem", "stride", Presence::Optional, 1, 2).value_or(2));
    }
    if (const auto* stages = r.array(root, "", "stages", Presence::Required)) {
        if (stages->empty())
            r.problem("stages", "must list at least one stage");
        for (std::size_t i = 0; i < stages->size(); ++i) {
            const auto at = JsonReader::index("stages", i);
            const auto& item = (*stages)[i];
            r.onlyKeys(item, at, {"channels", "stride", "depth", "expansions", "kernels"});
            StageSpace st;
            st.channels = static_cast<int>(
                r.integer(item, at, "channels", Presence::Required, 1, 8192).value_or(1));
            st.stride = static_cast<int>(
                r.integer(item, at, "stride", Presence::Required, 1, 2).value_or(1));
            const auto depth = readIntList(r, item, at, "depth", 0, 32, false);
            if (depth.size() == 2 && depth[0] <= depth[1]) {
                st.minDepth = depth[0];
                st.maxDepth = depth[1];
            } else if (!depth.empty()) {
                r.problem(JsonReader::key(at, "depth"), "expected [min, max] with min <= max");
            }
            st.expansions = readIntList(r, item, at, "expansions", 1, 64);
            st.kernels = readIntList(r, item, at, "kernels", 1, 15);
            for (int k : st.kernels)
                if (k % 2 == 0)
                    r.problem(JsonReader::key(at, "kernels"),
                              "kernels must be odd, found " + std::to_string(k));
            s.stages.push_back(std::move(st));
        }
    }
    if (const auto* head = r.object(root, "", "head", Presence::Required)) {
        r.onlyKeys(*head, "head", {"last_channels", "last_conv", "scale_last_channels"});
        s.lastChannels = static_cast<int>(
            r.integer(*head, "head", "last_channels", Presence::Required, 0, 65536).value_or(0));
        const auto lastConv =
            r.string(*head, "head", "last_conv", Presence::Optional).value_or("always");
        if (lastConv == "always")
            s.lastConv = LastConv::Always;
        else if (lastConv == "with_last_stage")
            s.lastConv = LastConv::WithLastStage;
        else
            r.problem("head.last_conv",
                      "expected \"always\" or \"with_last_stage\", found \"" + lastConv + "\"");
        const auto scale = r.string(*head, "head", "scale_last_channels", Presence::Optional)
                               .value_or("above_one");
        if (scale == "above_one" || scale == "always")
            s.scaleLastChannelsBelowOne = scale == "always";
        else
            r.problem("head.scale_last_channels",
                      "expected \"above_one\" or \"always\", found \"" + scale + "\"");
    }
    s.contiguousDepths =
        r.boolean(root, "", "contiguous_depths", Presence::Optional).value_or(true);
    s.residuals = r.boolean(root, "", "residuals", Presence::Optional).value_or(true);
    r.throwIfProblems();
    // finalize() lists every depth vector; their count is the product of the stages' ranges.
    double depthVectors = 1;
    for (const auto& st : s.stages)
        depthVectors *= st.maxDepth - st.minDepth + 1;
    if (depthVectors > kMaxDepthVectors)
        throw InputError({{doc.origin(), doc.lineOf("stages"), "stages",
                           "the stages' depth ranges combine to " + formatCount(depthVectors) +
                               " depth vectors, more than the " + formatCount(kMaxDepthVectors) +
                               " a space may have"}});
    s.finalize();
    if (s.depthVectors_.empty())
        throw InputError({{doc.origin(), doc.lineOf("stages"), "stages",
                           "no depth vector satisfies the stage ranges"}});
    try { // the largest candidate within the limits every architecture must meet
        validateArchitecture(s.decode(s.largest(), kLargestClassCount), doc.origin());
    } catch (const InputError& e) {
        throw InputError({{doc.origin(), doc.lineOf("stages"), "stages",
                           "the space's largest candidate is not a valid network: " +
                               e.problems().front().field + ": " + e.problems().front().message}});
    }
    return s;
}

nlohmann::json SearchSpace::toJson() const {
    nlohmann::json stagesJson = nlohmann::json::array();
    for (const auto& st : stages)
        stagesJson.push_back({{"channels", st.channels},
                              {"stride", st.stride},
                              {"depth", {st.minDepth, st.maxDepth}},
                              {"expansions", st.expansions},
                              {"kernels", st.kernels}});
    nlohmann::json colourList = nlohmann::json::array();
    for (auto c : colours)
        colourList.push_back(toString(c));
    return {{"schema_version", 1},
            {"name", name},
            {"description", description},
            {"data", {{"resolutions", resolutions}, {"colours", colourList}}},
            {"width", {{"values", widths}, {"rounding", roundingName(rounding)}}},
            {"stem", {{"channels", stemChannels}, {"kernel", stemKernel}, {"stride", stemStride}}},
            {"stages", stagesJson},
            {"head",
             {{"last_channels", lastChannels},
              {"last_conv", lastConvName(lastConv)},
              {"scale_last_channels", scaleLastChannelsBelowOne ? "always" : "above_one"}}},
            {"contiguous_depths", contiguousDepths},
            {"residuals", residuals}};
}

void SearchSpace::finalize() {
    depthVectors_.clear();
    std::vector<int> current(stages.size(), 0);
    auto recurse = [&](auto&& self, std::size_t stage, bool emptySeen) -> void {
        if (stage == stages.size()) {
            depthVectors_.push_back(current);
            return;
        }
        for (int d = stages[stage].minDepth; d <= stages[stage].maxDepth; ++d) {
            if (contiguousDepths && emptySeen && d > 0)
                continue;
            current[stage] = d;
            self(self, stage + 1, emptySeen || d == 0);
        }
    };
    recurse(recurse, 0, false);
}

std::size_t SearchSpace::slotCount() const {
    return slotOffset(stages.size());
}

std::size_t SearchSpace::slotOffset(std::size_t stage) const {
    std::size_t offset = 0;
    for (std::size_t i = 0; i < stage && i < stages.size(); ++i)
        offset += static_cast<std::size_t>(stages[i].maxDepth);
    return offset;
}

double SearchSpace::cardinality() const {
    double networks = 0;
    for (const auto& depths : depthVectors_) {
        double n = 1;
        for (std::size_t s = 0; s < stages.size(); ++s)
            n *= std::pow(
                static_cast<double>(stages[s].expansions.size() * stages[s].kernels.size()),
                depths[s]);
        networks += n;
    }
    return networks * static_cast<double>(widths.size()) *
           static_cast<double>(resolutions.size() * colours.size());
}

std::vector<std::string> SearchSpace::check(const Candidate& c) const {
    std::vector<std::string> problems;
    if (!contains(resolutions, c.data.resolution))
        problems.push_back("resolution " + std::to_string(c.data.resolution) +
                           " is not in the space");
    if (!contains(colours, c.data.colour))
        problems.push_back("colour mode " + std::string(toString(c.data.colour)) +
                           " is not in the space");
    if (!containsWidth(widths, c.arch.width))
        problems.push_back("width " + std::to_string(c.arch.width) + " is not in the space");
    if (c.arch.depths.size() != stages.size()) {
        problems.push_back("expected " + std::to_string(stages.size()) + " stage depths, found " +
                           std::to_string(c.arch.depths.size()));
        return problems;
    }
    if (!contains(depthVectors_, c.arch.depths))
        problems.push_back("depth vector is outside the stage ranges or not contiguous");
    if (c.arch.blocks.size() != slotCount()) {
        problems.push_back("expected " + std::to_string(slotCount()) + " block genes, found " +
                           std::to_string(c.arch.blocks.size()));
        return problems;
    }
    for (std::size_t s = 0; s < stages.size(); ++s) {
        for (int d = 0; d < c.arch.depths[s] && d < stages[s].maxDepth; ++d) {
            const auto slot = slotOffset(s) + static_cast<std::size_t>(d);
            const auto& g = c.arch.blocks[slot];
            if (!contains(stages[s].expansions, g.expansion))
                problems.push_back("block " + std::to_string(slot) + ": expansion " +
                                   std::to_string(g.expansion) + " is not allowed in stage " +
                                   std::to_string(s));
            if (!contains(stages[s].kernels, g.kernel))
                problems.push_back("block " + std::to_string(slot) + ": kernel " +
                                   std::to_string(g.kernel) + " is not allowed in stage " +
                                   std::to_string(s));
        }
    }
    return problems;
}

Candidate SearchSpace::canonical(Candidate c) const {
    for (std::size_t s = 0; s < stages.size() && s < c.arch.depths.size(); ++s)
        for (int d = std::max(0, c.arch.depths[s]); d < stages[s].maxDepth; ++d) {
            const auto slot = slotOffset(s) + static_cast<std::size_t>(d);
            if (slot < c.arch.blocks.size())
                c.arch.blocks[slot] = {stages[s].expansions.front(), stages[s].kernels.front()};
        }
    return c;
}

Candidate SearchSpace::sample(Rng& rng) const {
    Candidate c;
    c.data.resolution = rng.pick(resolutions);
    c.data.colour = rng.pick(colours);
    c.arch.width = rng.pick(widths);
    c.arch.depths = rng.pick(depthVectors_);
    c.arch.blocks.reserve(slotCount());
    for (const auto& st : stages)
        for (int d = 0; d < st.maxDepth; ++d)
            c.arch.blocks.push_back({rng.pick(st.expansions), rng.pick(st.kernels)});
    return canonical(std::move(c));
}

Candidate SearchSpace::largest() const {
    Candidate c;
    c.data.resolution = *std::max_element(resolutions.begin(), resolutions.end());
    c.data.colour = contains(colours, ColourMode::Rgb) ? ColourMode::Rgb : colours.front();
    c.arch.width = *std::max_element(widths.begin(), widths.end());
    for (const auto& st : stages) {
        c.arch.depths.push_back(st.maxDepth);
        for (int d = 0; d < st.maxDepth; ++d)
            c.arch.blocks.push_back({*std::max_element(st.expansions.begin(), st.expansions.end()),
                                     *std::max_element(st.kernels.begin(), st.kernels.end())});
    }
    return c;
}

Candidate SearchSpace::smallest() const {
    Candidate c;
    c.data.resolution = *std::min_element(resolutions.begin(), resolutions.end());
    c.data.colour =
        contains(colours, ColourMode::Grayscale) ? ColourMode::Grayscale : colours.front();
    c.arch.width = *std::min_element(widths.begin(), widths.end());
    c.arch.depths = depthVectors_.front(); // lexicographically smallest: every stage at its minimum
    for (const auto& st : stages)
        for (int d = 0; d < st.maxDepth; ++d)
            c.arch.blocks.push_back({*std::min_element(st.expansions.begin(), st.expansions.end()),
                                     *std::min_element(st.kernels.begin(), st.kernels.end())});
    return canonical(std::move(c));
}

int SearchSpace::channels(int baseChannels, double width) const {
    if (rounding == WidthRounding::MakeDivisible8)
        return makeDivisible(baseChannels * width);
    return std::max(1, static_cast<int>(baseChannels * width + 1e-6));
}

ArchitectureSpec SearchSpace::decode(const Candidate& c, int classes) const {
    ArchitectureSpec spec;
    spec.name = name + "-candidate";
    spec.resolution = c.data.resolution;
    spec.inputChannels = channelsOf(c.data.colour);
    spec.stemChannels = channels(stemChannels, c.arch.width);
    spec.stemKernel = stemKernel;
    spec.stemStride = stemStride;
    spec.classes = classes;
    spec.residuals = residuals;
    spec.blocks.reserve(slotCount());
    int inBase = stemChannels;
    for (std::size_t s = 0; s < stages.size(); ++s) {
        const auto& st = stages[s];
        const int depth = s < c.arch.depths.size() ? c.arch.depths[s] : 0;
        for (int d = 0; d < depth; ++d) {
            const auto& g = c.arch.blocks[slotOffset(s) + static_cast<std::size_t>(d)];
            BlockSpec b;
            b.expansion = g.expansion;
            b.kernel = g.kernel;
            b.stride = d == 0 ? st.stride : 1;
            b.outChannels = channels(st.channels, c.arch.width);
            // The paper masks every layer to int(C * alpha) of its full-width channels,
            // including the expanded ones; MobileNetV2 expands the rounded input channels.
            if (rounding == WidthRounding::Truncate && g.expansion > 1)
                b.expandedChannels = channels(inBase * g.expansion, c.arch.width);
            spec.blocks.push_back(b);
            inBase = st.channels;
        }
    }
    const bool hasLastConv =
        lastConv == LastConv::Always || (!c.arch.depths.empty() && c.arch.depths.back() > 0);
    if (!hasLastConv || lastChannels == 0)
        spec.lastChannels = 0;
    else if (scaleLastChannelsBelowOne || c.arch.width > 1.0)
        spec.lastChannels = channels(lastChannels, c.arch.width);
    else
        spec.lastChannels = lastChannels;
    return spec;
}

} // namespace dnas
