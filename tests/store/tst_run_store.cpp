#include <csignal>
#include <sstream>
#include <sys/wait.h>
#include <unistd.h>

#include <QtTest>

#include <sqlite3.h>

#include "common/error.h"
#include "common/rng.h"
#include "space/search_space.h"
#include "store/run_store.h"
#include "support/image_fixtures.h"

using namespace dnas;
namespace fs = std::filesystem;

namespace {

CandidateRecord record(std::int64_t run, int i, const Candidate& c, bool evaluated) {
    CandidateRecord r;
    r.runId = run;
    r.mode = i % 2 ? "hwnas" : "dnas";
    r.sequence = i;
    r.generation = i / 4;
    r.candidate = c;
    r.evaluated = evaluated;
    r.accuracy = evaluated ? 0.5 + 0.01 * i : 0;
    r.metrics = {{"f1", 0.25 * i}};
    r.macs = 1000000 + i;
    r.params = 5000 + i;
    r.peakSramBytes = 100000 + i;
    r.flashBytes = 200000 + i;
    r.latencyMs = 10.5 + i;
    r.energyMj = 0.5 * i;
    r.feasible = evaluated;
    r.evalSeconds = evaluated ? 0.2 : 0;
    return r;
}

} // namespace

class TestRunStore : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void roundTripAcrossReopen();
    void walModeAndState();
    void csvExport();
    void notARunStore();
    void unknownRun();
    void killedProcessLosesNoCommittedCandidate();

private:
    QTemporaryDir dir_;
};

void TestRunStore::roundTripAcrossReopen() {
    const fs::path path = fs::path(dir_.path().toStdString()) / "runs.db";
    const auto space = SearchSpace::preset("demo");
    Rng rng(1);
    std::vector<Candidate> cands;
    std::int64_t run = 0;
    {
        auto store = RunStore::open(path);
        run = store->createRun({{"mode", "compare"}, {"mcu", "stm32f746"}}, 42, "abc123");
        for (int i = 0; i < 5; ++i) {
            cands.push_back(space.sample(rng));
            store->addCandidate(record(run, i, cands.back(), i != 3));
        }
        store->recordHypervolume(run, "dnas", 1, 0.1);
        store->recordHypervolume(run, "dnas", 2, 0.25);
        store->setStatus(run, "finished");
    }
    auto store = RunStore::open(path);
    const auto runs = store->runs();
    QCOMPARE(runs.size(), std::size_t{1});
    QCOMPARE(runs[0].status, std::string("finished"));
    QCOMPARE(runs[0].evaluations, std::int64_t{4}); // the screened-out one is not an evaluation
    QCOMPARE(runs[0].seed, std::uint64_t{42});
    QCOMPARE(runs[0].config["mcu"].get<std::string>(), std::string("stm32f746"));
    const auto back = store->candidates(run);
    QCOMPARE(back.size(), std::size_t{5});
    for (int i = 0; i < 5; ++i) {
        QVERIFY(back[i].candidate == cands[i]);
        QCOMPARE(back[i].evaluated, i != 3);
        QCOMPARE(back[i].peakSramBytes, Bytes{100000 + i});
        QCOMPARE(back[i].metrics["f1"].get<double>(), 0.25 * i);
        QCOMPARE(back[i].mode, std::string(i % 2 ? "hwnas" : "dnas"));
    }
    const auto hv = store->hypervolumes(run, "dnas");
    QCOMPARE(hv.size(), std::size_t{2});
    QCOMPARE(hv[1].second, 0.25);
}

void TestRunStore::walModeAndState() {
    auto store = RunStore::open(fs::path(dir_.path().toStdString()) / "wal.db");
    QCOMPARE(store->journalMode(), std::string("wal"));
    const auto run = store->createRun({}, 1, "");
    QVERIFY(!store->loadState(run));
    store->saveState(run, {{"generation", 3}});
    store->saveState(run, {{"generation", 4}});
    QCOMPARE((*store->loadState(run))["generation"].get<int>(), 4);
}

void TestRunStore::csvExport() {
    auto store = RunStore::open(fs::path(dir_.path().toStdString()) / "csv.db");
    const auto run = store->createRun({}, 1, "");
    const auto space = SearchSpace::preset("demo");
    store->addCandidate(record(run, 0, space.largest(), true));
    store->addCandidate(record(run, 1, space.smallest(), false));
    std::ostringstream out;
    store->exportCsv(run, out);
    const auto text = QString::fromStdString(out.str());
    const auto lines = text.trimmed().split(QLatin1Char('\n'));
    QCOMPARE(lines.size(), 3);
    QVERIFY(lines[0].startsWith(QStringLiteral(
        "id,mode,sequence,generation,resolution,colour,width,depths,evaluated,accuracy")));
    QVERIFY(lines[1].contains(QStringLiteral(",32,rgb,1,1 2 3 3 2,1,0.500000,")));
    QVERIFY(lines[2].contains(
        QStringLiteral(",16,grayscale,0.25,1 1 1 0 0,0,,"))); // screened: no accuracy
}

void TestRunStore::notARunStore() {
    const fs::path path = fs::path(dir_.path().toStdString()) / "notes.txt";
    const std::string notes =
        "these are my notes, not a database, and they are long enough to matter\n";
    fixtures::writeText(path, notes);
    try {
        RunStore::open(path);
        QFAIL("expected InputError");
    } catch (const InputError& e) {
        QCOMPARE(e.problems()[0].file, path.string());
        QVERIFY2(std::string(e.what()).find("not a DNAS Studio run store") != std::string::npos,
                 e.what());
    }
    // Another program's SQLite database is refused, not extended with our tables.
    const fs::path other = fs::path(dir_.path().toStdString()) / "other.db";
    {
        auto store =
            RunStore::open(other); // make a SQLite file, then turn it into "someone else's"
    }
    {
        sqlite3* db = nullptr;
        sqlite3_open(other.string().c_str(), &db);
        sqlite3_exec(db, "DROP TABLE meta; CREATE TABLE photos(id INTEGER);", nullptr, nullptr,
                     nullptr);
        sqlite3_close(db);
    }
    try {
        RunStore::open(other);
        QFAIL("expected InputError");
    } catch (const InputError& e) {
        QVERIFY2(std::string(e.what()).find("another program") != std::string::npos, e.what());
    }
    // The file the user pointed at is left as it was.
    const auto bytes = fixtures::readBytes(path);
    QCOMPARE(std::string(bytes.begin(), bytes.end()), notes);
}

void TestRunStore::unknownRun() {
    auto store = RunStore::open(fs::path(dir_.path().toStdString()) / "empty.db");
    try {
        store->run(7);
        QFAIL("expected InputError");
    } catch (const InputError& e) {
        QVERIFY(std::string(e.what()).find("no run 7") != std::string::npos);
    }
}

// A process killed with SIGKILL in the middle of a run keeps every candidate it committed.
void TestRunStore::killedProcessLosesNoCommittedCandidate() {
    const fs::path path = fs::path(dir_.path().toStdString()) / "killed.db";
    const auto space = SearchSpace::preset("demo");
    const pid_t child = fork();
    if (child == 0) {
        auto store = RunStore::open(path);
        const auto run = store->createRun({}, 3, "");
        Rng rng(3);
        for (int i = 0; i < 25; ++i)
            store->addCandidate(record(run, i, space.sample(rng), true));
        ::kill(getpid(), SIGKILL); // no destructor, no checkpoint, no close
        _exit(0);
    }
    int status = 0;
    waitpid(child, &status, 0);
    QVERIFY(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    auto store = RunStore::open(path);
    QCOMPARE(store->runs().size(), std::size_t{1});
    QCOMPARE(store->candidates(store->runs()[0].id).size(), std::size_t{25});
    QCOMPARE(store->runs()[0].status, std::string("running")); // it never finished
}

QTEST_APPLESS_MAIN(TestRunStore)
#include "tst_run_store.moc"
