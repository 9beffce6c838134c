#include <QtTest>

#include <nlohmann/json.hpp>

#include "common/rng.h"
#include "search/genetic_operators.h"
#include "space/search_space.h"

using namespace dnas;

class TestGeneticOperators : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void repairMovesDepthForward_data();
    void repairMovesDepthForward();
    void childrenStayInTheSpace_data();
    void childrenStayInTheSpace();
    void hwnasNeverChangesDataGenes();
    void paperMutationChangesOneGroup();
    void paperFitnessByHand();
};

void TestGeneticOperators::repairMovesDepthForward_data() {
    QTest::addColumn<std::vector<int>>("in");
    QTest::addColumn<std::vector<int>>("out");
    QTest::addRow("gap before stage 5")
        << std::vector<int>{1, 2, 3, 0, 2, 0, 0} << std::vector<int>{1, 2, 3, 1, 1, 0, 0};
    QTest::addRow("lone last stage")
        << std::vector<int>{1, 2, 0, 0, 0, 0, 1} << std::vector<int>{1, 2, 1, 0, 0, 0, 0};
    QTest::addRow("two moves") << std::vector<int>{1, 2, 0, 4, 0, 0, 0}
                               << std::vector<int>{1, 2, 1, 3, 0, 0, 0};
    QTest::addRow("already contiguous")
        << std::vector<int>{1, 2, 3, 4, 3, 0, 0} << std::vector<int>{1, 2, 3, 4, 3, 0, 0};
}

void TestGeneticOperators::repairMovesDepthForward() {
    QFETCH(std::vector<int>, in);
    QFETCH(std::vector<int>, out);
    QCOMPARE(repairDepths(SearchSpace::preset("paper"), in), out);
}

void TestGeneticOperators::childrenStayInTheSpace_data() {
    QTest::addColumn<QString>("space");
    QTest::addRow("default") << "default";
    QTest::addRow("paper") << "paper";
    QTest::addRow("demo") << "demo";
}

void TestGeneticOperators::childrenStayInTheSpace() {
    QFETCH(QString, space);
    const auto s = SearchSpace::preset(space.toStdString());
    Rng rng(11);
    for (int i = 0; i < 400; ++i) {
        const auto a = s.sample(rng);
        const auto b = s.sample(rng);
        for (const auto& child :
             {mutate(s, a, rng, 0.3), crossover(s, a, b, rng), paperMutate(s, a, rng)}) {
            const auto problems = s.check(child);
            const nlohmann::json j = child;
            QVERIFY2(problems.empty(),
                     qPrintable(QString::fromStdString(j.dump() + ": " +
                                                       (problems.empty() ? "" : problems[0]))));
            QCOMPARE(s.canonical(child), child);
        }
        // Crossover takes every gene from one of the parents.
        const auto c = crossover(s, a, b, rng);
        QVERIFY(c.data.resolution == a.data.resolution || c.data.resolution == b.data.resolution);
        QVERIFY(c.arch.width == a.arch.width || c.arch.width == b.arch.width);
    }
}

void TestGeneticOperators::hwnasNeverChangesDataGenes() {
    const auto s = SearchSpace::preset("default");
    const GeneMask frozen{false, true};
    Rng rng(5);
    int archChanges = 0;
    for (int i = 0; i < 500; ++i) {
        auto a = s.sample(rng);
        auto b = s.sample(rng);
        a.data = {96, ColourMode::Rgb};
        b.data = {160, ColourMode::Grayscale}; // even a parent with other data genes
        for (const auto& child : {mutate(s, a, rng, 0.5, frozen), crossover(s, a, b, rng, frozen),
                                  paperMutate(s, a, rng, frozen)}) {
            QVERIFY(child.data == a.data);
            archChanges += !(child.arch == a.arch);
        }
    }
    QVERIFY(archChanges > 1000); // the architecture still evolves
}

// Each paper-GA child differs from its parent in exactly one group: a data gene, the depth
// vector (one step plus repair), or the width.
void TestGeneticOperators::paperMutationChangesOneGroup() {
    const auto s = SearchSpace::preset("paper");
    Rng rng(21);
    int data = 0, depth = 0, width = 0;
    for (int i = 0; i < 3000; ++i) {
        Candidate parent = s.sample(rng);
        const auto child = paperMutate(s, parent, rng);
        const bool d = !(child.data == parent.data);
        const bool p = child.arch.depths != parent.arch.depths;
        const bool w = child.arch.width != parent.arch.width;
        QCOMPARE(int(d) + int(p) + int(w), 1);
        data += d;
        depth += p;
        width += w;
        if (d) // one data gene, to a neighbouring value
            QVERIFY(child.data.resolution == parent.data.resolution ||
                    child.data.colour == parent.data.colour);
        if (w)
            QVERIFY(std::abs(child.arch.width - parent.arch.width) < 0.1 + 1e-9);
    }
    // 0.4 / 0.4 / 0.2 before the retries of no-op steps (ends of ranges, fixed stages).
    QVERIFY2(data > 900 && data < 1600, qPrintable(QString::number(data)));
    QVERIFY2(depth > 800 && depth < 1500, qPrintable(QString::number(depth)));
    QVERIFY2(width > 400 && width < 900, qPrintable(QString::number(width)));
}

void TestGeneticOperators::paperFitnessByHand() {
    QCOMPARE(paperFitness(0.9, 0.8, 0.7, 600, 500, 100, 200), 0.9 + 0.8 + 0.7 + 0.8 + 1.0);
    QCOMPARE(paperFitness(1, 1, 1, 10, 500, 10, 200), 5.0); // the maximum
    QCOMPARE(paperFitness(0.5, 0.5, 0.5, 1500, 500, 400, 200), 1.5 - 1.0 + 0.0);
}

QTEST_APPLESS_MAIN(TestGeneticOperators)
#include "tst_genetic_operators.moc"
