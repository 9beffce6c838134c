#include <algorithm>
#include <map>
#include <set>

#include <QtTest>

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "common/rng.h"
#include "cost/cost_model.h"
#include "cost/mcu_catalog.h"
#include "search/genetic_operators.h"
#include "search/pareto_archive.h"
#include "search/strategy.h"

using namespace dnas;

namespace {

// A synthetic but real-shaped problem: costs from the real cost model on the STM32F746, and
// an "accuracy" that grows with resolution, width and MACs (no training involved).
class Problem {
public:
    Problem()
        : space_(SearchSpace::preset("default"))
        , catalog_(McuCatalog::builtIn())
        , mcu_(catalog_.find("stm32f746")) {}

    ScoredCandidate score(const Candidate& c) {
        const auto report =
            model_.estimate(buildNetwork(space_.decode(c, 2)), mcu_, *mcu_.runtime("cmsis-nn"),
                            CostMode::Tflm, CostModel::budgetsOf(mcu_));
        ScoredCandidate s;
        s.candidate = c;
        s.ramBytes = static_cast<double>(report.peakSramBytes);
        s.flashBytes = static_cast<double>(report.flashBytes);
        const double ram = s.ramBytes / static_cast<double>(mcu_.sramBytes);
        const double flash = s.flashBytes / static_cast<double>(mcu_.flashBytes);
        s.score.violation = std::max(0.0, ram - 1) + std::max(0.0, flash - 1);
        s.accuracy = 1 - 0.5 / (1 + std::log1p(static_cast<double>(report.macs) / 1e6)) -
                     (c.data.colour == ColourMode::Grayscale ? 0.02 : 0.0);
        s.precision = s.recall = s.accuracy;
        s.score.objectives = {1 - s.accuracy, ram, flash};
        return s;
    }
    const SearchSpace& space() const { return space_; }
    const McuProfile& mcu() const { return mcu_; }

private:
    SearchSpace space_;
    McuCatalog catalog_;
    McuProfile mcu_;
    CostModel model_;
};

StrategyOptions options(const std::string& name, const Problem& p) {
    StrategyOptions o;
    o.name = name;
    o.population = 10;
    o.ramBudget = static_cast<double>(p.mcu().sramBytes);
    o.flashBudget = static_cast<double>(p.mcu().flashBytes);
    return o;
}

// Runs `generations` generations; returns every asked candidate (JSON) and the archive.
std::pair<std::vector<std::string>, ParetoArchive>
runStrategy(Strategy& s, Problem& p, int generations, std::uint64_t seed) {
    Rng rng(seed);
    std::vector<std::string> asked;
    ParetoArchive archive;
    std::int64_t id = 0;
    for (int g = 0; g < generations; ++g) {
        std::vector<ScoredCandidate> scored;
        for (const auto& c : s.ask(rng)) {
            const nlohmann::json j = c;
            asked.push_back(j.dump());
            scored.push_back(p.score(c));
            if (scored.back().score.feasible())
                archive.insert(id, scored.back().score.objectives);
            ++id;
        }
        s.tell(scored);
    }
    return {asked, archive};
}

} // namespace

class TestStrategy : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void sameSeedSameSearch_data();
    void sameSeedSameSearch();
    void nsga2ImprovesOnItsFirstGeneration();
    void paperGaGenerations_data();
    void paperGaGenerations();
    void fixedDataGenesForHwNas();
    void stateRoundTrip();
    void unknownStrategy();
    void seenCandidatesAreNotProposedAgain();
    void adoptBudgetsRescoresThePopulation();
};

void TestStrategy::sameSeedSameSearch_data() {
    QTest::addColumn<QString>("name");
    QTest::addRow("nsga2") << "nsga2";
    QTest::addRow("paper-ga") << "paper-ga";
    QTest::addRow("random") << "random";
}

void TestStrategy::sameSeedSameSearch() {
    QFETCH(QString, name);
    Problem p;
    auto a = makeStrategy(p.space(), options(name.toStdString(), p));
    auto b = makeStrategy(p.space(), options(name.toStdString(), p));
    auto c = makeStrategy(p.space(), options(name.toStdString(), p));
    const auto ra = runStrategy(*a, p, 6, 99).first;
    QCOMPARE(ra, runStrategy(*b, p, 6, 99).first);
    QVERIFY(ra != runStrategy(*c, p, 6, 100).first);
    // The paper's GA keeps its 5 winners without re-evaluating them: 10 + 5 x 5 proposals.
    QCOMPARE(ra.size(), std::size_t{name == QStringLiteral("paper-ga") ? 35u : 60u});
}

void TestStrategy::nsga2ImprovesOnItsFirstGeneration() {
    Problem p;
    const std::vector<double> reference = {1, 1, 1};
    auto first = makeStrategy(p.space(), options("nsga2", p));
    const double hv1 = runStrategy(*first, p, 1, 3).second.hypervolume(reference);
    auto longer = makeStrategy(p.space(), options("nsga2", p));
    const double hv15 = runStrategy(*longer, p, 15, 3).second.hypervolume(reference);
    QVERIFY2(hv15 > hv1 * 1.05, qPrintable(QStringLiteral("%1 -> %2").arg(hv1).arg(hv15)));
}

void TestStrategy::paperGaGenerations_data() {
    QTest::addColumn<int>("population");
    QTest::addColumn<int>("crossovers");
    QTest::addRow("10") << 10 << 1; // the paper: 5 winners, 4 mutants and 1 crossover child
    QTest::addRow("20") << 20 << 2;
}

// The paper's GA over 12 generations on the synthetic problem: after the first generation each
// asks for population / 2 children - mutants of the winners in turn (each differs from its
// parent in exactly one gene group), then the crossover children (every gene from a winner,
// some mixing two winners, which no single mutation does); the winners are unchanged members of
// the previous winners and the new children, the pool's fittest among them, so the best fitness
// never decreases; and it rises over the generations.
void TestStrategy::paperGaGenerations() {
    QFETCH(int, population);
    QFETCH(int, crossovers);
    Problem p;
    auto o = options("paper-ga", p);
    o.population = population;
    auto s = makeStrategy(p.space(), o);
    auto fitness = [&](const nlohmann::json& m) {
        return paperFitness(m["accuracy"], m["precision"], m["recall"], m["ram"], o.ramBudget,
                            m["flash"], o.flashBudget);
    };
    auto fittest = [&](const nlohmann::json& members) {
        double f = -1e300;
        for (const auto& m : members)
            f = std::max(f, fitness(m));
        return f;
    };
    auto groups = [](const Candidate& a, const Candidate& b) {
        return int(!(a.data == b.data)) + int(a.arch.depths != b.arch.depths) +
               int(a.arch.width != b.arch.width);
    };
    std::map<std::string, Candidate> byKey; // every candidate asked, by its JSON
    Rng rng(8);
    nlohmann::json winners = nlohmann::json::array();
    std::vector<double> best;
    int mixed = 0;
    for (int g = 0; g < 12; ++g) {
        const auto asked = s->ask(rng);
        std::vector<Candidate> parents;
        for (const auto& w : winners)
            parents.push_back(byKey.at(w["candidate"].dump()));
        if (g == 0) {
            QCOMPARE(static_cast<int>(asked.size()), population);
        } else {
            QCOMPARE(static_cast<int>(parents.size()), population / 2);
            QCOMPARE(static_cast<int>(asked.size()), population / 2);
            const int mutants = population / 2 - crossovers;
            for (int i = 0; i < mutants; ++i)
                QCOMPARE(groups(asked[i], parents[i % parents.size()]), 1);
            for (int i = mutants; i < static_cast<int>(asked.size()); ++i) {
                const auto& c = asked[i];
                for (std::size_t st = 0; st < c.arch.depths.size(); ++st)
                    QVERIFY(std::any_of(parents.begin(), parents.end(), [&](const Candidate& w) {
                        return w.arch.depths[st] == c.arch.depths[st];
                    }));
                QVERIFY(std::any_of(parents.begin(), parents.end(), [&](const Candidate& w) {
                    return w.arch.width == c.arch.width;
                }));
                mixed += std::all_of(parents.begin(), parents.end(),
                                     [&](const Candidate& w) { return groups(c, w) > 1; });
            }
        }
        // The pool the tournaments choose from: the winners and the scored children, in the
        // form the strategy's state stores them.
        nlohmann::json pool = winners;
        std::vector<ScoredCandidate> scored;
        for (const auto& c : asked) {
            scored.push_back(p.score(c));
            const auto& sc = scored.back();
            const nlohmann::json key = c;
            byKey[key.dump()] = c;
            pool.push_back({{"candidate", key},
                            {"accuracy", sc.accuracy},
                            {"precision", sc.precision},
                            {"recall", sc.recall},
                            {"ram", sc.ramBytes},
                            {"flash", sc.flashBytes}});
        }
        s->tell(scored);
        winners = s->state()["winners"];
        QCOMPARE(static_cast<int>(winners.size()), population / 2);
        for (const auto& w : winners) // unchanged members of the pool
            QVERIFY(std::any_of(pool.begin(), pool.end(), [&](const nlohmann::json& m) {
                return m["candidate"] == w["candidate"] && m["accuracy"] == w["accuracy"] &&
                       m["ram"] == w["ram"] && m["flash"] == w["flash"];
            }));
        best.push_back(fittest(winners));
        QCOMPARE(best.back(), fittest(pool)); // elitism: the pool's best always survives
        if (g > 0)
            QVERIFY2(best[g] >= best[g - 1],
                     qPrintable(QStringLiteral("%1 -> %2").arg(best[g - 1]).arg(best[g])));
    }
    QVERIFY(mixed > 0);
    QVERIFY2(best.back() > best.front(),
             qPrintable(QStringLiteral("%1 -> %2").arg(best.front()).arg(best.back())));
}

void TestStrategy::fixedDataGenesForHwNas() {
    Problem p;
    for (const char* name : {"nsga2", "paper-ga", "random"}) {
        auto o = options(name, p);
        o.mask.data = false;
        o.fixedData = DataConfig{96, ColourMode::Rgb};
        auto s = makeStrategy(p.space(), o);
        for (const auto& text : runStrategy(*s, p, 5, 1).first) {
            const auto j = nlohmann::json::parse(text);
            QCOMPARE(j["data"]["resolution"].get<int>(), 96);
            QCOMPARE(j["data"]["colour"].get<std::string>(), std::string("rgb"));
        }
    }
}

void TestStrategy::stateRoundTrip() {
    Problem p;
    for (const char* name : {"nsga2", "paper-ga"}) {
        auto a = makeStrategy(p.space(), options(name, p));
        runStrategy(*a, p, 3, 7);
        auto b = makeStrategy(p.space(), options(name, p));
        b->restore(nlohmann::json::parse(a->state().dump()));
        QCOMPARE(b->state(), a->state());
        Rng r1(5), r2(5);
        const auto x = a->ask(r1);
        const auto y = b->ask(r2);
        QCOMPARE(x.size(), y.size());
        for (std::size_t i = 0; i < x.size(); ++i)
            QVERIFY(x[i] == y[i]);
    }
}

void TestStrategy::unknownStrategy() {
    Problem p;
    QVERIFY_THROWS_EXCEPTION(InputError, makeStrategy(p.space(), options("hill-climb", p)));
}

void TestStrategy::seenCandidatesAreNotProposedAgain() {
    // Data genes fixed, so repeats come up (2 in this run without `seen`): NSGA-II and random
    // search propose nothing seen before and nothing twice per generation.
    Problem p;
    for (const char* name : {"nsga2", "random"}) {
        auto o = options(name, p);
        o.mask.data = false;
        o.fixedData = DataConfig{96, ColourMode::Rgb};
        auto s = makeStrategy(p.space(), o);
        std::set<std::string> seen;
        auto isSeen = [&](const Candidate& c) {
            return seen.count(nlohmann::json(p.space().canonical(c)).dump()) > 0;
        };
        Rng rng(11);
        int repeats = 0;
        for (int g = 0; g < 8; ++g) {
            std::vector<ScoredCandidate> scored;
            std::set<std::string> generation;
            for (const auto& c : s->ask(rng, isSeen)) {
                const auto key = nlohmann::json(p.space().canonical(c)).dump();
                repeats += seen.count(key) + (generation.insert(key).second ? 0 : 1);
                scored.push_back(p.score(c));
            }
            seen.insert(generation.begin(), generation.end());
            s->tell(scored);
        }
        QCOMPARE(repeats, 0);
        QCOMPARE(seen.size(), std::size_t{80});
    }
}

void TestStrategy::adoptBudgetsRescoresThePopulation() {
    Problem p;
    for (const char* name : {"nsga2", "paper-ga"}) {
        auto s = makeStrategy(p.space(), options(name, p));
        runStrategy(*s, p, 3, 21);
        const auto before = s->state();
        const auto& members =
            before.contains("population") ? before["population"] : before["winners"];
        QVERIFY(members.size() >= 2);
        // Drop the first member, give the others a violation of 0.5.
        int calls = 0;
        s->adoptBudgets(1000, 2000, [&](const ScoredCandidate& m) -> std::optional<ScoredPoint> {
            if (calls++ == 0)
                return std::nullopt;
            ScoredPoint point = m.score;
            point.violation = 0.5;
            return point;
        });
        const auto after = s->state();
        const auto& kept = after.contains("population") ? after["population"] : after["winners"];
        QCOMPARE(kept.size(), members.size() - 1);
        for (const auto& m : kept)
            QCOMPARE(m["violation"].get<double>(), 0.5);
        QCOMPARE(kept[0]["candidate"], members[1]["candidate"]);
        Rng rng(4);
        QCOMPARE(s->ask(rng).size(),
                 std::size_t{name == std::string("nsga2") ? 10u : 10u - kept.size()});
    }
}

QTEST_APPLESS_MAIN(TestStrategy)
#include "tst_strategy.moc"
