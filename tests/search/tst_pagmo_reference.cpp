// Our Pareto code checked against pagmo2 (Debian's libpagmo-dev), the reference the issue
// names: exact hypervolume, non-dominated sorting and crowding distance on random point sets.
#include <numeric>

#include <QtTest>

#include <pagmo/utils/hypervolume.hpp>
#include <pagmo/utils/multi_objective.hpp>

#include "common/rng.h"
#include "search/hypervolume.h"
#include "search/pareto.h"

using namespace dnas;

namespace {

// `n` points in [0, 1)^d, rounded to a grid of `levels` so that ties and duplicates occur.
std::vector<std::vector<double>> randomPoints(Rng& rng, std::size_t n, std::size_t d, int levels) {
    std::vector<std::vector<double>> points(n, std::vector<double>(d));
    for (auto& p : points)
        for (auto& x : p)
            x = static_cast<double>(rng.below(static_cast<std::uint64_t>(levels))) / levels;
    return points;
}

// Points on the simplex-like surface sum(x) = 1: all mutually non-dominated.
std::vector<std::vector<double>> frontPoints(Rng& rng, std::size_t n, std::size_t d) {
    std::vector<std::vector<double>> points(n, std::vector<double>(d));
    for (auto& p : points) {
        double sum = 0;
        for (auto& x : p)
            sum += x = 0.05 + rng.uniform();
        for (auto& x : p)
            x /= sum;
    }
    return points;
}

std::vector<ScoredPoint> scored(const std::vector<std::vector<double>>& points) {
    std::vector<ScoredPoint> out;
    for (const auto& p : points)
        out.push_back({p, 0.0});
    return out;
}

} // namespace

class TestPagmoReference : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void hypervolumeEqualsPagmo_data();
    void hypervolumeEqualsPagmo();
    void sortingEqualsPagmo();
    void crowdingEqualsPagmo();
};

void TestPagmoReference::hypervolumeEqualsPagmo_data() {
    QTest::addColumn<int>("dimensions");
    QTest::addColumn<int>("points");
    QTest::addColumn<bool>("front");
    for (int d : {2, 3, 4, 5})
        for (int n : {1, 7, 30}) {
            QTest::addRow("%dD, %d random points", d, n) << d << n << false;
            QTest::addRow("%dD, %d front points", d, n) << d << n << true;
        }
}

void TestPagmoReference::hypervolumeEqualsPagmo() {
    QFETCH(int, dimensions);
    QFETCH(int, points);
    QFETCH(bool, front);
    Rng rng(static_cast<std::uint64_t>(dimensions * 1000 + points * 10 + front));
    for (int trial = 0; trial < 10; ++trial) {
        const auto d = static_cast<std::size_t>(dimensions);
        const auto n = static_cast<std::size_t>(points);
        const auto set = front ? frontPoints(rng, n, d) : randomPoints(rng, n, d, 8);
        const std::vector<double> reference(d, 1.0);
        const double ours = hypervolume(set, reference);
        const double theirs = pagmo::hypervolume(set, false).compute(reference);
        QVERIFY2(
            std::abs(ours - theirs) <= 1e-12 + 1e-9 * theirs,
            qPrintable(
                QStringLiteral("%1 vs pagmo %2").arg(ours, 0, 'g', 17).arg(theirs, 0, 'g', 17)));
    }
}

void TestPagmoReference::sortingEqualsPagmo() {
    Rng rng(77);
    for (int trial = 0; trial < 50; ++trial) {
        const auto set = randomPoints(rng, 2 + rng.below(40), 2 + rng.below(3),
                                      3 + static_cast<int>(rng.below(6)));
        const auto ours = nonDominatedSort(scored(set));
        const auto theirs = std::get<0>(pagmo::fast_non_dominated_sorting(set));
        QCOMPARE(ours.size(), theirs.size());
        for (std::size_t f = 0; f < ours.size(); ++f) {
            auto a = ours[f];
            auto b = std::vector<std::size_t>(theirs[f].begin(), theirs[f].end());
            std::sort(a.begin(), a.end());
            std::sort(b.begin(), b.end());
            QCOMPARE(a, b);
        }
    }
}

void TestPagmoReference::crowdingEqualsPagmo() {
    // pagmo's crowding distance is defined on one non-dominated front of distinct points.
    Rng rng(78);
    for (int trial = 0; trial < 50; ++trial) {
        const auto set = frontPoints(rng, 3 + rng.below(20), 2 + rng.below(3));
        std::vector<std::size_t> all(set.size());
        std::iota(all.begin(), all.end(), std::size_t{0});
        const auto ours = crowdingDistance(scored(set), all);
        const auto theirs = pagmo::crowding_distance(set);
        QCOMPARE(ours.size(), theirs.size());
        for (std::size_t i = 0; i < ours.size(); ++i) {
            if (std::isinf(theirs[i]))
                QVERIFY(std::isinf(ours[i]));
            else
                QVERIFY2(std::abs(ours[i] - theirs[i]) <= 1e-12,
                         qPrintable(QStringLiteral("%1 vs pagmo %2").arg(ours[i]).arg(theirs[i])));
        }
    }
}

QTEST_APPLESS_MAIN(TestPagmoReference)
#include "tst_pagmo_reference.moc"
