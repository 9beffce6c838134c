#include "search/strategy.h"

#include <algorithm>
#include <numeric>

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "common/json_document.h"
#include "common/json_reader.h"
#include "common/rng.h"

namespace dnas {
namespace {

nlohmann::json toJson(const std::vector<ScoredCandidate>& population) {
    nlohmann::json j = nlohmann::json::array();
    for (const auto& s : population)
        j.push_back({{"candidate", s.candidate},
                     {"objectives", s.score.objectives},
                     {"violation", s.score.violation},
                     {"accuracy", s.accuracy},
                     {"precision", s.precision},
                     {"recall", s.recall},
                     {"ram", s.ramBytes},
                     {"flash", s.flashBytes},
                     {"evaluated", s.evaluated}});
    return j;
}

std::vector<ScoredCandidate> fromJson(const nlohmann::json& j) {
    std::vector<ScoredCandidate> out;
    for (const auto& item : j) {
        const auto doc = JsonDocument::fromText(item.at("candidate").dump(), "strategy state");
        JsonReader reader(doc);
        auto c = readCandidate(reader, doc.root(), "");
        reader.throwIfProblems();
        ScoredCandidate s;
        s.candidate = *c;
        s.score.objectives = item.at("objectives").get<std::vector<double>>();
        s.score.violation = item.at("violation").get<double>();
        s.accuracy = item.at("accuracy").get<double>();
        s.precision = item.at("precision").get<double>();
        s.recall = item.at("recall").get<double>();
        s.ramBytes = item.at("ram").get<double>();
        s.flashBytes = item.at("flash").get<double>();
        s.evaluated = item.value("evaluated", s.score.violation <= 0);
        out.push_back(std::move(s));
    }
    return out;
}

std::vector<ScoredPoint> scoresOf(const std::vector<ScoredCandidate>& population) {
    std::vector<ScoredPoint> points;
    points.reserve(population.size());
    for (const auto& s : population)
        points.push_back(s.score);
    return points;
}

Candidate initial(const SearchSpace& space, Rng& rng, const StrategyOptions& o) {
    Candidate c = space.sample(rng);
    if (o.fixedData)
        c.data = *o.fixedData;
    return c;
}

// Tries a strategy makes for a candidate that is new (neither seen nor already proposed in
// the generation) before it accepts a repeat: a nearly exhausted space must not stall.
constexpr int kFreshTries = 20;

// Collects one generation's proposals and tells whether a candidate would repeat one.
class Proposals {
public:
    Proposals(const SearchSpace& space, SeenPredicate seen)
        : space_(space)
        , seen_(std::move(seen)) {}
    bool repeats(const Candidate& c) const {
        const auto canonical = space_.canonical(c);
        for (const auto& o : canonical_)
            if (o == canonical)
                return true;
        return seen_ && seen_(c);
    }
    // Draws with `make(try)` until a new candidate comes or the tries run out.
    template <typename Make>
    void add(Make&& make) {
        Candidate c = make(0);
        for (int t = 1; t < kFreshTries && repeats(c); ++t)
            c = make(t);
        canonical_.push_back(space_.canonical(c));
        out_.push_back(std::move(c));
    }
    std::size_t size() const { return out_.size(); }
    std::vector<Candidate> take() { return std::move(out_); }

private:
    const SearchSpace& space_;
    SeenPredicate seen_;
    std::vector<Candidate> canonical_;
    std::vector<Candidate> out_;
};

// Random search: every generation is a fresh sample.
class RandomSearch : public Strategy {
public:
    RandomSearch(const SearchSpace& space, StrategyOptions o)
        : space_(space)
        , o_(std::move(o)) {}
    std::vector<Candidate> ask(Rng& rng, const SeenPredicate& seen) override {
        Proposals out(space_, seen);
        for (int i = 0; i < o_.population; ++i)
            out.add([&](int) { return initial(space_, rng, o_); });
        return out.take();
    }
    void tell(const std::vector<ScoredCandidate>&) override {}
    void adoptBudgets(double, double, const Rescorer&) override {}
    nlohmann::json state() const override { return nlohmann::json::object(); }
    void restore(const nlohmann::json&) override {}

private:
    const SearchSpace& space_;
    StrategyOptions o_;
};

// NSGA-II (Deb et al. 2002) with constrained domination: binary tournaments on rank then
// crowding, uniform crossover, per-gene mutation, elitist (mu + lambda) survival.
class Nsga2 : public Strategy {
public:
    Nsga2(const SearchSpace& space, StrategyOptions o)
        : space_(space)
        , o_(std::move(o)) {}

    // A repeated child is bred again from new parents, with the mutation rate raised by its
    // base value on every try.
    std::vector<Candidate> ask(Rng& rng, const SeenPredicate& seen) override {
        Proposals out(space_, seen);
        if (population_.empty()) {
            for (int i = 0; i < o_.population; ++i)
                out.add([&](int) { return initial(space_, rng, o_); });
            return out.take();
        }
        rankPopulation();
        while (static_cast<int>(out.size()) < o_.population) {
            out.add([&](int attempt) {
                const auto& a = population_[tournament(rng)].candidate;
                const auto& b = population_[tournament(rng)].candidate;
                Candidate child =
                    rng.chance(o_.crossoverProbability) ? crossover(space_, a, b, rng, o_.mask) : a;
                const double rate = std::min(1.0, o_.mutationProbability * (1 + attempt));
                return mutate(space_, child, rng, rate, o_.mask);
            });
        }
        return out.take();
    }

    void tell(const std::vector<ScoredCandidate>& scored) override {
        population_.insert(population_.end(), scored.begin(), scored.end());
        if (static_cast<int>(population_.size()) <= o_.population)
            return;
        // Survival: fill by fronts, the last front by crowding distance.
        const auto points = scoresOf(population_);
        std::vector<ScoredCandidate> next;
        for (const auto& front : nonDominatedSort(points)) {
            if (next.size() + front.size() <= static_cast<std::size_t>(o_.population)) {
                for (const auto i : front)
                    next.push_back(population_[i]);
                continue;
            }
            const auto crowd = crowdingDistance(points, front);
            std::vector<std::size_t> order(front.size());
            std::iota(order.begin(), order.end(), std::size_t{0});
            std::stable_sort(order.begin(), order.end(),
                             [&](auto x, auto y) { return crowd[x] > crowd[y]; });
            for (std::size_t k = 0; next.size() < static_cast<std::size_t>(o_.population); ++k)
                next.push_back(population_[front[order[k]]]);
            break;
        }
        population_ = std::move(next);
    }

    void adoptBudgets(double, double, const Rescorer& rescore) override {
        rescorePopulation(population_, rescore);
    }
    nlohmann::json state() const override { return {{"population", toJson(population_)}}; }
    void restore(const nlohmann::json& state) override {
        population_ = fromJson(state.at("population"));
    }

private:
    void rankPopulation() {
        const auto points = scoresOf(population_);
        rank_.assign(population_.size(), 0);
        crowding_.assign(population_.size(), 0);
        const auto fronts = nonDominatedSort(points);
        for (std::size_t f = 0; f < fronts.size(); ++f) {
            const auto crowd = crowdingDistance(points, fronts[f]);
            for (std::size_t k = 0; k < fronts[f].size(); ++k) {
                rank_[fronts[f][k]] = f;
                crowding_[fronts[f][k]] = crowd[k];
            }
        }
    }

    std::size_t tournament(Rng& rng) const {
        const auto a = static_cast<std::size_t>(rng.below(population_.size()));
        const auto b = static_cast<std::size_t>(rng.below(population_.size()));
        if (rank_[a] != rank_[b])
            return rank_[a] < rank_[b] ? a : b;
        return crowding_[a] >= crowding_[b] ? a : b;
    }

    const SearchSpace& space_;
    StrategyOptions o_;
    std::vector<ScoredCandidate> population_;
    std::vector<std::size_t> rank_;
    std::vector<double> crowding_;
};

// The seed paper's GA: the population shuffled into tournaments of about two, the winners
// (by the scalar soft-penalty fitness) survive and breed 4 mutants and 1 uniform crossover
// child per 10 (parents drawn with replacement).
class PaperGa : public Strategy {
public:
    PaperGa(const SearchSpace& space, StrategyOptions o)
        : space_(space)
        , o_(std::move(o)) {}

    std::vector<Candidate> ask(Rng& rng, const SeenPredicate&) override {
        std::vector<Candidate> out;
        if (winners_.empty()) {
            for (int i = 0; i < o_.population; ++i)
                out.push_back(initial(space_, rng, o_));
            return out;
        }
        const int children = o_.population - static_cast<int>(winners_.size());
        const int crossovers = static_cast<int>(std::lround(children * 0.2));
        for (int i = 0; i < children - crossovers; ++i)
            out.push_back(paperMutate(
                space_, winners_[static_cast<std::size_t>(i) % winners_.size()].candidate, rng,
                o_.mask));
        for (int i = 0; i < crossovers; ++i)
            out.push_back(crossover(space_, rng.pick(winners_).candidate,
                                    rng.pick(winners_).candidate, rng, o_.mask));
        return out;
    }

    void tell(const std::vector<ScoredCandidate>& scored) override {
        std::vector<ScoredCandidate> population = winners_;
        population.insert(population.end(), scored.begin(), scored.end());
        // Tournaments: shuffle, split into population / 2 groups, keep each group's fittest.
        Rng shuffle(generation_++ * 7919 + 17);
        for (std::size_t k = population.size(); k > 1; --k)
            std::swap(population[k - 1], population[shuffle.below(k)]);
        const std::size_t groups =
            std::max<std::size_t>(1, static_cast<std::size_t>(o_.population) / 2);
        winners_.clear();
        for (std::size_t g = 0; g < groups && g < population.size(); ++g) {
            const std::size_t begin = g * population.size() / groups;
            const std::size_t end = (g + 1) * population.size() / groups;
            const ScoredCandidate* best = nullptr;
            double bestFitness = -1e300;
            for (std::size_t i = begin; i < end; ++i) {
                const auto& s = population[i];
                const double f = paperFitness(s.accuracy, s.precision, s.recall, s.ramBytes,
                                              o_.ramBudget, s.flashBytes, o_.flashBudget);
                if (f > bestFitness) {
                    bestFitness = f;
                    best = &s;
                }
            }
            if (best)
                winners_.push_back(*best);
        }
    }

    void adoptBudgets(double ramBudget, double flashBudget, const Rescorer& rescore) override {
        o_.ramBudget = ramBudget;
        o_.flashBudget = flashBudget;
        rescorePopulation(winners_, rescore);
    }
    nlohmann::json state() const override {
        return {{"winners", toJson(winners_)}, {"generation", generation_}};
    }
    void restore(const nlohmann::json& state) override {
        winners_ = fromJson(state.at("winners"));
        generation_ = state.at("generation").get<std::uint64_t>();
    }

private:
    const SearchSpace& space_;
    StrategyOptions o_;
    std::vector<ScoredCandidate> winners_;
    std::uint64_t generation_ = 0;
};

} // namespace

void rescorePopulation(std::vector<ScoredCandidate>& population, const Rescorer& rescore) {
    std::vector<ScoredCandidate> kept;
    for (auto& s : population) {
        if (auto point = rescore(s)) {
            s.score = std::move(*point);
            kept.push_back(std::move(s));
        }
    }
    population = std::move(kept);
}

std::unique_ptr<Strategy> makeStrategy(const SearchSpace& space, const StrategyOptions& options) {
    if (options.population < 2)
        throw InputError("--population", "must be at least 2");
    if (options.name == "nsga2")
        return std::make_unique<Nsga2>(space, options);
    if (options.name == "paper-ga")
        return std::make_unique<PaperGa>(space, options);
    if (options.name == "random")
        return std::make_unique<RandomSearch>(space, options);
    throw InputError("--strategy",
                     "unknown strategy '" + options.name + "' (use nsga2, paper-ga or random)");
}

} // namespace dnas
