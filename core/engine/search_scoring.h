#pragma once

#include <vector>

#include "cost/cost_model.h"
#include "cost/mcu_profile.h"
#include "engine/search_config.h"
#include "search/pareto.h"
#include "space/search_space.h"

namespace dnas {

// Costs and normalised objectives of a run's candidates under its current budgets. Internal to
// the search engine; one instance per run, used on the engine's thread only (the cost model
// keeps scratch vectors). Holds references: `config`, `space`, `mcu` and `runtime` must
// outlive it.
class SearchScoring {
public:
    // Throws InputError for an objective objectiveCost() does not know, before anything runs.
    SearchScoring(const SearchConfig& config, const SearchSpace& space, int classes,
                  const McuProfile& mcu, const RuntimeProfile& runtime);

    // Objectives without a budget are normalised by the space's largest network.
    void setBudgets(const Budgets& b);
    const Budgets& budgets() const { return budgets_; }

    CostReport estimate(const Candidate& c);

    // Minimised objectives (1 - accuracy, then each cost over its normaliser) and the sum of
    // the relative budget excesses.
    ScoredPoint point(const CostReport& report, double accuracy) const;

private:
    const SearchConfig& config_;
    const SearchSpace& space_;
    int classes_;
    const McuProfile& mcu_;
    const RuntimeProfile& runtime_;
    CostModel model_;
    CostReport largest_;
    Budgets budgets_;
    std::vector<double> normaliser_;
};

} // namespace dnas
