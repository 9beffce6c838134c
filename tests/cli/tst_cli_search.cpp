// The search commands and the headless main job, run as a user would on a tiny generated
// dataset with a supernet trained by `dnas train-supernet` at set-up.
#include <QtTest>

#include <csignal>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "store/run_store.h"
#include "support/cli_process.h"
#include "support/image_fixtures.h"
#include "support/sqlite_file.h"
#include "support/temp_files.h"

using fixtures::cliRun;
using fixtures::parse;

class TestCliSearch : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void searchAndRuns();
    void killedSearchResumes();
    void benchSearchAndCompare();
    void searchBadInput_data();
    void searchBadInput();
    void studioRunsHeadlessWithoutDisplay();

private:
    QTemporaryDir dir_;
};

void TestCliSearch::initTestCase() {
    fixtures::writeSquaresDataset(
        std::filesystem::path(dir_.filePath(QStringLiteral("squares")).toStdString()));
    writeTempFile(dir_, QStringLiteral("tiny_space.json"), fixtures::kTinySpaceJson);
    const auto r =
        cliRun({"train-supernet", "--dataset", dir_.filePath(QStringLiteral("squares")), "--space",
                dir_.filePath(QStringLiteral("tiny_space.json")), "--out",
                dir_.filePath(QStringLiteral("tiny.pt")), "--max-steps", "6", "--batch-size", "8"});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
}

void TestCliSearch::searchAndRuns() {
    const QString data = dir_.filePath(QStringLiteral("squares"));
    const QString space = dir_.filePath(QStringLiteral("tiny_space.json"));
    const QString supernet = dir_.filePath(QStringLiteral("tiny.pt"));
    const QString db = dir_.filePath(QStringLiteral("search.db"));
    QVERIFY(QFile::exists(supernet)); // from initTestCase
    auto r = cliRun({"search", "--dataset", data, "--supernet", supernet, "--space", space, "--mcu",
                     "stm32f746", "--mode", "compare", "--max-evals", "6", "--population", "4",
                     "--store", db, "--fixed-data", "16,rgb"});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QVERIFY2(r.out.contains(QStringLiteral("run 1 finished: 12 evaluations")), qPrintable(r.out));

    r = cliRun({"runs", "list", "--store", db, "--json"});
    QCOMPARE(r.exitCode, 0);
    const auto list = parse(r.out);
    QCOMPARE(list.size(), std::size_t{1});
    QCOMPARE(list[0]["id"].get<int>(), 1);
    QCOMPARE(list[0]["status"].get<std::string>(), std::string("finished"));
    QCOMPARE(list[0]["evaluations"].get<int>(), 12);

    r = cliRun({"runs", "show", "1", "--store", db, "--json"});
    QCOMPARE(r.exitCode, 0);
    const auto show = parse(r.out);
    for (const char* key : {"id", "status", "evaluations", "modes"})
        QVERIFY2(show.contains(key), key);
    for (const char* mode : {"dnas", "hwnas"}) {
        const auto& m = show["modes"][mode];
        QVERIFY(m["hypervolume"].get<double>() > 0);
        QVERIFY(!m["frontier"].empty());
        for (const auto& e : m["frontier"])
            for (const char* key : {"id", "resolution", "colour", "accuracy", "peak_sram_bytes",
                                    "flash_bytes", "latency_ms", "feasible"})
                QVERIFY2(e.contains(key), key);
    }
    for (const auto& e : show["modes"]["hwnas"]["frontier"])
        QCOMPARE(e["resolution"].get<int>(), 16);

    r = cliRun({"runs", "csv", "1", "--store", db});
    QCOMPARE(r.exitCode, 0);
    const auto lines = r.out.trimmed().split(QLatin1Char('\n'));
    QVERIFY(lines.size() >= 13); // header + 12 evaluated (+ any screened out)
    QVERIFY(lines[0].startsWith(QStringLiteral("id,mode,")));

    // A finished run extended with a new limit: its stored configuration (compare mode, fixed
    // data 16 rgb) and inputs (dataset, space, supernet) go on, only the limit changes.
    r = cliRun({"search", "--store", db, "--resume", "1", "--max-evals", "9"});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QVERIFY2(r.out.contains(QStringLiteral("run 1 finished: 18 evaluations")), qPrintable(r.out));
    r = cliRun({"runs", "show", "1", "--store", db, "--json"});
    const auto extended = parse(r.out);
    QCOMPARE(extended["config"]["max_evaluations"].get<int>(), 9);
    QCOMPARE(extended["config"]["mode"].get<std::string>(), std::string("compare"));
    for (const auto& e : extended["modes"]["hwnas"]["frontier"])
        QCOMPARE(e["resolution"].get<int>(), 16);
}

// The crash test: while a search runs, a second `dnas search --resume` of its run is refused
// naming it; killed with SIGKILL, it keeps every committed evaluation with its hypervolume
// point, and the run resumes (its lease taken over) without storing any genome twice.
void TestCliSearch::killedSearchResumes() {
    const QString data = dir_.filePath(QStringLiteral("squares"));
    const QString space = dir_.filePath(QStringLiteral("tiny_space.json"));
    const QString supernet = dir_.filePath(QStringLiteral("tiny.pt"));
    const QString db = dir_.filePath(QStringLiteral("killed.db"));
    const std::filesystem::path dbPath = db.toStdString();
    const QStringList args = {"search", "--dataset",   data,  "--supernet",   supernet, "--space",
                              space,    "--max-evals", "150", "--population", "6",      "--store",
                              db};
    QProcess p;
    p.start(QStringLiteral(DNAS_CLI_PATH), args);
    QVERIFY(p.waitForStarted());
    const auto pid = static_cast<pid_t>(p.processId());
    auto committed = [&] {
        auto store = dnas::RunStore::open(dbPath);
        const auto runs = store->runs();
        return runs.empty() ? std::size_t{0} : store->candidates(runs[0].id).size();
    };
    QElapsedTimer timer;
    timer.start();
    while (QFile::exists(db) ? committed() < 10 : true) {
        QVERIFY2(timer.elapsed() < 60000, "the search did not get going");
        QVERIFY2(p.state() == QProcess::Running, "the search finished before it could be killed");
        QThread::msleep(20);
    }
    // Held still (SIGSTOP: alive, so it keeps its lease) between two commits, so that it can
    // neither finish nor hold the store's write lock while the second process runs.
    auto stopped = [&] {
        const auto bytes = fixtures::readBytes("/proc/" + std::to_string(pid) + "/stat");
        return std::string(bytes.begin(), bytes.end()).find(") T ") != std::string::npos;
    };
    for (;;) {
        ::kill(pid, SIGSTOP);
        QTRY_VERIFY(stopped());
        if (fixtures::sqlWriterIdle(dbPath))
            break;
        ::kill(pid, SIGCONT);
        QThread::msleep(3);
    }
    auto r = cliRun(args + QStringList{"--resume", "1"});
    QCOMPARE(r.exitCode, 2);
    const QString refusal = QStringLiteral("dnas: error: %1: run 1 is being searched by another "
                                           "process (pid %2 on host ")
                                .arg(db)
                                .arg(pid);
    QVERIFY2(r.err.contains(refusal), qPrintable(r.err));
    QVERIFY2(r.err.contains(QStringLiteral("Z); wait for it or stop it\n")), qPrintable(r.err));
    ::kill(pid, SIGKILL);
    QVERIFY(p.waitForFinished());
    const auto before = committed();
    QVERIFY(before >= 10);
    const auto count = [&](const std::string& sql) {
        return std::stoll(fixtures::sqlScalar(dbPath, sql));
    };
    const std::string evaluatedRows =
        "FROM candidates WHERE run_id = 1 AND mode = 'dnas' AND evaluated = 1";
    // No evaluation without its hypervolume point: they were committed together.
    QCOMPARE(count("SELECT COUNT(*) FROM hypervolume WHERE run_id = 1 AND mode = 'dnas'"),
             count("SELECT COUNT(*) " + evaluatedRows));
    {
        auto store = dnas::RunStore::open(dbPath);
        QCOMPARE(store->runs()[0].status, std::string("running")); // killed mid-run
    }
    r = cliRun(args + QStringList{"--resume", "1"});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QVERIFY2(r.err.contains(QStringLiteral("taking over run 1 from pid %1 ").arg(pid)),
             qPrintable(r.err));
    auto store = dnas::RunStore::open(dbPath);
    const auto run = store->runs()[0];
    QCOMPARE(run.status, std::string("finished"));
    QCOMPARE(run.evaluations, std::int64_t{150});
    QVERIFY(store->candidates(run.id).size() >= before);
    // Nothing evaluated twice: as many distinct genomes (canonical keys) as evaluations.
    QCOMPARE(count("SELECT COUNT(DISTINCT canonical_key) " + evaluatedRows), 150LL);
    QCOMPARE(count("SELECT COUNT(*) " + evaluatedRows + " AND canonical_key IS NULL"), 0LL);
    QCOMPARE(count("SELECT COUNT(*) FROM hypervolume WHERE run_id = 1 AND mode = 'dnas'"), 150LL);
}

// The search benchmarks on tiny settings: their figures are present and consistent.
void TestCliSearch::benchSearchAndCompare() {
    const QString data = dir_.filePath(QStringLiteral("squares"));
    const QString supernet = dir_.filePath(QStringLiteral("tiny.pt"));
    auto r = cliRun({"bench", "search", "--supernet", supernet, "--dataset", data, "--evals", "5",
                     "--population", "4", "--json"});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    const auto search = parse(r.out);
    QCOMPARE(search["runs"].size(), std::size_t{2}); // cold and warm image cache
    for (const auto& run : search["runs"]) {
        QCOMPARE(run["evaluated"].get<int>(), 5);
        QVERIFY(run["wall_seconds"].get<double>() >= run["evaluation_seconds"].get<double>());
        QVERIFY(run["engine_ms_per_candidate"].get<double>() > 0);
        QVERIFY(run["evaluations_per_minute"].get<double>() > 0);
    }

    const QString db = dir_.filePath(QStringLiteral("compare.db"));
    r = cliRun({"bench", "compare", "--task", data + "=" + supernet, "--levels", "0.2,0.8",
                "--seeds", "2", "--evals", "4", "--population", "4", "--store", db, "--json"});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    const auto compare = parse(r.out);
    // 2 levels x 2 modes: DNAS and HW-NAS at 16 px (the native 20 px -> the space's nearest,
    // 16, which is also its largest: one HW-NAS baseline).
    QCOMPARE(compare["summary"].size(), std::size_t{4});
    QCOMPARE(compare["runs"].size(), std::size_t{8});
    QCOMPARE(compare["summary"][1]["mode"].get<std::string>(),
             std::string("HW-NAS 16 px rgb (native = largest)"));
    for (const auto& row : compare["summary"]) {
        const double hv = row["hypervolume_mean"].get<double>();
        QVERIFY(hv > 0 && hv < 1);
        QVERIFY(row["hypervolume_sd"].get<double>() >= 0);
    }
    QVERIFY(compare["summary"][0]["sram_budget_bytes"].get<double>() <
            compare["summary"][2]["sram_budget_bytes"].get<double>());
    for (const auto& run : compare["runs"])
        QCOMPARE(run["evaluated"].get<int>(), 4); // equal evaluation budgets
    auto store = dnas::RunStore::open(db.toStdString());
    QCOMPARE(store->runs().size(), std::size_t{8});

    r = cliRun({"bench", "compare", "--task", data});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(QStringLiteral("expected DATASET=CHECKPOINT")), qPrintable(r.err));
}

void TestCliSearch::searchBadInput_data() {
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("message");
    const QString db = dir_.filePath(QStringLiteral("search.db"));
    QTest::addRow("unknown run") << QStringList{"runs", "show", "9", "--store", db} << "no run 9";
    QTest::addRow("missing store") << QStringList{"runs", "list", "--store", "/nonexistent/runs.db"}
                                   << "run store does not exist";
    QTest::addRow("bad fixed data") << QStringList{"search",
                                                   "--fixed-data",
                                                   "big,rgb",
                                                   "--max-evals",
                                                   "1",
                                                   "--store",
                                                   db,
                                                   "--supernet",
                                                   dir_.filePath(QStringLiteral("tiny.pt"))}
                                    << "expected RES,COLOUR";
    QTest::addRow("bad budget") << QStringList{"search", "--sram-budget", "lots", "--max-evals",
                                               "1",      "--store",       db}
                                << "--sram-budget";
    QTest::addRow("impossible budget")
        << QStringList{"search",
                       "--dataset",
                       dir_.filePath(QStringLiteral("squares")),
                       "--space",
                       dir_.filePath(QStringLiteral("tiny_space.json")),
                       "--sram-budget",
                       "1K",
                       "--max-evals",
                       "1",
                       "--store",
                       db}
        << "impossible budget: SRAM 1.0 KiB is below the";
}

void TestCliSearch::searchBadInput() {
    QFETCH(QStringList, args);
    QFETCH(QString, message);
    const auto r = cliRun(args);
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(message), qPrintable(r.err));
}

void TestCliSearch::studioRunsHeadlessWithoutDisplay() {
    QProcess p;
    auto env = QProcessEnvironment::systemEnvironment();
    env.remove(QStringLiteral("DISPLAY"));
    env.remove(QStringLiteral("WAYLAND_DISPLAY"));
    env.remove(QStringLiteral("QT_QPA_PLATFORM"));
    p.setProcessEnvironment(env);
    const QString results = dir_.filePath(QStringLiteral("results"));
    // The main job on the tiny test dataset and supernet (the real one searches the embedded
    // Fashion-MNIST with the demo supernet).
    p.start(QStringLiteral(DNAS_STUDIO_PATH),
            {"--results", results, "--dataset", dir_.filePath(QStringLiteral("squares")), "--space",
             dir_.filePath(QStringLiteral("tiny_space.json")), "--supernet",
             dir_.filePath(QStringLiteral("tiny.pt")), "--max-evals", "4"});
    QVERIFY(p.waitForFinished(120000));
    const QString out = QString::fromUtf8(p.readAllStandardOutput());
    QVERIFY2(p.exitCode() == 0, qPrintable(QString::fromUtf8(p.readAllStandardError())));
    QVERIFY2(out.contains(QStringLiteral("ran headless")), qPrintable(out));
    QVERIFY(out.contains(results));
    QVERIFY2(out.contains(QStringLiteral("dnas: hypervolume")) &&
                 out.contains(QStringLiteral("hwnas: hypervolume")),
             qPrintable(out));
    for (const char* file :
         {"cost-report.txt", "cost-report.json", "mcu-summary.txt", "mcu-summary.json",
          "dataset.json", "search.txt", "search.json", "runs.db"})
        QVERIFY2(QFile::exists(results + QLatin1Char('/') + QLatin1String(file)), file);
    QFile json(results + QStringLiteral("/mcu-summary.json"));
    QVERIFY(json.open(QIODevice::ReadOnly));
    QCOMPARE(parse(QString::fromUtf8(json.readAll())).size(), std::size_t{6});
    QFile searchJson(results + QStringLiteral("/search.json"));
    QVERIFY(searchJson.open(QIODevice::ReadOnly));
    const auto search = parse(QString::fromUtf8(searchJson.readAll()));
    QCOMPARE(search["status"].get<std::string>(), std::string("finished"));
    QCOMPARE(search["evaluations"].get<int>(), 8); // 4 per mode
    for (const char* mode : {"dnas", "hwnas"})
        QVERIFY2(!search["modes"][mode]["frontier"].empty(), mode);
}

QTEST_GUILESS_MAIN(TestCliSearch)
#include "tst_cli_search.moc"
