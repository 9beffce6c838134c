#include "space/genome.h"

#include <nlohmann/json.hpp>

#include "common/json_reader.h"

namespace dnas {

std::string_view toString(ColourMode mode) {
    return mode == ColourMode::Rgb ? "rgb" : "grayscale";
}

std::optional<ColourMode> parseColourMode(std::string_view text) {
    if (text == "rgb" || text == "colour" || text == "color")
        return ColourMode::Rgb;
    if (text == "gray" || text == "grey" || text == "grayscale" || text == "greyscale" ||
        text == "mono" || text == "monochrome")
        return ColourMode::Grayscale;
    return std::nullopt;
}

void to_json(nlohmann::json& j, const DataConfig& d) {
    j = {{"resolution", d.resolution}, {"colour", toString(d.colour)}};
}

void to_json(nlohmann::json& j, const BlockGenes& b) {
    j = {{"expansion", b.expansion}, {"kernel", b.kernel}};
}

void to_json(nlohmann::json& j, const ArchGenome& a) {
    j = {{"width", a.width}, {"depths", a.depths}, {"blocks", a.blocks}};
}

void to_json(nlohmann::json& j, const Candidate& c) {
    j = {{"data", c.data}, {"arch", c.arch}};
}

std::optional<Candidate> readCandidate(JsonReader& reader, const nlohmann::json& obj,
                                       const std::string& path) {
    const auto before = reader.problems().size();
    Candidate c;
    reader.onlyKeys(obj, path, {"schema_version", "space", "data", "arch"});
    if (const auto* data = reader.object(obj, path, "data", Presence::Required)) {
        const auto at = JsonReader::key(path, "data");
        reader.onlyKeys(*data, at, {"resolution", "colour", "color"});
        c.data.resolution = static_cast<int>(
            reader.integer(*data, at, "resolution", Presence::Required, 1, 8192).value_or(0));
        const char* colourKey = data->contains("color") ? "color" : "colour";
        if (auto text = reader.string(*data, at, colourKey, Presence::Required)) {
            if (auto mode = parseColourMode(*text))
                c.data.colour = *mode;
            else
                reader.problem(JsonReader::key(at, colourKey),
                               "unknown colour mode '" + *text + "' (use rgb or grayscale)");
        }
    }
    if (const auto* arch = reader.object(obj, path, "arch", Presence::Required)) {
        const auto at = JsonReader::key(path, "arch");
        reader.onlyKeys(*arch, at, {"width", "depths", "blocks"});
        c.arch.width = reader.number(*arch, at, "width", Presence::Required, 0.01, 4.0).value_or(1);
        if (const auto* depths = reader.array(*arch, at, "depths", Presence::Required)) {
            for (std::size_t i = 0; i < depths->size(); ++i)
                c.arch.depths.push_back(static_cast<int>(
                    reader
                        .integerValue((*depths)[i],
                                      JsonReader::index(JsonReader::key(at, "depths"), i), 0, 64)
                        .value_or(0)));
        }
        if (const auto* blocks = reader.array(*arch, at, "blocks", Presence::Required)) {
            for (std::size_t i = 0; i < blocks->size(); ++i) {
                const auto bat = JsonReader::index(JsonReader::key(at, "blocks"), i);
                const auto& b = (*blocks)[i];
                reader.onlyKeys(b, bat, {"expansion", "kernel"});
                BlockGenes g;
                g.expansion = static_cast<int>(
                    reader.integer(b, bat, "expansion", Presence::Required, 1, 64).value_or(1));
                g.kernel = static_cast<int>(
                    reader.integer(b, bat, "kernel", Presence::Required, 1, 15).value_or(1));
                c.arch.blocks.push_back(g);
            }
        }
    }
    if (reader.problems().size() != before)
        return std::nullopt;
    return c;
}

} // namespace dnas
