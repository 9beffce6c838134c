// Racing (early-stopped validation): the confidence bound it rests on, and a seeded search on a
// trained supernet in which every candidate it stopped early is checked against its full
// validation - none of them belongs on the frontier.

#include <algorithm>
#include <cmath>
#include <random>

#include <QtTest>

#include <torch/torch.h>

#include "common/json_document.h"
#include "cost/cost_model.h"
#include "cost/mcu_catalog.h"
#include "data/dataset_loader.h"
#include "data/image_cache.h"
#include "engine/search_engine.h"
#include "eval/evaluator.h"
#include "eval/racing.h"
#include "search/pareto_archive.h"
#include "support/image_fixtures.h"
#include "support/tiny_supernet.h"
#include "train/supernet_trainer.h"

using namespace dnas;
namespace fs = std::filesystem;

class TestRacing : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void boundIsExactOnTheWholeSplit();
    void boundMatchesClopperPearsonForALargeSplit();
    void boundEqualsTheFullTailSumOnABigSplit();
    void boundHoldsWithItsConfidence();
    void accuracyToBeatTakesTheBestNoCostlierMember();
    void racingNeverDropsAFrontierCandidate();
};

void TestRacing::boundIsExactOnTheWholeSplit() {
    QCOMPARE(accuracyUpperBound(730, 1000, 1000, 1e-3), 0.73);
    QCOMPARE(accuracyUpperBound(0, 50, 50, 1e-3), 0.0);
    QCOMPARE(accuracyUpperBound(50, 50, 50, 1e-3), 1.0);
    QCOMPARE(accuracyUpperBound(0, 0, 50, 1e-3), 1.0); // nothing seen: nothing known
    // After 990 of 1000 with 700 right, at most the 10 unseen can be right.
    QVERIFY(accuracyUpperBound(700, 990, 1000, 1e-3) <= 0.710 + 1e-12);
    // More right, a higher bound; more seen at the same rate, a tighter one.
    QVERIFY(accuracyUpperBound(80, 100, 1000, 0.01) < accuracyUpperBound(85, 100, 1000, 0.01));
    QVERIFY(accuracyUpperBound(400, 500, 1000, 0.01) < accuracyUpperBound(80, 100, 1000, 0.01));
}

// Drawing 100 of a million is nearly drawing with replacement: the bound is then the one-sided
// Clopper-Pearson bound (80 of 100 at 97.5 %: 0.8733, the upper end of the textbook 95 %
// interval [0.7082, 0.8733]).
void TestRacing::boundMatchesClopperPearsonForALargeSplit() {
    const double bound = accuracyUpperBound(80, 100, 1000000, 0.025);
    QVERIFY2(std::abs(bound - 0.8733) < 0.001, qPrintable(QString::number(bound)));
}

namespace {

// The hypergeometric lower tail summed over every count, each term from lgamma: the plain
// definition the evaluator's truncated recursion must reproduce.
double fullTail(std::size_t k, std::size_t n, std::size_t good, std::size_t population) {
    const auto logChoose = [](double a, double b) {
        return std::lgamma(a + 1) - std::lgamma(b + 1) - std::lgamma(a - b + 1);
    };
    const std::size_t bad = population - good;
    const std::size_t lowest = n > bad ? n - bad : 0;
    double sum = 0;
    for (std::size_t x = lowest; x <= std::min(k, std::min(n, good)); ++x)
        sum += std::exp(logChoose(double(good), double(x)) + logChoose(double(bad), double(n - x)) -
                        logChoose(double(population), double(n)));
    return sum;
}

// The largest good count whose tail is at least delta, by trying every count.
double bruteForceBound(std::size_t correct, std::size_t seen, std::size_t population,
                       double delta) {
    std::size_t best = correct;
    for (std::size_t good = correct; good <= population - seen + correct; ++good)
        if (fullTail(correct, seen, good, population) >= delta)
            best = good;
    return double(best) / double(population);
}

} // namespace

// On a split of 3,000 images (the evaluator's bound stops summing once terms vanish), the bound
// equals the one from the full tail sum at every good count, at accuracies near 0, 0.5 and 1.
void TestRacing::boundEqualsTheFullTailSumOnABigSplit() {
    const std::size_t population = 3000;
    for (const auto& [correct, seen] : std::vector<std::pair<std::size_t, std::size_t>>{
             {12, 400}, {1300, 2600}, {2900, 2950}, {700, 1000}, {999, 1000}})
        for (const double delta : {1e-3, 0.05}) {
            const double want = bruteForceBound(correct, seen, population, delta);
            const double got = accuracyUpperBound(correct, seen, population, delta);
            QVERIFY2(std::abs(got - want) < 0.5 / population,
                     qPrintable(QString("%1 of %2, delta %3: %4, full sum %5")
                                    .arg(correct)
                                    .arg(seen)
                                    .arg(delta)
                                    .arg(got)
                                    .arg(want)));
        }
}

// A split of 1,000 images, 850 of them right: over 4,000 random orders, the bound after 200
// images is below 0.85 in at most delta of them - and it is not uselessly loose.
void TestRacing::boundHoldsWithItsConfidence() {
    std::vector<int> right(1000, 0);
    std::fill(right.begin(), right.begin() + 850, 1);
    std::mt19937 gen(7);
    const double delta = 0.05;
    int misses = 0;
    double sum = 0;
    const int trials = 4000;
    for (int t = 0; t < trials; ++t) {
        std::shuffle(right.begin(), right.end(), gen);
        const auto k = static_cast<std::size_t>(std::count(right.begin(), right.begin() + 200, 1));
        const double bound = accuracyUpperBound(k, 200, 1000, delta);
        misses += bound < 0.85;
        sum += bound;
    }
    const double missRate = static_cast<double>(misses) / trials;
    qInfo("bound below the true 0.85 in %.2f %% of orders (delta %.0f %%), mean bound %.3f",
          100 * missRate, 100 * delta, sum / trials);
    QVERIFY2(missRate <= delta, qPrintable(QString::number(missRate)));
    QVERIFY2(missRate > delta / 10, "an exact tail should use most of its delta");
    QVERIFY(sum / trials < 0.85 + 0.06);
}

void TestRacing::accuracyToBeatTakesTheBestNoCostlierMember() {
    // Members: {1 - accuracy, sram, flash}.
    const std::vector<std::vector<double>> front = {{0.2, 0.5, 0.5}, {0.1, 0.9, 0.9}};
    QCOMPARE(accuracyToBeat(front, {0.6, 0.6}), 0.8);
    QCOMPARE(accuracyToBeat(front, {0.9, 0.9}), 0.9); // equal costs count as no costlier
    QCOMPARE(accuracyToBeat(front, {0.4, 1.0}), -1.0);
    QCOMPARE(accuracyToBeat({}, {0.4, 1.0}), -1.0);
}

// A seeded DNAS search with racing on a supernet trained to tell the generated squares apart
// (600 validation images, batches of 25 for frequent looks). Every candidate racing stopped is
// then validated on the whole split: with those full accuracies, none of them is on the mode's
// frontier, and the candidates it did not stop kept exactly their full accuracy.
void TestRacing::racingNeverDropsAFrontierCandidate() {
    torch::set_num_threads(1);
    QTemporaryDir dir;
    const fs::path root = dir.path().toStdString();
    auto dataset = loadDataset(fixtures::writeSquaresDataset(root / "sq", 96, 600).string(), {});
    ImageCache cache(dataset, ImageCache::Options{});
    const auto supernet = fixtures::trainedTinySupernet(dataset, cache, 40);

    const auto mcu = McuCatalog::builtIn().find("stm32f746");
    const auto& space = supernet->space();
    CostModel model;
    const auto largest =
        model.estimate(buildNetwork(space.decode(space.largest(), 2)), mcu,
                       *mcu.runtime(mcu.defaultRuntime), CostMode::Tflm, CostModel::budgetsOf(mcu));
    SearchConfig c;
    c.mode = "dnas";
    c.strategy.population = 6;
    c.generations = 6;
    c.budgets = {largest.peakSramBytes, largest.flashBytes, std::nullopt};
    c.seed = 3;
    c.eval.calibrationImages = 48;
    c.eval.batchSize = 25;
    QVERIFY(c.eval.racing);
    auto store = RunStore::open(root / "race.db");
    SearchInputs in;
    in.supernet = supernet;
    in.dataset = dataset;
    in.cache = &cache;
    in.mcu = mcu;
    in.store = store.get();
    SearchObserver observer;
    const auto runId = SearchEngine::run(c, in, observer);

    EvalOptions full = c.eval;
    full.racing = false;
    Evaluator evaluator(supernet, dataset, cache, full);
    ParetoArchive archive;
    std::vector<CandidateRecord> stopped;
    std::size_t validated = 0, evaluated = 0;
    for (const auto& r : store->candidates(runId)) {
        if (!r.evaluated)
            continue;
        ++evaluated;
        const auto samples = r.metrics.at("samples").get<std::size_t>();
        validated += samples;
        const double accuracy = evaluator.evaluate(r.candidate).metrics.accuracy;
        if (r.metrics.value("stopped_early", false)) {
            QVERIFY(samples < 600);
            const double bound = r.metrics.at("accuracy_upper_bound").get<double>();
            QVERIFY2(accuracy <= bound,
                     qPrintable(QStringLiteral("candidate %1: accuracy %2 on all "
                                               "600, bound %3 after %4 (%5)")
                                    .arg(r.id)
                                    .arg(accuracy)
                                    .arg(bound)
                                    .arg(samples)
                                    .arg(r.accuracy)));
            stopped.push_back(r);
        } else {
            QCOMPARE(samples, std::size_t{600});
            QCOMPARE(r.accuracy, accuracy);
        }
        archive.insert(r.id, {1 - accuracy, static_cast<double>(r.peakSramBytes),
                              static_cast<double>(r.flashBytes)});
    }
    qInfo("%zu of %zu evaluated candidates stopped early; %zu of %zu validation images scored",
          stopped.size(), evaluated, validated, evaluated * 600);
    QVERIFY2(!stopped.empty(), "the scenario must make racing stop some candidates");
    for (const auto& r : stopped)
        QVERIFY2(!archive.contains(r.id),
                 qPrintable(QStringLiteral("candidate %1 was stopped early but is on the frontier "
                                           "of full validation")
                                .arg(r.id)));
}

QTEST_GUILESS_MAIN(TestRacing)
#include "tst_racing.moc"
