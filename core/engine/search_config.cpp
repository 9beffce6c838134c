#include "engine/search_config.h"

#include <algorithm>
#include <cmath>

#include <opencv2/core.hpp>

#include "common/error.h"
#include "common/format.h"
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
                        {"val_subset", eval.valSubset}};
    if (fixedData)
        j["fixed_data"] = *fixedData;
    if (inputs.is_object() && !inputs.empty())
        j["inputs"] = inputs;
    return j;
}

SearchConfig SearchConfig::fromJson(const nlohmann::json& j) {
    SearchConfig c;
    try {
        c.mode = j.at("mode").get<std::string>();
        c.strategy.name = j.at("strategy").get<std::string>();
        c.strategy.population = j.at("population").get<int>();
        const auto costMode = parseCostMode(j.at("cost_mode").get<std::string>());
        if (!costMode)
            throw InputError("run configuration", "unknown cost_mode " + j["cost_mode"].dump());
        c.costMode = *costMode;
        const auto& b = j.at("budgets");
        c.budgets.sramBytes = b.at("sram_bytes").get<Bytes>();
        c.budgets.flashBytes = b.at("flash_bytes").get<Bytes>();
        if (b.contains("latency_ms") && !b["latency_ms"].is_null())
            c.budgets.latencyMs = b["latency_ms"].get<double>();
        c.objectives = j.at("objectives").get<std::vector<std::string>>();
        c.maxEvaluations = j.at("max_evaluations").get<long long>();
        c.generations = j.at("generations").get<int>();
        c.timeLimitSeconds = j.at("time_limit_seconds").get<double>();
        c.seed = j.at("seed").get<std::uint64_t>();
        const auto kind = parseEvaluatorKind(j.at("evaluator").get<std::string>());
        if (!kind)
            throw InputError("run configuration", "unknown evaluator " + j["evaluator"].dump());
        c.eval.kind = *kind;
        c.eval.valSubset = j.at("val_subset").get<std::size_t>();
        if (j.contains("fixed_data")) {
            const auto& f = j["fixed_data"];
            const auto colour = parseColourMode(f.at("colour").get<std::string>());
            if (!colour)
                throw InputError("run configuration", "unknown colour " + f["colour"].dump());
            c.fixedData = DataConfig{f.at("resolution").get<int>(), *colour};
        }
        if (j.contains("inputs"))
            c.inputs = j["inputs"];
    } catch (const nlohmann::json::exception& e) {
        throw InputError("run configuration", std::string("malformed: ") + e.what());
    }
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
