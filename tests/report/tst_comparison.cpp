#include <QtTest>

#include "report/comparison.h"

using namespace dnas;

namespace {

ModeSeries series(std::string label, std::optional<DataConfig> data, std::vector<double> hv,
                  bool native = false) {
    ModeSeries m;
    m.label = std::move(label);
    m.data = data;
    m.native = native;
    m.finalHypervolume = hv;
    for (const double v : hv) // a curve rising linearly to the final value over 100 evaluations
        m.curves.push_back({{25, v * 0.25}, {50, v * 0.5}, {75, v * 0.75}, {100, v}});
    return m;
}

} // namespace

class TestComparison : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void evaluationsToReachFindsTheFirstCrossing();
    void oracleIsTheBestFixedConfigurationInHindsight();
    void rejectsCellsWithoutDnasOrWithUnequalSeeds();
};

void TestComparison::evaluationsToReachFindsTheFirstCrossing() {
    const HypervolumeCurve curve = {{1, 0.1}, {2, 0.3}, {3, 0.3}, {4, 0.5}};
    QCOMPARE(evaluationsToReach(curve, 0.3), std::optional<long long>(2));
    QCOMPARE(evaluationsToReach(curve, 0.05), std::optional<long long>(1));
    QCOMPARE(evaluationsToReach(curve, 0.5), std::optional<long long>(4));
    QVERIFY(!evaluationsToReach(curve, 0.51));
    QVERIFY(!evaluationsToReach({}, 0.0));
}

void TestComparison::oracleIsTheBestFixedConfigurationInHindsight() {
    const std::vector<ModeSeries> cell = {
        series("HW-NAS 28 px grayscale", DataConfig{28, ColourMode::Grayscale},
               {0.30, 0.31, 0.29, 0.30, 0.32}, true),
        series("DNAS", std::nullopt, {0.40, 0.42, 0.38, 0.41, 0.39}),
        series("HW-NAS 20 px grayscale", DataConfig{20, ColourMode::Grayscale},
               {0.45, 0.44, 0.40, 0.43, 0.44}),
        series("HW-NAS 32 px rgb", DataConfig{32, ColourMode::Rgb}, {0.20, 0.21, 0.22, 0.19, 0.20}),
    };
    const auto s = summariseCell(cell);
    QCOMPARE(s.dnas, std::size_t{1});
    QVERIFY(s.native && s.oracle);
    QCOMPARE(s.native->baseline, std::size_t{0});
    QCOMPARE(s.oracle->baseline, std::size_t{2}); // mean 0.432 beats 0.30 and 0.204
    // DNAS beats native in all 5 seeds: exact two-sided Wilcoxon p = 2/32
    QCOMPARE(s.native->test.wins, std::size_t{5});
    QCOMPARE(s.native->test.wilcoxonP, 2.0 / 32);
    QVERIFY(std::abs(s.native->meanDifference - (0.40 - 0.304)) < 1e-12);
    // and loses to the oracle in all 5
    QCOMPARE(s.oracle->test.losses, std::size_t{5});
    QVERIFY(s.oracle->meanDifference < 0);
    // DNAS seed 0 reaches native's 0.30 at 75 evaluations (0.30 of 0.40); never the oracle's
    QCOMPARE(s.native->evaluationsToReach[0], std::optional<long long>(75));
    for (const auto& e : s.oracle->evaluationsToReach)
        QVERIFY(!e);
}

void TestComparison::rejectsCellsWithoutDnasOrWithUnequalSeeds() {
    QVERIFY_THROWS_EXCEPTION(
        std::invalid_argument,
        summariseCell({series("HW-NAS", DataConfig{28, ColourMode::Rgb}, {0.1, 0.2})}));
    QVERIFY_THROWS_EXCEPTION(
        std::invalid_argument,
        summariseCell({series("DNAS", std::nullopt, {0.1, 0.2}),
                       series("HW-NAS", DataConfig{28, ColourMode::Rgb}, {0.1})}));
    // DNAS alone: nothing to compare against
    const auto s = summariseCell({series("DNAS", std::nullopt, {0.1, 0.2})});
    QVERIFY(!s.native && !s.oracle);
}

QTEST_APPLESS_MAIN(TestComparison)
#include "tst_comparison.moc"
