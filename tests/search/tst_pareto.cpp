#include <cmath>

#include <QtTest>

#include "common/rng.h"
#include "search/hypervolume.h"
#include "search/pareto.h"
#include "search/pareto_archive.h"

using namespace dnas;

namespace {

using Points = std::vector<std::vector<double>>;

std::vector<ScoredPoint> feasible(const Points& points) {
    std::vector<ScoredPoint> out;
    for (const auto& p : points)
        out.push_back({p, 0.0});
    return out;
}

// Independent exact hypervolume by inclusion-exclusion over all subsets (exponential; fine
// for up to a dozen points): the union of boxes [p, ref].
double inclusionExclusion(const Points& points, const std::vector<double>& ref) {
    const std::size_t n = points.size();
    double total = 0;
    for (std::uint32_t mask = 1; mask < (1u << n); ++mask) {
        std::vector<double> corner(ref.size(), -1e300);
        int bits = 0;
        for (std::size_t i = 0; i < n; ++i) {
            if (!(mask & (1u << i)))
                continue;
            ++bits;
            for (std::size_t d = 0; d < ref.size(); ++d)
                corner[d] = std::max(corner[d], points[i][d]);
        }
        double v = 1;
        for (std::size_t d = 0; d < ref.size(); ++d)
            v *= std::max(0.0, ref[d] - corner[d]);
        total += (bits % 2 ? 1 : -1) * v;
    }
    return total;
}

} // namespace

class TestPareto : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void dominance();
    void frontsOfAKnownSet();
    void constrainedDominationRanksFeasibleFirst();
    void crowdingOfKnownFronts();
    void hypervolumeByHand();
    void hypervolumeMatchesInclusionExclusion_data();
    void hypervolumeMatchesInclusionExclusion();
    void archiveKeepsTheFront();
};

void TestPareto::dominance() {
    QVERIFY(dominates({1, 2}, {2, 2}));
    QVERIFY(!dominates({1, 2}, {1, 2})); // equal points do not dominate
    QVERIFY(!dominates({1, 3}, {2, 2}));
    QVERIFY(dominates({0, 0, 0}, {0, 0, 1}));
}

void TestPareto::frontsOfAKnownSet() {
    const auto points = feasible({{1, 5}, {2, 3}, {4, 1}, {3, 4}, {5, 5}, {4, 4}});
    const auto fronts = nonDominatedSort(points);
    QCOMPARE(fronts.size(), std::size_t{4});
    QCOMPARE(fronts[0], (std::vector<std::size_t>{0, 1, 2}));
    QCOMPARE(fronts[1], (std::vector<std::size_t>{3}));
    QCOMPARE(fronts[2], (std::vector<std::size_t>{5}));
    QCOMPARE(fronts[3], (std::vector<std::size_t>{4}));
}

void TestPareto::constrainedDominationRanksFeasibleFirst() {
    std::vector<ScoredPoint> points = {
        {{0, 0}, 0.5}, // best objectives, over budget by 50 %
        {{5, 5}, 0.0}, // feasible but poor
        {{1, 1}, 0.1}, // slightly over budget
        {{4, 6}, 0.0}, // feasible, trades off with the other feasible one
    };
    QVERIFY(constrainedDominates(points[1], points[0]));
    QVERIFY(constrainedDominates(points[2], points[0]));
    QVERIFY(!constrainedDominates(points[1], points[3]));
    const auto fronts = nonDominatedSort(points);
    QCOMPARE(fronts.size(), std::size_t{3});
    QCOMPARE(fronts[0], (std::vector<std::size_t>{1, 3}));
    QCOMPARE(fronts[1], (std::vector<std::size_t>{2}));
    QCOMPARE(fronts[2], (std::vector<std::size_t>{0}));
}

void TestPareto::crowdingOfKnownFronts() {
    const auto a = feasible({{1, 5}, {2, 3}, {4, 1}});
    const auto da = crowdingDistance(a, {0, 1, 2});
    QVERIFY(std::isinf(da[0]) && std::isinf(da[2]));
    QCOMPARE(da[1], 2.0); // (4-1)/(4-1) + (5-1)/(5-1)
    const auto b = feasible({{0, 4}, {1, 3}, {2, 2}, {4, 0}});
    const auto db = crowdingDistance(b, {0, 1, 2, 3});
    QCOMPARE(db[1], 1.0); // (2-0)/4 + (4-2)/4
    QCOMPARE(db[2], 1.5); // (4-1)/4 + (3-0)/4
    QVERIFY(std::isinf(db[0]) && std::isinf(db[3]));
}

void TestPareto::hypervolumeByHand() {
    QCOMPARE(hypervolume({{1, 2}, {2, 1}}, {3, 3}), 3.0);
    QCOMPARE(hypervolume({{1, 1, 1}}, {2, 2, 2}), 1.0);
    QCOMPARE(hypervolume({{1, 2}, {2, 1}, {2, 2}}, {3, 3}), 3.0); // a dominated point adds nothing
    QCOMPARE(hypervolume({{3, 0}}, {3, 3}), 0.0);                 // on the reference: outside
    QCOMPARE(hypervolume({}, {1, 1}), 0.0);
}

void TestPareto::hypervolumeMatchesInclusionExclusion_data() {
    QTest::addColumn<int>("dims");
    QTest::addColumn<int>("count");
    QTest::addRow("2d") << 2 << 10;
    QTest::addRow("3d") << 3 << 10;
    QTest::addRow("4d") << 4 << 9;
}

void TestPareto::hypervolumeMatchesInclusionExclusion() {
    QFETCH(int, dims);
    QFETCH(int, count);
    Rng rng(static_cast<std::uint64_t>(dims));
    const std::vector<double> ref(static_cast<std::size_t>(dims), 1.0);
    for (int trial = 0; trial < 30; ++trial) {
        Points points;
        for (int i = 0; i < count; ++i) {
            std::vector<double> p;
            for (int d = 0; d < dims; ++d)
                p.push_back(std::round(rng.uniform() * 20) / 20); // ties happen
            points.push_back(p);
        }
        const double expected = inclusionExclusion(points, ref);
        QVERIFY2(
            std::abs(hypervolume(points, ref) - expected) < 1e-9,
            qPrintable(QStringLiteral("%1 vs %2").arg(hypervolume(points, ref)).arg(expected)));
    }
}

void TestPareto::archiveKeepsTheFront() {
    Rng rng(8);
    ParetoArchive archive;
    std::vector<ScoredPoint> seen;
    for (int i = 0; i < 200; ++i) {
        std::vector<double> p = {rng.uniform(), rng.uniform(), rng.uniform()};
        seen.push_back({p, 0.0});
        archive.insert(i, p);
        if (i % 20 != 19)
            continue;
        const auto front = nonDominatedSort(seen)[0];
        QCOMPARE(archive.front().size(), front.size());
        for (const auto idx : front)
            QVERIFY(archive.contains(static_cast<std::int64_t>(idx)));
    }
    Points frontPoints;
    for (const auto& e : archive.front())
        frontPoints.push_back(e.objectives);
    Points all;
    for (const auto& s : seen)
        all.push_back(s.objectives);
    QVERIFY(std::abs(archive.hypervolume({1, 1, 1}) - hypervolume(all, {1, 1, 1})) < 1e-12);
    QVERIFY(!archive.insert(999, {2, 2, 2})); // dominated by everything
}

QTEST_APPLESS_MAIN(TestPareto)
#include "tst_pareto.moc"
