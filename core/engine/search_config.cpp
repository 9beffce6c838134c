#include "engine/search_config.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include <opencv2/core.hpp>

#include "common/error.h"
#include "common/format.h"
#include "common/json_document.h"
#include "common/json_reader.h"
#include "data/dataset.h"
#include "report/statistics.h"
#include "space/search_space.h"

namespace dnas {
namespace {

template <typename Costs>
double costByName(const Costs& r, const std::string& name) {
    if (name == "peak_sram_bytes")
        return static_cast<double>(r.peakSramBytes);
    if (name == "flash_bytes")
        return static_cast<double>(r.flashBytes);
    if (name == "latency_ms")
        return r.latencyMs;
    if (name == "macs")
        return static_cast<double>(r.macs);
    if (name == "energy_mj")
        return r.energyMj;
    throw InputError("--objectives",
                     "unknown objective '" + name +
                         "' (use peak_sram_bytes, flash_bytes, latency_ms, macs, energy_mj)");
}

} // namespace

nlohmann::json budgetsToJson(const Budgets& b) {
    return {{"sram_bytes", b.sramBytes},
            {"flash_bytes", b.flashBytes},
            {"latency_ms", b.latencyMs ? nlohmann::json(*b.latencyMs) : nlohmann::json()}};
}

std::string describe(const Budgets& b) {
    return "SRAM " + formatBytes(static_cast<double>(b.sramBytes)) + ", flash " +
           formatBytes(static_cast<double>(b.flashBytes)) +
           (b.latencyMs ? ", latency " + formatMs(*b.latencyMs) : std::string());
}

double objectiveCost(const CandidateRecord& record, const std::string& name) {
    return costByName(record, name);
}

double objectiveCost(const CostReport& report, const std::string& name) {
    return costByName(report, name);
}

void setCosts(CandidateRecord& r, const CostReport& report) {
    r.macs = report.macs;
    r.params = report.params;
    r.peakSramBytes = report.peakSramBytes;
    r.flashBytes = report.flashBytes;
    r.latencyMs = report.latencyMs;
    r.energyMj = report.energyMj;
    r.feasible = report.fits;
}

bool withinBudgets(const CandidateRecord& r, const Budgets& b) {
    return r.peakSramBytes <= b.sramBytes && r.flashBytes <= b.flashBytes &&
           (!b.latencyMs || r.latencyMs <= *b.latencyMs);
}

nlohmann::json SearchConfig::toJson() const {
    nlohmann::json j = {{"mode", mode},
                        {"strategy", strategy.name},
                        {"population", strategy.population},
                        {"cost_mode", toString(costMode)},
                        {"budgets", budgetsToJson(budgets)},
                        {"objectives", objectives},
                        {"max_evaluations", maxEvaluations},
                        {"generations", generations},
                        {"time_limit_seconds", timeLimitSeconds},
                        {"seed", seed},
                        {"evaluator", toString(eval.kind)},
                        {"val_subset", eval.valSubset},
                        {"calibration_images", eval.calibrationImages},
                        {"racing", eval.racing}};
    if (fixedData)
        j["fixed_data"] = *fixedData;
    if (inputs.is_object() && !inputs.empty())
        j["inputs"] = inputs;
    return j;
}

SearchConfig SearchConfig::fromJson(const nlohmann::json& j, const std::string& origin) {
    const auto doc = JsonDocument::fromText(j.dump(2), origin);
    const auto& root = doc.root();
    JsonReader r(doc);
    SearchConfig c;
    constexpr auto req = Presence::Required;
    constexpr long long kMaxCount = 1'000'000'000'000LL;
    auto text = [&](const nlohmann::json& parent, const std::string& path, const char* name) {
        return r.string(parent, path, name, req).value_or("");
    };
    c.mode = text(root, "", "mode");
    c.strategy.name = text(root, "", "strategy");
    c.strategy.population =
        static_cast<int>(r.integer(root, "", "population", req, 2, 1'000'000).value_or(2));
    const auto costMode = text(root, "", "cost_mode");
    if (const auto m = parseCostMode(costMode))
        c.costMode = *m;
    else if (!costMode.empty())
        r.problem("cost_mode", "unknown cost mode '" + costMode + "'");
    if (const auto* b = r.object(root, "", "budgets", req)) {
        c.budgets.sramBytes = r.integer(*b, "budgets", "sram_bytes", req, 1, kMaxCount).value_or(1);
        c.budgets.flashBytes =
            r.integer(*b, "budgets", "flash_bytes", req, 1, kMaxCount).value_or(1);
        const auto latency = b->find("latency_ms");
        if (latency != b->end() && !latency->is_null())
            c.budgets.latencyMs = r.numberValue(*latency, "budgets.latency_ms", 1e-9, 1e12);
    }
    c.objectives.clear();
    if (const auto* objectives = r.array(root, "", "objectives", req))
        for (std::size_t i = 0; i < objectives->size(); ++i) {
            const auto& o = (*objectives)[i];
            if (o.is_string())
                c.objectives.push_back(o.get<std::string>());
            else
                r.problem(JsonReader::index("objectives", i), "expected an objective name");
        }
    c.maxEvaluations = r.integer(root, "", "max_evaluations", req, 0, kMaxCount).value_or(0);
    c.generations =
        static_cast<int>(r.integer(root, "", "generations", req, 0, 1'000'000'000).value_or(0));
    c.timeLimitSeconds = r.number(root, "", "time_limit_seconds", req, 0, 1e12).value_or(0);
    const auto seed = root.find("seed");
    if (seed != root.end() && seed->is_number_unsigned())
        c.seed = seed->get<std::uint64_t>();
    else
        c.seed = static_cast<std::uint64_t>(
            r.integer(root, "", "seed", req, 0, std::numeric_limits<long long>::max()).value_or(0));
    const auto evaluator = text(root, "", "evaluator");
    if (const auto kind = parseEvaluatorKind(evaluator))
        c.eval.kind = *kind;
    else if (!evaluator.empty())
        r.problem("evaluator", "unknown evaluator '" + evaluator + "'");
    c.eval.valSubset =
        static_cast<std::size_t>(r.integer(root, "", "val_subset", req, 0, kMaxCount).value_or(0));
    // Absent from runs of earlier versions, which always recalibrated on the default count.
    c.eval.calibrationImages = static_cast<std::size_t>(
        r.integer(root, "", "calibration_images", Presence::Optional, 1, kMaxCount)
            .value_or(static_cast<long long>(EvalOptions{}.calibrationImages)));
    // Absent from runs of earlier versions, which validated every candidate on the whole split.
    if (const auto it = root.find("racing"); it == root.end())
        c.eval.racing = false;
    else if (it->is_boolean())
        c.eval.racing = it->get<bool>();
    else
        r.problem("racing", "expected true or false");
    if (const auto* f = r.object(root, "", "fixed_data", Presence::Optional)) {
        const auto resolution = r.integer(*f, "fixed_data", "resolution", req, 1, 1 << 16);
        const auto colourText = text(*f, "fixed_data", "colour");
        const auto colour = parseColourMode(colourText);
        if (!colour && !colourText.empty())
            r.problem("fixed_data.colour", "unknown colour mode '" + colourText + "'");
        if (resolution && colour)
            c.fixedData = DataConfig{static_cast<int>(*resolution), *colour};
    }
    if (const auto* inputs = r.object(root, "", "inputs", Presence::Optional))
        c.inputs = *inputs;
    r.throwIfProblems();
    return c;
}

DataConfig SearchConfig::hwNasData(const SearchSpace& space, const Dataset& dataset) const {
    return fixedData ? *fixedData : nativeDataConfig(dataset, space);
}

DataConfig nativeDataConfig(const Dataset& dataset, const SearchSpace& space) {
    const auto train = dataset.indices(Split::Train);
    constexpr std::size_t kProbes = 64;
    std::vector<double> sides;
    bool allGray = true; // one channel, or three equal ones
    const std::size_t step = std::max<std::size_t>(1, train.size() / kProbes);
    for (std::size_t i = 0; i < train.size() && sides.size() < kProbes; i += step) {
        try {
            const auto image = dataset.images->load(dataset.samples[train[i]].image);
            sides.push_back(std::min(image.rows, image.cols));
            if (allGray && image.channels() == 3) {
                std::vector<cv::Mat> planes;
                cv::split(image, planes);
                allGray = cv::norm(planes[0], planes[1], cv::NORM_INF) == 0 &&
                          cv::norm(planes[0], planes[2], cv::NORM_INF) == 0;
            }
        } catch (const std::exception&) {
            // an unreadable image says nothing about the others
        }
    }
    if (sides.empty())
        throw InputError(dataset.name, "no training image could be read to find the data's "
                                       "native resolution; give --fixed-data RES,COLOUR");
    const double side = median(sides);
    int best = space.resolutions.front();
    for (const int r : space.resolutions)
        if (std::abs(r - side) < std::abs(best - side) ||
            (std::abs(r - side) == std::abs(best - side) && r > best))
            best = r;
    ColourMode colour = dataset.grayImages || allGray ? ColourMode::Grayscale : ColourMode::Rgb;
    if (std::find(space.colours.begin(), space.colours.end(), colour) == space.colours.end())
        colour = space.colours.front();
    return {best, colour};
}

} // namespace dnas
