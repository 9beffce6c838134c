// The frontier rebuilt from stored candidates under budgets, on hand-made records.
#include <QtTest>

#include "report/run_frontier.h"
#include "space/search_space.h"

using namespace dnas;

class TestRunFrontier : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void twoObjectives();
    void budgetsFilterBeforeDominance();
    void modesScreenedOutAndTies();
    void threeObjectives();
};

namespace {

CandidateRecord record(const std::string& mode, double accuracy, Bytes sram, Bytes flash = 1000,
                       bool evaluated = true) {
    CandidateRecord r;
    r.mode = mode;
    r.candidate = SearchSpace::preset("demo").smallest();
    r.evaluated = evaluated;
    r.accuracy = accuracy;
    r.peakSramBytes = sram;
    r.flashBytes = flash;
    r.latencyMs = 1;
    return r;
}

const Budgets kLoose{1 << 30, 1 << 30, {}};

} // namespace

void TestRunFrontier::twoObjectives() {
    // (accuracy, SRAM): 0 and 2 and 3 are the staircase; 1 is beaten by 0 (less accurate,
    // more SRAM), 4 by 3.
    const std::vector<CandidateRecord> r = {record("dnas", 0.70, 100), record("dnas", 0.65, 150),
                                            record("dnas", 0.80, 200), record("dnas", 0.90, 400),
                                            record("dnas", 0.85, 500)};
    QCOMPARE(frontierOf(r, "dnas", kLoose, {"peak_sram_bytes"}),
             (std::vector<std::size_t>{0, 2, 3}));
}

void TestRunFrontier::budgetsFilterBeforeDominance() {
    // Under a 300-byte SRAM budget the 0.90 point is out, and nothing it dominated comes back
    // unless it fits: 4 stays out too.
    const std::vector<CandidateRecord> r = {record("dnas", 0.70, 100), record("dnas", 0.65, 150),
                                            record("dnas", 0.80, 200), record("dnas", 0.90, 400),
                                            record("dnas", 0.85, 500)};
    const Budgets tight{300, 1 << 30, {}};
    QCOMPARE(frontierOf(r, "dnas", tight, {"peak_sram_bytes"}), (std::vector<std::size_t>{0, 2}));
    // A flash budget excludes the records that do not fit although flash is not an objective.
    auto f = r;
    f[2].flashBytes = 5000;
    const Budgets flash{1 << 30, 2000, {}};
    QCOMPARE(frontierOf(f, "dnas", flash, {"peak_sram_bytes"}), (std::vector<std::size_t>{0, 3}));
    // The 1.5 ms latency budget: only records within it.
    f[3].latencyMs = 2;
    const Budgets latency{1 << 30, 1 << 30, 1.5};
    QCOMPARE(frontierOf(f, "dnas", latency, {"peak_sram_bytes"}),
             (std::vector<std::size_t>{0, 2, 4}));
}

void TestRunFrontier::modesScreenedOutAndTies() {
    const std::vector<CandidateRecord> r = {
        record("dnas", 0.70, 100), record("hwnas", 0.95, 50), record("dnas", 0.70, 100),
        record("dnas", 0.99, 10, 1000, false), record("hwnas", 0.60, 40)};
    // Equal points are both kept; the screened-out record (never evaluated) never counts.
    QCOMPARE(frontierOf(r, "dnas", kLoose, {"peak_sram_bytes"}), (std::vector<std::size_t>{0, 2}));
    QCOMPARE(frontierOf(r, "hwnas", kLoose, {"peak_sram_bytes"}), (std::vector<std::size_t>{1, 4}));
    // All modes together: hwnas's 0.95 at 50 bytes dominates the dnas points.
    QCOMPARE(frontierOf(r, "", kLoose, {"peak_sram_bytes"}), (std::vector<std::size_t>{1, 4}));
}

void TestRunFrontier::threeObjectives() {
    // 1 is worse than 0 in SRAM but better in flash: on the 3-objective front, off the 2-D one.
    const std::vector<CandidateRecord> r = {record("dnas", 0.80, 100, 900),
                                            record("dnas", 0.80, 120, 500),
                                            record("dnas", 0.70, 130, 950)};
    QCOMPARE(frontierOf(r, "dnas", kLoose, {"peak_sram_bytes", "flash_bytes"}),
             (std::vector<std::size_t>{0, 1}));
    QCOMPARE(frontierOf(r, "dnas", kLoose, {"peak_sram_bytes"}), (std::vector<std::size_t>{0}));
}

QTEST_APPLESS_MAIN(TestRunFrontier)
#include "tst_run_frontier.moc"
