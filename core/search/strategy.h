#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "search/genetic_operators.h"
#include "search/pareto.h"
#include "space/search_space.h"

namespace dnas {

class Rng;

// A scored candidate as strategies see it: objectives are minimised (1 - accuracy, then each
// cost divided by its budget); an over-budget candidate was never evaluated and carries only
// its violation (the sum of its relative budget excesses).
struct ScoredCandidate {
    Candidate candidate;
    ScoredPoint score;
    double accuracy = 0;
    double precision = 0;
    double recall = 0;
    double ramBytes = 0;
    double flashBytes = 0;
    bool evaluated = true; // false: screened out by the cost model, accuracy unknown
};

// Whether a candidate was scored before (see Strategy::ask).
using SeenPredicate = std::function<bool(const Candidate&)>;

// A member's score under new budgets, or nothing to drop it from the population (a candidate
// screened out under the old budgets that fits the new ones has no accuracy to rank it by).
using Rescorer = std::function<std::optional<ScoredPoint>(const ScoredCandidate&)>;

// Applies `rescore` to every member, dropping those it gives no score.
void rescorePopulation(std::vector<ScoredCandidate>& population, const Rescorer& rescore);

// A search strategy in ask/tell form: ask() proposes the next generation, tell() gives back its
// scores. Deterministic given the Rng passed in. The state can be saved for --resume.
class Strategy {
public:
    virtual ~Strategy() = default;
    // `seen` tells which candidates were scored before; NSGA-II and random search breed or
    // draw again (a bounded number of times) rather than propose them or a candidate twice
    // in one generation. The paper's GA proposes as the paper does.
    virtual std::vector<Candidate> ask(Rng& rng, const SeenPredicate& seen) = 0;
    std::vector<Candidate> ask(Rng& rng) { return ask(rng, nullptr); }
    virtual void tell(const std::vector<ScoredCandidate>& scored) = 0;
    // The budgets changed: re-score the population from its stored costs and accuracies and use
    // the new budgets from now on; nothing is evaluated again.
    virtual void adoptBudgets(double ramBudget, double flashBudget, const Rescorer& rescore) = 0;
    virtual nlohmann::json state() const = 0;
    virtual void restore(const nlohmann::json& state) = 0;
};

struct StrategyOptions {
    std::string name = "nsga2"; // nsga2, paper-ga, random
    int population = 20;
    double crossoverProbability = 0.9;
    double mutationProbability = 0.1; // per gene (NSGA-II)
    GeneMask mask;                    // HW-NAS freezes the data genes
    std::optional<DataConfig> fixedData;
    double ramBudget = 0;   // paper GA fitness
    double flashBudget = 0; // paper GA fitness
};

// Throws InputError for an unknown strategy name.
std::unique_ptr<Strategy> makeStrategy(const SearchSpace& space, const StrategyOptions& options);

} // namespace dnas
