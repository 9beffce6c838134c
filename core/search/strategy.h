#pragma once

#include <memory>
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
};

// A search strategy in ask/tell form: ask() proposes the next generation, tell() gives back its
// scores. Deterministic given the Rng passed in. The state can be saved for --resume.
class Strategy {
public:
    virtual ~Strategy() = default;
    virtual std::vector<Candidate> ask(Rng& rng) = 0;
    virtual void tell(const std::vector<ScoredCandidate>& scored) = 0;
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
