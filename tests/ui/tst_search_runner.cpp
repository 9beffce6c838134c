// The GUI's bridge to the engine: a real search (tiny generated dataset, a supernet trained by
// the runner itself) on a worker thread, its events arriving as queued signals in this thread.
// QSignalSpy records with a direct connection, so a signal the worker emits before a wait()
// would already be counted and wait() would wait for another: the tests poll the counts.
#include <atomic>

#include <QtTest>

#include "bridge/search_runner.h"
#include "cost/cost_model.h"
#include "cost/mcu_catalog.h"
#include "store/run_store.h"
#include "support/image_fixtures.h"
#include "support/temp_files.h"

using namespace dnas;
using dnas::ui::SearchJob;
using dnas::ui::SearchRunner;

class TestSearchRunner : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void runsAndSignalsInTheGuiThread();
    void pauseResumeAndStop();
    void badInputFails();

private:
    SearchJob job(long long evaluations, const QString& store) const;

    QTemporaryDir dir_;
};

void TestSearchRunner::initTestCase() {
    fixtures::writeSquaresDataset(
        std::filesystem::path(dir_.filePath(QStringLiteral("squares")).toStdString()));
    writeTempFile(dir_, QStringLiteral("tiny_space.json"), fixtures::kTinySpaceJson);
}

SearchJob TestSearchRunner::job(long long evaluations, const QString& store) const {
    SearchJob j;
    j.dataset = dir_.filePath(QStringLiteral("squares")).toStdString();
    j.space = dir_.filePath(QStringLiteral("tiny_space.json")).toStdString();
    j.supernetCacheDir = dir_.filePath(QStringLiteral("supernets")).toStdString();
    j.store = dir_.filePath(store).toStdString();
    j.config.mode = "compare";
    j.config.maxEvaluations = evaluations;
    j.config.strategy.population = 4;
    j.config.seed = 5;
    j.config.eval.calibrationImages = 16;
    j.config.budgets = CostModel::budgetsOf(McuCatalog::builtIn().find("stm32f746"));
    return j;
}

void TestSearchRunner::runsAndSignalsInTheGuiThread() {
    SearchRunner runner;
    QSignalSpy phases(&runner, &SearchRunner::phase);
    QSignalSpy started(&runner, &SearchRunner::runStarted);
    QSignalSpy candidates(&runner, &SearchRunner::candidateEvaluated);
    QSignalSpy volumes(&runner, &SearchRunner::hypervolume);
    QSignalSpy fronts(&runner, &SearchRunner::frontier);
    QSignalSpy finished(&runner, &SearchRunner::finished);
    QSignalSpy failed(&runner, &SearchRunner::failed);
    int offThread = 0;
    connect(&runner, &SearchRunner::candidateEvaluated, this, [&](const CandidateRecord&, bool) {
        offThread += QThread::currentThread() == thread() ? 0 : 1;
    });
    QVERIFY(runner.start(job(5, QStringLiteral("run.db"))));
    QVERIFY(!runner.start(job(5, QStringLiteral("other.db")))); // one search at a time
    QTRY_VERIFY2_WITH_TIMEOUT(!finished.isEmpty() || !failed.isEmpty(),
                              "no finished or failed signal", 120000);
    QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed[0][0].toString()));
    QVERIFY(failed.isEmpty());
    QCOMPARE(offThread, 0);     // delivered in the receiver's (GUI) thread
    QVERIFY(!phases.isEmpty()); // the supernet was trained first
    QCOMPARE(phases[0][0].toString(), QStringLiteral("training supernet"));
    QCOMPARE(phases.last()[1].toLongLong(), phases.last()[2].toLongLong());
    QCOMPARE(started.size(), 1);
    QCOMPARE(volumes.size(), 10); // 5 evaluations per mode
    QVERIFY(candidates.size() >= 10);
    QVERIFY(!fronts.isEmpty());
    const auto record = qvariant_cast<CandidateRecord>(candidates[0][0]);
    QVERIFY(record.id > 0 && !record.mode.empty());
    QCOMPARE(finished[0][1].toBool(), false);
    QTRY_VERIFY(!runner.running());
    auto store = RunStore::open(dir_.filePath(QStringLiteral("run.db")).toStdString());
    QCOMPARE(store->runs()[0].evaluations, std::int64_t{10});
}

void TestSearchRunner::pauseResumeAndStop() {
    SearchRunner runner;
    QSignalSpy candidates(&runner, &SearchRunner::candidateEvaluated);
    QSignalSpy finished(&runner, &SearchRunner::finished);
    QSignalSpy failed(&runner, &SearchRunner::failed);
    // Counted on the engine's thread as they happen (queued deliveries may lag).
    std::atomic<int> emitted{0};
    connect(
        &runner, &SearchRunner::candidateEvaluated, this,
        [&](const CandidateRecord&, bool) { ++emitted; }, Qt::DirectConnection);
    QVERIFY(runner.start(job(500, QStringLiteral("pause.db"))));
    QTRY_VERIFY_WITH_TIMEOUT(!candidates.isEmpty(), 120000);
    runner.pause();
    QVERIFY(runner.paused());
    const int atPause = emitted.load();
    QTest::qWait(500);
    const int settled = emitted.load();
    QVERIFY(settled <= atPause + 1); // at most the candidate that was under way
    QTest::qWait(500);
    QCOMPARE(emitted.load(), settled); // nothing while paused
    runner.resume();
    QTRY_VERIFY_WITH_TIMEOUT(emitted.load() > settled, 60000);
    runner.stop();
    QTRY_VERIFY_WITH_TIMEOUT(!finished.isEmpty(), 60000);
    QVERIFY(failed.isEmpty());
    QCOMPARE(finished[0][1].toBool(), true); // stopped, resumable
    auto store = RunStore::open(dir_.filePath(QStringLiteral("pause.db")).toStdString());
    QCOMPARE(store->runs()[0].status, std::string("stopped"));
}

void TestSearchRunner::badInputFails() {
    SearchRunner runner;
    QSignalSpy failed(&runner, &SearchRunner::failed);
    auto j = job(5, QStringLiteral("bad.db"));
    j.dataset = dir_.filePath(QStringLiteral("no-such-folder")).toStdString();
    QVERIFY(runner.start(j));
    QTRY_VERIFY_WITH_TIMEOUT(!failed.isEmpty(), 30000);
    QVERIFY2(failed[0][0].toString().contains(QStringLiteral("no-such-folder")),
             qPrintable(failed[0][0].toString()));
    QTRY_VERIFY(!runner.running());
}

QTEST_GUILESS_MAIN(TestSearchRunner)
#include "tst_search_runner.moc"
