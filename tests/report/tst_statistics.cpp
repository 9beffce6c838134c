#include <cmath>

#include <QtTest>

#include "report/statistics.h"

using namespace dnas;

// Every expected value below is worked out by hand in the comment next to it.
class TestStatistics : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void meanSpreadAndMedian();
    void averageRanksShareTies();
    void kendallTauHandCases();
    void spearmanRhoHandCases();
    void topKOverlapCountsCommonIndices();
    void pairedTestExactSmallSamples();
    void pairedTestTiesAndZeros();
    void pairedTestLargeSampleApproximation();
};

void TestStatistics::meanSpreadAndMedian() {
    // mean 5; squared deviations 9+1+1+9 = 20; sd = sqrt(20/3)
    const auto m = meanSpread({2, 4, 6, 8});
    QCOMPARE(m.mean, 5.0);
    QVERIFY(std::abs(m.sd - std::sqrt(20.0 / 3)) < 1e-12);
    QCOMPARE(meanSpread({3}).sd, 0.0);
    QCOMPARE(median({5, 1, 3}), 3.0);
    QCOMPARE(median({4, 1, 3, 2}), 2.5);
    QCOMPARE(median({}), 0.0);
}

void TestStatistics::averageRanksShareTies() {
    // sorted: 1 (rank 1), 2 2 (ranks 2,3 -> 2.5), 7 (rank 4)
    const auto r = averageRanks({2, 7, 1, 2});
    QCOMPARE(r, (std::vector<double>{2.5, 4, 1, 2.5}));
}

void TestStatistics::kendallTauHandCases() {
    QCOMPARE(kendallTau({1, 2, 3, 4, 5}, {10, 20, 30, 40, 50}), 1.0);
    QCOMPARE(kendallTau({1, 2, 3, 4, 5}, {5, 4, 3, 2, 1}), -1.0);
    // 6 pairs, one discordant (the middle swap): (5 - 1) / 6
    QVERIFY(std::abs(kendallTau({1, 2, 3, 4}, {1, 3, 2, 4}) - 4.0 / 6) < 1e-12);
    // tau-b with a tie in a: C = 5, D = 0, one pair tied in a only: 5 / sqrt(6 * 5)
    QVERIFY(std::abs(kendallTau({1, 2, 2, 3}, {1, 2, 3, 4}) - 5 / std::sqrt(30.0)) < 1e-12);
    QCOMPARE(kendallTau({1}, {2}), 0.0);
    QCOMPARE(kendallTau({1, 1, 1}, {1, 2, 3}), 0.0);
}

void TestStatistics::spearmanRhoHandCases() {
    // no ties: d = -1 1 -1 1 0, sum d^2 = 4, rho = 1 - 6 * 4 / (5 * 24) = 0.8
    QVERIFY(std::abs(spearmanRho({1, 2, 3, 4, 5}, {2, 1, 4, 3, 5}) - 0.8) < 1e-12);
    // ties in b: ranks 1 2 3.5 5 3.5; centred a -2 -1 0 1 2, b -2 -1 .5 2 .5;
    // sum ab = 8, sum aa = 10, sum bb = 9.5: rho = 8 / sqrt(95)
    QVERIFY(std::abs(spearmanRho({1, 2, 3, 4, 5}, {5, 6, 7, 8, 7}) - 8 / std::sqrt(95.0)) < 1e-12);
    QCOMPARE(spearmanRho({1, 2, 3}, {3, 2, 1}), -1.0);
    QCOMPARE(spearmanRho({1, 2, 3}, {4, 4, 4}), 0.0);
}

void TestStatistics::topKOverlapCountsCommonIndices() {
    // top 2 of a: indices {0, 1}; of b: {2, 1}; common {1}
    QCOMPARE(topKOverlap({0.9, 0.8, 0.7, 0.1}, {0.1, 0.8, 0.9, 0.7}, 2), std::size_t{1});
    QCOMPARE(topKOverlap({3, 2, 1}, {30, 20, 10}, 3), std::size_t{3});
    QCOMPARE(topKOverlap({3, 2, 1}, {1, 2, 3}, 1), std::size_t{0});
    QCOMPARE(topKOverlap({1, 2}, {1, 2}, 5), std::size_t{2}); // k capped at n
}

void TestStatistics::pairedTestExactSmallSamples() {
    // 5 wins of 5: W+ = 15, the largest of 32 equally likely sums: one-sided 1/32, two 2/32;
    // sign test 2 * (1/32)
    auto t = pairedTest({1, 2, 3, 4, 5}, {0, 0, 0, 0, 0});
    QCOMPARE(t.wins, std::size_t{5});
    QCOMPARE(t.wilcoxonW, 15.0);
    QCOMPARE(t.wilcoxonPGreater, 1.0 / 32);
    QCOMPARE(t.wilcoxonP, 2.0 / 32);
    QCOMPARE(t.signP, 2.0 / 32);
    // d = 1 -2 3 4 5: ranks 1..5, W+ = 13; subsets of {1..5} with sum >= 13: {1..5}, {2,3,4,5},
    // {1,3,4,5} -> 3/32 one-sided, 6/32 two-sided. Sign: 4 wins, 1 loss: 2 * (1 + 5) / 32.
    t = pairedTest({1, -2, 3, 4, 5}, {0, 0, 0, 0, 0});
    QCOMPARE(t.wins, std::size_t{4});
    QCOMPARE(t.losses, std::size_t{1});
    QCOMPARE(t.wilcoxonW, 13.0);
    QCOMPARE(t.wilcoxonPGreater, 3.0 / 32);
    QCOMPARE(t.wilcoxonP, 6.0 / 32);
    QCOMPARE(t.signP, 12.0 / 32);
    // all losses: W+ = 0, one-sided p for "greater" is 1
    t = pairedTest({0, 0, 0}, {1, 2, 3});
    QCOMPARE(t.wilcoxonPGreater, 1.0);
    QCOMPARE(t.wilcoxonP, 2.0 / 8);
}

void TestStatistics::pairedTestTiesAndZeros() {
    // a zero difference is dropped: d = 1 2 over n = 2, W+ = 3 of {0,1,2,3}: 1/4, two 1/2
    auto t = pairedTest({5, 6, 7}, {5, 5, 5});
    QCOMPARE(t.ties, std::size_t{1});
    QCOMPARE(t.wilcoxonW, 3.0);
    QCOMPARE(t.wilcoxonPGreater, 0.25);
    QCOMPARE(t.wilcoxonP, 0.5);
    // tied |d|: d = 1 1 -2, ranks 1.5 1.5 3, W+ = 3; doubled ranks 3 3 6, sums of the 8
    // subsets 0 3 3 6 6 9 9 12; observed 6: five sums >= 6 and five <= 6, so one-sided 5/8
    // and two-sided min(1, 2 * 5/8) = 1
    t = pairedTest({1, 1, -2}, {0, 0, 0});
    QCOMPARE(t.wilcoxonW, 3.0);
    QCOMPARE(t.wilcoxonPGreater, 5.0 / 8);
    QCOMPARE(t.wilcoxonP, 1.0);
    t = pairedTest({1, 2}, {1, 2});
    QCOMPARE(t.ties, std::size_t{2});
    QCOMPARE(t.wilcoxonP, 1.0);
    QCOMPARE(t.signP, 1.0);
}

void TestStatistics::pairedTestLargeSampleApproximation() {
    // 40 wins: W+ = 820 = n(n+1)/2, z = (820 - 410 - 0.5) / sqrt(40*41*81/24) = 5.5042,
    // one-sided p = erfc(z / sqrt 2) / 2 = 1.854e-8
    std::vector<double> x(40), y(40, 0.0);
    for (int i = 0; i < 40; ++i)
        x[static_cast<std::size_t>(i)] = i + 1;
    const auto t = pairedTest(x, y);
    QCOMPARE(t.wilcoxonW, 820.0);
    QVERIFY(std::abs(t.wilcoxonPGreater - 1.854e-8) < 1e-11);
    QVERIFY(std::abs(t.wilcoxonP - 2 * 1.854e-8) < 2e-11);
    // balanced signs: W+ near its mean, p large
    for (int i = 0; i < 40; i += 2)
        x[static_cast<std::size_t>(i)] = -x[static_cast<std::size_t>(i)];
    QVERIFY(pairedTest(x, y).wilcoxonP > 0.5);
}

QTEST_APPLESS_MAIN(TestStatistics)
#include "tst_statistics.moc"
