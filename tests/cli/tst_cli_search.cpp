// The search commands and the headless main job, run as a user would on a tiny generated
// dataset with a supernet trained by `dnas train-supernet` at set-up.
#include <QtTest>

#include <csignal>
#include <map>
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
    void benchFidelityInCostBands();
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
    // The limit is generous (a loaded CI machine): this is not a speed test. A failure says
    // what the search printed.
    while (QFile::exists(db) ? committed() < 10 : true) {
        const bool running = p.state() == QProcess::Running;
        if (running && timer.elapsed() < 180000) {
            QThread::msleep(50);
            continue;
        }
        const auto evaluations = QFile::exists(db) ? committed() : 0;
        p.kill();
        p.waitForFinished();
        QFAIL(
            qPrintable(QStringLiteral("after %1 s the search had %2 and committed %3 "
                                      "evaluations; it printed:\n%4%5")
                           .arg(timer.elapsed() / 1000)
                           .arg(running ? QStringLiteral("not finished") : QStringLiteral("ended"))
                           .arg(evaluations)
                           .arg(QString::fromUtf8(p.readAllStandardOutput()),
                                QString::fromUtf8(p.readAllStandardError()))));
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
        QCOMPARE(store->runs()[0].status, std::string("interrupted")); // killed mid-run
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
    // The tiny space has 4 data configurations (12/16 px x rgb/grayscale); the squares are
    // 20 px colour images, so the native one is 16 px rgb. 2 levels x (DNAS + native + the 3
    // other fixed configurations) x 2 seeds.
    QCOMPARE(compare["cells"].size(), std::size_t{2});
    QCOMPARE(compare["runs"].size(), std::size_t{20});
    for (const auto& cell : compare["cells"]) {
        const auto& modes = cell["modes"];
        QCOMPARE(modes.size(), std::size_t{5});
        QCOMPARE(modes[0]["mode"].get<std::string>(), std::string("DNAS"));
        QCOMPARE(modes[1]["mode"].get<std::string>(), std::string("HW-NAS 16 px rgb"));
        QVERIFY(modes[1]["native"].get<bool>());
        // the oracle: the fixed configuration with the best mean hypervolume
        double best = -1;
        std::string oracle;
        for (std::size_t m = 1; m < modes.size(); ++m) {
            const double hv = modes[m]["hypervolume_mean"].get<double>();
            QVERIFY(hv > 0 && hv < 1);
            QCOMPARE(modes[m]["hypervolumes"].size(), std::size_t{2});
            if (hv > best) {
                best = hv;
                oracle = modes[m]["mode"].get<std::string>();
            }
        }
        for (const auto& m : modes)
            QCOMPARE(m["oracle"].get<bool>(), m["mode"].get<std::string>() == oracle);
        QCOMPARE(cell["dnas_vs_oracle"]["baseline"].get<std::string>(), oracle);
        const auto& vs = cell["dnas_vs_native"];
        QCOMPARE(vs["wins"].get<int>() + vs["losses"].get<int>() + vs["ties"].get<int>(), 2);
        QVERIFY(vs["wilcoxon_p"].get<double>() >= 0.5); // 2 seeds: p is at least 2/4
        QCOMPARE(vs["evaluations_to_reach"].size(), std::size_t{2});
    }
    QVERIFY(compare["cells"][0]["sram_budget_bytes"].get<double>() <
            compare["cells"][1]["sram_budget_bytes"].get<double>());
    for (const auto& run : compare["runs"])
        QCOMPARE(run["evaluated"].get<int>(), 4); // equal evaluation budgets
    // Every HW-NAS run stays at its data configuration; with one seed, every mode's first
    // generation has the same architectures (common random numbers).
    auto store = dnas::RunStore::open(db.toStdString());
    QCOMPARE(store->runs().size(), std::size_t{20});
    std::map<std::pair<double, int>, std::string> firstGeneration; // (level, seed) -> archs
    for (const auto& run : compare["runs"]) {
        std::string archs;
        for (const auto& c : store->candidates(run["run"].get<std::int64_t>())) {
            if (run["mode"] != "DNAS")
                QCOMPARE("HW-NAS " + std::to_string(c.candidate.data.resolution) + " px " +
                             std::string(dnas::toString(c.candidate.data.colour)),
                         run["mode"].get<std::string>());
            if (c.generation == 0)
                archs += nlohmann::json(c.candidate.arch).dump();
        }
        const auto key = std::make_pair(run["level"].get<double>(), run["seed"].get<int>());
        const auto [it, added] = firstGeneration.try_emplace(key, archs);
        QVERIFY2(it->second == archs, "modes started from other architectures");
    }
    QCOMPARE(firstGeneration.size(), std::size_t{4});

    r = cliRun({"bench", "compare", "--task", data + "=" + supernet, "--levels", "0.5", "--seeds",
                "1", "--evals", "2", "--population", "2", "--baselines", "native", "--json"});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QCOMPARE(parse(r.out)["cells"][0]["modes"].size(), std::size_t{2});

    r = cliRun({"bench", "compare", "--task", data});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(QStringLiteral("expected DATASET=CHECKPOINT")), qPrintable(r.err));
}

void TestCliSearch::benchFidelityInCostBands() {
    const QString data = dir_.filePath(QStringLiteral("squares"));
    const QString supernet = dir_.filePath(QStringLiteral("tiny.pt"));
    const QStringList args = {"bench",           "fidelity", "--supernet",       supernet,
                              "--dataset",       data,       "--bands",          "2",
                              "--per-band",      "3",        "--band-width",     "0.3",
                              "--scratch-seeds", "2",        "--finetune-steps", "2",
                              "--train-subset",  "32",       "--val-subset",     "16",
                              "--json"};
    auto r = cliRun(args + QStringList{"--scratch-epochs", "1"});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    const auto j = parse(r.out);
    QCOMPARE(j["bands"].size(), std::size_t{2});
    QVERIFY(j["bands"][0]["high"].get<double>() < j["bands"][1]["low"].get<double>());
    std::map<int, int> perBand;
    for (const auto& c : j["candidates"]) {
        const int band = c["band"].get<int>();
        ++perBand[band];
        const double macs = c["macs"].get<double>();
        QVERIFY(macs >= j["bands"][band - 1]["low"].get<double>() &&
                macs <= j["bands"][band - 1]["high"].get<double>());
        for (const char* e : {"bn", "finetune", "scratch s1", "scratch s2"}) {
            const double a = c["scores"][e]["accuracy"].get<double>();
            QVERIFY2(a >= 0 && a <= 1, e);
            QVERIFY(c["scores"][e]["seconds"].get<double>() > 0);
        }
    }
    QCOMPARE(perBand.size(), std::size_t{2});
    for (const char* pair : {"bn vs scratch", "finetune vs scratch", "scratch seed 1 vs 2"}) {
        const auto& a = j["overall"][pair];
        QVERIFY2(a["kendall_tau"].get<double>() >= -1 && a["kendall_tau"].get<double>() <= 1, pair);
        QCOMPARE(a["candidates"].get<int>(), perBand[1] + perBand[2]);
        QVERIFY(j["bands"][0]["agreement"].contains(pair));
    }

    // The scratch scores reused by a second run: the same candidates (the choice does not
    // depend on the supernet), no scratch training repeated, the same figures.
    const QString first = writeTempFile(dir_, QStringLiteral("fidelity.json"), r.out.toUtf8());
    r = cliRun(args + QStringList{"--scratch-epochs", "1", "--scratch-from", first});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    const auto again = parse(r.out);
    QCOMPARE(again["scratch_reused"].get<std::size_t>(), 2 * j["candidates"].size());
    QCOMPARE(again["candidates"].size(), j["candidates"].size());
    for (std::size_t i = 0; i < j["candidates"].size(); ++i) {
        QCOMPARE(again["candidates"][i]["candidate"], j["candidates"][i]["candidate"]);
        for (const char* e : {"scratch s1", "scratch s2"})
            QCOMPARE(again["candidates"][i]["scores"][e], j["candidates"][i]["scores"][e]);
    }
    QCOMPARE(again["overall"]["scratch seed 1 vs 2"], j["overall"]["scratch seed 1 vs 2"]);
    // Scores of other settings are not comparable: refused, naming the field.
    r = cliRun(args + QStringList{"--scratch-epochs", "2", "--scratch-from", first});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(QStringLiteral("scratch_epochs: is 1; this run uses 2")),
             qPrintable(r.err));
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
    QVERIFY2(out.contains(QStringLiteral("native configuration (16 px rgb)")), qPrintable(out));
    QVERIFY(out.contains(results));
    QVERIFY2(out.contains(QStringLiteral("dnas: hypervolume")) &&
                 out.contains(QStringLiteral("hwnas: hypervolume")),
             qPrintable(out));
    for (const char* file :
         {"cost-report.txt", "cost-report.json", "mcu-summary.txt", "mcu-summary.json",
          "dataset.json", "search.txt", "search.json", "runs.db", "frontier.png"})
        QVERIFY2(QFile::exists(results + QLatin1Char('/') + QLatin1String(file)), file);
    // The final frontiers as the app draws them, without a display.
    QFile png(results + QStringLiteral("/frontier.png"));
    QVERIFY(png.open(QIODevice::ReadOnly));
    const auto bytes = png.readAll();
    QVERIFY(bytes.startsWith("\x89PNG\r\n\x1a\n") && bytes.size() > 10000);
    auto bigEndian = [&](int at) {
        return (static_cast<unsigned char>(bytes[at]) << 24) |
               (static_cast<unsigned char>(bytes[at + 1]) << 16) |
               (static_cast<unsigned char>(bytes[at + 2]) << 8) |
               static_cast<unsigned char>(bytes[at + 3]);
    };
    QCOMPARE(bigEndian(16), 1200); // IHDR: width, height
    QCOMPARE(bigEndian(20), 800);
    QVERIFY(out.contains(QStringLiteral("frontier.png")));
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
    // The most accurate DNAS frontier candidate, exported for firmware.
    QVERIFY2(out.contains(QStringLiteral("Exported the most accurate DNAS candidate")),
             qPrintable(out));
    QFile card(results + QStringLiteral("/export-dnas-best/model_card.json"));
    QVERIFY(card.open(QIODevice::ReadOnly));
    const auto exported = parse(QString::fromUtf8(card.readAll()));
    double best = 0;
    for (const auto& e : search["modes"]["dnas"]["frontier"])
        best = std::max(best, e["accuracy"].get<double>());
    QCOMPARE(exported["provenance"]["search_accuracy"].get<double>(), best);
    QVERIFY(QFile::exists(results + QStringLiteral("/export-dnas-best/model_int8.tflite")));
}

QTEST_GUILESS_MAIN(TestCliSearch)
#include "tst_cli_search.moc"
