#include "cost/mcu_profile.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "common/json_document.h"
#include "common/json_reader.h"

namespace dnas {
namespace {

struct NumberField {
    const char* key;
    double RuntimeProfile::*number = nullptr;
    Bytes RuntimeProfile::*bytes = nullptr;
    Presence presence;
    double max;
};

// The numeric fields of a runtime, in file order; shared by reading and writing.
const NumberField kRuntimeFields[] = {
    {"cycles_per_mac", &RuntimeProfile::cyclesPerMac, nullptr, Presence::Required, 1e4},
    {"depthwise_cycles_per_mac", &RuntimeProfile::depthwiseCyclesPerMac, nullptr,
     Presence::Optional, 1e4},
    {"cycles_per_element", &RuntimeProfile::cyclesPerElement, nullptr, Presence::Required, 1e4},
    {"op_overhead_cycles", &RuntimeProfile::opOverheadCycles, nullptr, Presence::Required, 1e9},
    {"invoke_overhead_cycles", &RuntimeProfile::invokeOverheadCycles, nullptr, Presence::Required,
     1e9},
    {"code_bytes", nullptr, &RuntimeProfile::codeBytes, Presence::Required, 1e9},
    {"flash_bytes_per_op", nullptr, &RuntimeProfile::flashBytesPerOp, Presence::Required, 1e6},
    {"flash_bytes_per_tensor", nullptr, &RuntimeProfile::flashBytesPerTensor, Presence::Required,
     1e6},
    {"flash_bytes_per_channel", nullptr, &RuntimeProfile::flashBytesPerChannel, Presence::Required,
     1e6},
    {"sram_overhead_bytes", nullptr, &RuntimeProfile::sramOverheadBytes, Presence::Required, 1e9},
    {"persistent_bytes_per_op", nullptr, &RuntimeProfile::persistentBytesPerOp, Presence::Required,
     1e6},
    {"persistent_bytes_per_tensor", nullptr, &RuntimeProfile::persistentBytesPerTensor,
     Presence::Required, 1e6},
    {"persistent_bytes_per_channel", nullptr, &RuntimeProfile::persistentBytesPerChannel,
     Presence::Required, 1e6},
    {"conv_scratch_per_patch_element", &RuntimeProfile::convScratchPerPatchElement, nullptr,
     Presence::Required, 1e3},
    {"conv_scratch_patch_alignment", nullptr, &RuntimeProfile::convScratchPatchAlignment,
     Presence::Optional, 64},
    {"depthwise_scratch_per_patch_element", &RuntimeProfile::depthwiseScratchPerPatchElement,
     nullptr, Presence::Required, 1e3},
    {"depthwise_3x3_scratch_per_patch_element", &RuntimeProfile::depthwise3x3ScratchPerPatchElement,
     nullptr, Presence::Optional, 1e3},
    {"pointwise_scratch_per_input_channel", &RuntimeProfile::pointwiseScratchPerInputChannel,
     nullptr, Presence::Required, 1e3},
    {"buffer_alignment", nullptr, &RuntimeProfile::bufferAlignment, Presence::Optional, 4096},
};

std::map<std::string, std::string> readSources(JsonReader& r, const nlohmann::json& obj,
                                               const std::string& path) {
    std::map<std::string, std::string> sources;
    if (const auto* s = r.object(obj, path, "sources", Presence::Optional)) {
        for (const auto& [key, value] : s->items()) {
            if (value.is_string())
                sources[key] = value.get<std::string>();
            else
                r.problem(JsonReader::key(JsonReader::key(path, "sources"), key),
                          "expected a string naming the source of the figure");
        }
    }
    return sources;
}

RuntimeProfile readRuntime(JsonReader& r, const nlohmann::json& obj, const std::string& at) {
    RuntimeProfile rt;
    rt.id = r.string(obj, at, "id", Presence::Required).value_or("");
    rt.name = r.string(obj, at, "name", Presence::Optional).value_or(rt.id);
    const auto kind = r.string(obj, at, "kind", Presence::Required).value_or("reference");
    if (kind == "reference")
        rt.kind = RuntimeKind::Reference;
    else if (kind == "cmsis-nn")
        rt.kind = RuntimeKind::CmsisNn;
    else if (kind == "tinyengine")
        rt.kind = RuntimeKind::TinyEngine;
    else
        r.problem(JsonReader::key(at, "kind"),
                  "expected \"reference\", \"cmsis-nn\" or \"tinyengine\", found \"" + kind + "\"");
    bool depthwiseGiven = false;
    bool depthwise3x3Given = false;
    for (const auto& f : kRuntimeFields) {
        if (f.number) {
            if (auto v = r.number(obj, at, f.key, f.presence, 0, f.max)) {
                rt.*f.number = *v;
                depthwiseGiven =
                    depthwiseGiven || f.number == &RuntimeProfile::depthwiseCyclesPerMac;
                depthwise3x3Given = depthwise3x3Given ||
                                    f.number == &RuntimeProfile::depthwise3x3ScratchPerPatchElement;
            }
        } else if (auto v =
                       r.integer(obj, at, f.key, f.presence, 0, static_cast<long long>(f.max))) {
            rt.*f.bytes = *v;
        }
    }
    if (!depthwiseGiven)
        rt.depthwiseCyclesPerMac = rt.cyclesPerMac;
    if (!depthwise3x3Given)
        rt.depthwise3x3ScratchPerPatchElement = rt.depthwiseScratchPerPatchElement;
    if (rt.convScratchPatchAlignment < 1)
        rt.convScratchPatchAlignment = 1;
    if (rt.cyclesPerMac <= 0)
        r.problem(JsonReader::key(at, "cycles_per_mac"), "must be positive");
    if (rt.bufferAlignment < 1)
        rt.bufferAlignment = 1;
    rt.sources = readSources(r, obj, at);
    std::vector<std::string_view> keys = {"id", "name", "kind", "sources"};
    for (const auto& f : kRuntimeFields)
        keys.push_back(f.key);
    for (const auto& [key, value] : obj.items())
        if (std::find(keys.begin(), keys.end(), key) == keys.end())
            r.problem(JsonReader::key(at, key), "unknown runtime field");
    return rt;
}

} // namespace

std::string_view toString(RuntimeKind kind) {
    switch (kind) {
    case RuntimeKind::Reference:
        return "reference";
    case RuntimeKind::CmsisNn:
        return "cmsis-nn";
    case RuntimeKind::TinyEngine:
        return "tinyengine";
    }
    return "?";
}

const RuntimeProfile* McuProfile::runtime(const std::string& runtimeId) const {
    for (const auto& r : runtimes)
        if (r.id == runtimeId)
            return &r;
    return nullptr;
}

std::vector<std::string> McuProfile::runtimeIds() const {
    std::vector<std::string> ids;
    for (const auto& r : runtimes)
        ids.push_back(r.id);
    return ids;
}

McuProfile readMcuProfile(const JsonDocument& doc) {
    JsonReader r(doc);
    const auto& root = doc.root();
    McuProfile p;
    p.origin = doc.origin();
    if (!root.is_object()) {
        r.problem("", "expected a JSON object describing an MCU profile");
        r.throwIfProblems();
    }
    r.onlyKeys(root, "",
               {"schema_version", "id", "name", "core", "clock_hz", "sram_bytes", "flash_bytes",
                "active_power_mw", "default_runtime", "runtimes", "sources"});
    r.integer(root, "", "schema_version", Presence::Required, 1, 1);
    p.id = r.string(root, "", "id", Presence::Required).value_or("");
    if (!p.id.empty() && p.id.find_first_of(" \t/") != std::string::npos)
        r.problem("id", "must not contain spaces or slashes");
    p.name = r.string(root, "", "name", Presence::Optional).value_or(p.id);
    p.core = r.string(root, "", "core", Presence::Optional).value_or("");
    p.clockHz = r.number(root, "", "clock_hz", Presence::Required, 1e3, 1e11).value_or(0);
    p.sramBytes = r.integer(root, "", "sram_bytes", Presence::Required, 1, 1LL << 40).value_or(0);
    p.flashBytes = r.integer(root, "", "flash_bytes", Presence::Required, 1, 1LL << 40).value_or(0);
    p.activePowerMw = r.number(root, "", "active_power_mw", Presence::Required, 0, 1e6).value_or(0);
    p.sources = readSources(r, root, "");
    if (const auto* runtimes = r.array(root, "", "runtimes", Presence::Required)) {
        if (runtimes->empty())
            r.problem("runtimes", "must list at least one runtime");
        for (std::size_t i = 0; i < runtimes->size(); ++i)
            p.runtimes.push_back(readRuntime(r, (*runtimes)[i], JsonReader::index("runtimes", i)));
    }
    p.defaultRuntime = r.string(root, "", "default_runtime", Presence::Optional)
                           .value_or(p.runtimes.empty() ? "" : p.runtimes.front().id);
    if (!p.runtimes.empty() && !p.runtime(p.defaultRuntime))
        r.problem("default_runtime",
                  "names no runtime of this profile ('" + p.defaultRuntime + "')");
    r.throwIfProblems();
    return p;
}

void to_json(nlohmann::json& j, const RuntimeProfile& rt) {
    j = {{"id", rt.id}, {"name", rt.name}, {"kind", toString(rt.kind)}};
    for (const auto& f : kRuntimeFields) {
        if (f.number)
            j[f.key] = rt.*f.number;
        else
            j[f.key] = rt.*f.bytes;
    }
    j["sources"] = rt.sources;
}

void to_json(nlohmann::json& j, const McuProfile& p) {
    j = {{"schema_version", 1},
         {"id", p.id},
         {"name", p.name},
         {"core", p.core},
         {"clock_hz", p.clockHz},
         {"sram_bytes", p.sramBytes},
         {"flash_bytes", p.flashBytes},
         {"active_power_mw", p.activePowerMw},
         {"default_runtime", p.defaultRuntime},
         {"runtimes", p.runtimes},
         {"sources", p.sources}};
}

} // namespace dnas
