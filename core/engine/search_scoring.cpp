#include "engine/search_scoring.h"

#include <algorithm>

namespace dnas {

SearchScoring::SearchScoring(const SearchConfig& config, const SearchSpace& space, int classes,
                             const McuProfile& mcu, const RuntimeProfile& runtime)
    : config_(config)
    , space_(space)
    , classes_(classes)
    , mcu_(mcu)
    , runtime_(runtime) {
    largest_ = estimate(space.largest());
    for (const auto& o : config.objectives)
        objectiveCost(largest_, o); // rejects unknown objectives before anything runs
    setBudgets(config.budgets);
}

void SearchScoring::setBudgets(const Budgets& b) {
    budgets_ = b;
    normaliser_.clear();
    for (const auto& o : config_.objectives) {
        if (o == "peak_sram_bytes")
            normaliser_.push_back(static_cast<double>(b.sramBytes));
        else if (o == "flash_bytes")
            normaliser_.push_back(static_cast<double>(b.flashBytes));
        else if (o == "latency_ms" && b.latencyMs)
            normaliser_.push_back(*b.latencyMs);
        else
            normaliser_.push_back(std::max(1e-9, objectiveCost(largest_, o)));
    }
}

CostReport SearchScoring::estimate(const Candidate& c) {
    return model_.estimate(buildNetwork(space_.decode(c, classes_)), mcu_, runtime_,
                           config_.costMode, budgets_);
}

ScoredPoint SearchScoring::point(const CostReport& report, double accuracy) const {
    ScoredPoint p;
    p.objectives = {1 - accuracy};
    for (std::size_t i = 0; i < config_.objectives.size(); ++i)
        p.objectives.push_back(objectiveCost(report, config_.objectives[i]) / normaliser_[i]);
    for (const auto& v : report.violations)
        p.violation += v.value / v.limit - 1;
    return p;
}

} // namespace dnas
