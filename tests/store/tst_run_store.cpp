#include <csignal>
#include <sstream>
#include <sys/wait.h>
#include <unistd.h>

#include <QtTest>

#include "common/error.h"
#include "common/rng.h"
#include "space/search_space.h"
#include "store/run_store.h"
#include "support/candidate_records.h"
#include "support/image_fixtures.h"
#include "support/sqlite_file.h"

using namespace dnas;
namespace fs = std::filesystem;

class TestRunStore : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void roundTripAcrossReopen();
    void walModeAndState();
    void csvExport();
    void notARunStore();
    void unknownRun();
    void killedProcessLosesNoCommittedCandidate();
    void duplicateEvaluationIsRefused();
    void versionOneStoreIsMigrated();
    void evaluationAndHypervolumeCommitTogether();
    void openingDoesNotWaitForAWriter();

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
            store->addCandidate(fixtures::candidateRecord(run, i, cands.back(), i != 3));
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
    QCOMPARE(store->synchronous(), 2); // FULL: a commit is on disk when it returns
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
    store->addCandidate(fixtures::candidateRecord(run, 0, space.largest(), true));
    store->addCandidate(fixtures::candidateRecord(run, 1, space.smallest(), false));
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
    QCOMPARE(fixtures::sqlExec(other, "DROP TABLE meta; CREATE TABLE photos(id INTEGER);"),
             SQLITE_OK);
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
            store->addCandidate(fixtures::candidateRecord(run, i, space.sample(rng), true));
        ::kill(getpid(), SIGKILL); // no destructor, no checkpoint, no close
        _exit(0);
    }
    int status = 0;
    waitpid(child, &status, 0);
    QVERIFY(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    auto store = RunStore::open(path);
    QCOMPARE(store->runs().size(), std::size_t{1});
    QCOMPARE(store->candidates(store->runs()[0].id).size(), std::size_t{25});
    QCOMPARE(store->runs()[0].status,
             std::string("interrupted")); // it never finished, nobody holds it
}

// The schema itself forbids a second evaluated row of a candidate in a run and mode; the
// screened-out row of the same candidate and the other mode's evaluation are allowed.
void TestRunStore::duplicateEvaluationIsRefused() {
    const fs::path path = fs::path(dir_.path().toStdString()) / "unique.db";
    auto store = RunStore::open(path);
    const auto run = store->createRun({}, 1, "");
    const auto space = SearchSpace::preset("demo");
    auto evaluated = fixtures::candidateRecord(run, 0, space.largest(), true);
    evaluated.key = "largest";
    auto screened = evaluated;
    screened.evaluated = false;
    store->addCandidate(screened);  // screened out under old budgets ...
    store->addCandidate(evaluated); // ... evaluated once it fits
    auto otherMode = evaluated;
    otherMode.mode = "hwnas";
    store->addCandidate(otherMode);
    auto unknown = evaluated; // no key (schema version 1 rows): never a conflict
    unknown.key.clear();
    store->addCandidate(unknown);
    store->addCandidate(unknown);
    try {
        store->addCandidate(evaluated);
        QFAIL("a duplicate evaluation was stored");
    } catch (const std::runtime_error& e) {
        const std::string text = e.what();
        QVERIFY2(text.find("run " + std::to_string(run) +
                           " (dnas) already has an evaluation of "
                           "candidate largest") != std::string::npos,
                 e.what());
    }
    QCOMPARE(store->candidates(run).size(), std::size_t{5});
    QCOMPARE(store->runs()[0].evaluations, std::int64_t{4});
    // Another writer going around the API is refused by the index as well.
    const std::string columns =
        "run_id, mode, sequence, generation, genome, resolution, colour, evaluated, accuracy, "
        "metrics, macs, params, peak_sram_bytes, flash_bytes, latency_ms, energy_mj, feasible, "
        "eval_seconds, canonical_key";
    const std::string copy = "INSERT INTO candidates(" + columns + ") SELECT " + columns +
                             " FROM candidates WHERE canonical_key = 'largest' AND "
                             "evaluated = 1 AND mode = 'dnas'";
    QCOMPARE(fixtures::sqlExec(path, copy), SQLITE_CONSTRAINT);
    QCOMPARE(store->candidates(run).size(), std::size_t{5});
}

// A store written by schema version 1 (its DDL as it was) opens as version 2: its rows are
// kept with no key, and new rows get the unique key.
void TestRunStore::versionOneStoreIsMigrated() {
    const fs::path path = fs::path(dir_.path().toStdString()) / "v1.db";
    const auto space = SearchSpace::preset("demo");
    const std::string genome = nlohmann::json(space.largest()).dump();
    const std::string row = "(1, 'dnas', 0, 0, '" + genome +
                            "', 32, 'rgb', 1, 0.5, '{}', 1, 2, 3, 4, 5.0, 6.0, 1, 0.1)";
    QCOMPARE(fixtures::sqlExec(path, R"sql(
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE runs(
    id INTEGER PRIMARY KEY, created TEXT NOT NULL, status TEXT NOT NULL, seed INTEGER NOT NULL,
    supernet_fingerprint TEXT NOT NULL, config TEXT NOT NULL);
CREATE TABLE candidates(
    id INTEGER PRIMARY KEY, run_id INTEGER NOT NULL REFERENCES runs(id), mode TEXT NOT NULL,
    sequence INTEGER NOT NULL, generation INTEGER NOT NULL, genome TEXT NOT NULL,
    resolution INTEGER NOT NULL, colour TEXT NOT NULL, evaluated INTEGER NOT NULL,
    accuracy REAL, metrics TEXT NOT NULL, macs INTEGER NOT NULL, params INTEGER NOT NULL,
    peak_sram_bytes INTEGER NOT NULL, flash_bytes INTEGER NOT NULL, latency_ms REAL NOT NULL,
    energy_mj REAL NOT NULL, feasible INTEGER NOT NULL, eval_seconds REAL NOT NULL);
CREATE INDEX candidates_run ON candidates(run_id, mode, sequence);
CREATE TABLE hypervolume(
    run_id INTEGER NOT NULL REFERENCES runs(id), mode TEXT NOT NULL, evaluations INTEGER NOT NULL,
    value REAL NOT NULL);
CREATE TABLE state(run_id INTEGER PRIMARY KEY REFERENCES runs(id), json TEXT NOT NULL);
INSERT INTO meta VALUES('schema_version', '1'), ('kind', 'dnas-studio-run-store');
INSERT INTO runs VALUES(1, '2025-01-01T00:00:00Z', 'stopped', 7, 'old', '{}');
INSERT INTO candidates(run_id, mode, sequence, generation, genome, resolution, colour,
    evaluated, accuracy, metrics, macs, params, peak_sram_bytes, flash_bytes, latency_ms,
    energy_mj, feasible, eval_seconds) VALUES)sql" +
                                         row + "," + row + ";"),
             SQLITE_OK);
    {
        auto store = RunStore::open(path);
        const auto old = store->candidates(1);
        QCOMPARE(old.size(), std::size_t{2}); // version 1 allowed the duplicate; it is kept
        QVERIFY(old[0].key.empty() && old[1].key.empty());
        QVERIFY(old[0].candidate == space.largest());
        QCOMPARE(store->runs()[0].evaluations, std::int64_t{2});
        auto next = fixtures::candidateRecord(1, 2, space.smallest(), true);
        next.key = "smallest";
        store->addCandidate(next);
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, store->addCandidate(next));
    }
    auto store = RunStore::open(path); // migrated once; opening again changes nothing
    QCOMPARE(store->candidates(1).size(), std::size_t{3});
    QCOMPARE(store->candidates(1)[2].key, std::string("smallest"));
    QCOMPARE(fixtures::sqlScalar(path, "SELECT value FROM meta WHERE key = 'schema_version'"),
             std::string("2"));
    QCOMPARE(fixtures::sqlScalar(path, "SELECT COUNT(*) FROM pragma_table_info('candidates') "
                                       "WHERE name = 'canonical_key'"),
             std::string("1"));
    // A version-3 marker: refused as newer than this program.
    QCOMPARE(fixtures::sqlExec(path, "UPDATE meta SET value = '3' WHERE key = 'schema_version'"),
             SQLITE_OK);
    QVERIFY_THROWS_EXCEPTION(InputError, RunStore::open(path));
}

// addEvaluation: the candidate and its hypervolume point are both stored or both absent.
void TestRunStore::evaluationAndHypervolumeCommitTogether() {
    const fs::path path = fs::path(dir_.path().toStdString()) / "joint.db";
    auto store = RunStore::open(path);
    const auto run = store->createRun({}, 1, "");
    auto r = fixtures::candidateRecord(run, 0, SearchSpace::preset("demo").largest(), true);
    r.key = "largest";
    // The second half of the commit fails (as a full disk would): the first is undone.
    QCOMPARE(fixtures::sqlExec(path, "CREATE TRIGGER fail_hv BEFORE INSERT ON hypervolume "
                                     "BEGIN SELECT RAISE(ABORT, 'simulated failure'); END"),
             SQLITE_OK);
    QVERIFY_THROWS_EXCEPTION(std::runtime_error, store->addEvaluation(r, 1, 0.25));
    QVERIFY(store->candidates(run).empty());
    QVERIFY(store->hypervolumes(run, "dnas").empty());
    QCOMPARE(fixtures::sqlExec(path, "DROP TRIGGER fail_hv"), SQLITE_OK);
    const auto id = store->addEvaluation(r, 1, 0.25);
    QCOMPARE(store->candidates(run).size(), std::size_t{1});
    QCOMPARE(store->candidates(run)[0].id, id);
    const auto hv = store->hypervolumes(run, "dnas");
    QCOMPARE(hv.size(), std::size_t{1});
    QCOMPARE(hv[0], (std::pair<std::int64_t, double>{1, 0.25}));
    // A refused duplicate records no hypervolume either.
    QVERIFY_THROWS_EXCEPTION(std::runtime_error, store->addEvaluation(r, 2, 0.5));
    QCOMPARE(store->hypervolumes(run, "dnas").size(), std::size_t{1});
}

// A search holds write transactions on its store all the time; `runs show` and the app's
// live view open the same file meanwhile. Opening a store of the current schema only reads:
// were it to start a write transaction, it would wait out the busy timeout and fail.
void TestRunStore::openingDoesNotWaitForAWriter() {
    const fs::path path = fs::path(dir_.path().toStdString()) / "busy.db";
    std::int64_t run = 0;
    {
        auto store = RunStore::open(path);
        run = store->createRun({}, 7, "");
    }
    sqlite3* writer = nullptr;
    QCOMPARE(sqlite3_open(path.c_str(), &writer), SQLITE_OK);
    QCOMPARE(sqlite3_exec(writer,
                          "BEGIN IMMEDIATE; INSERT INTO meta(key, value) "
                          "VALUES('probe', 'x')",
                          nullptr, nullptr, nullptr),
             SQLITE_OK);
    {
        auto store = RunStore::open(path);
        QCOMPARE(store->runs().size(), std::size_t{1});
        QCOMPARE(store->runs()[0].seed, std::uint64_t{7});
        QCOMPARE(store->runs()[0].id, run);
    }
    sqlite3_exec(writer, "COMMIT", nullptr, nullptr, nullptr);
    sqlite3_close(writer);
}

QTEST_APPLESS_MAIN(TestRunStore)
#include "tst_run_store.moc"
