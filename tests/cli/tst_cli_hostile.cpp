// Hostile input and faults, fed to the real `dnas` binary as a user would: every case must end
// with exit code 2 and one line naming what is wrong - never a crash, a hang, an
// `internal error`, a wrong number or a locked run.
#include <QtTest>

#include <filesystem>
#include <fstream>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "support/cli_process.h"
#include "support/image_fixtures.h"
#include "support/sqlite_file.h"
#include "support/temp_files.h"
#include "support/tmpfs_mount.h"

using fixtures::cliRun;

namespace {

std::string nested(int depth) {
    return std::string(depth, '[') + std::string(depth, ']');
}

// A minimal PNG whose header declares `width` x `height` (IHDR only, then IEND): what a
// "decompression bomb" looks like to a reader before it allocates the pixels.
QByteArray pngDeclaring(quint32 width, quint32 height) {
    QByteArray png("\x89PNG\r\n\x1a\n", 8);
    auto be32 = [&](quint32 v) {
        for (int shift = 24; shift >= 0; shift -= 8)
            png.append(static_cast<char>(v >> shift & 0xff));
    };
    be32(13);
    png.append("IHDR");
    be32(width);
    be32(height);
    png.append("\x08\x02\x00\x00\x00", 5); // 8-bit RGB
    be32(0);                               // CRC (not checked before the size)
    be32(0);
    png.append("IEND");
    be32(0xAE426082);
    return png;
}

// Runs `args` with the environment of the test plus `env`.
fixtures::Run runWith(const QStringList& args, const QProcessEnvironment& env) {
    QProcess p;
    p.setProcessEnvironment(env);
    p.start(QStringLiteral(DNAS_CLI_PATH), args);
    if (!p.waitForFinished(120000))
        qFatal("dnas did not finish");
    fixtures::Run r;
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = QString::fromUtf8(p.readAllStandardOutput());
    r.err = QString::fromUtf8(p.readAllStandardError());
    return r;
}

} // namespace

class TestCliHostile : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void refusedWithOneLine_data();
    void refusedWithOneLine();
    void brokenProfilesInAFolderAreSkippedWithAWarning();
    void hugeSizesAreRefusedNotWrapped();
    void storedConfigurationNamesTheField();
    void damagedStoreIsRefusedAtOpen();
    void readOnlyStoreCanBeListedNotSearched();
    void fullDiskEndsTheSearchCleanly();
    void wakeVisionCsvWithByteOrderMark();
    void refusalsLeaveTheUsersFilesAlone();

private:
    QString path(const char* name) const { return dir_.filePath(QString::fromLatin1(name)); }
    QStringList searchArgs(const QString& store) const {
        return {"search",
                "--dataset",
                path("squares"),
                "--supernet",
                path("tiny.pt"),
                "--space",
                path("tiny_space.json"),
                "--population",
                "4",
                "--store",
                store};
    }

    QTemporaryDir dir_;
};

void TestCliHostile::initTestCase() {
    fixtures::writeSquaresDataset(path("squares").toStdString());
    fixtures::writeSquaresDataset(path("other_squares").toStdString(), 40, 16);
    writeTempFile(dir_, QStringLiteral("tiny_space.json"), fixtures::kTinySpaceJson);
    const auto r =
        cliRun({"train-supernet", "--dataset", path("squares"), "--space", path("tiny_space.json"),
                "--out", path("tiny.pt"), "--max-steps", "4", "--batch-size", "8", "--no-eval"});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));

    const QByteArray deep = QByteArray::fromStdString(nested(50000));
    for (const char* name : {"deep.json", "deep_profile/deep.json"}) {
        QDir(dir_.path()).mkpath(QStringLiteral("deep_profile"));
        writeTempFile(dir_, QString::fromLatin1(name), deep);
    }
    writeTempFile(dir_, QStringLiteral("overflow.json"),
                  "{\n  \"schema_version\": 1,\n  \"x\": 1e999\n}");
    writeTempFile(dir_, QStringLiteral("huge.json"), QByteArray(17 << 20, ' '));
    std::string blocks =
        R"({"input": {"resolution": 96}, "stem": {"channels": 8}, "head": {"classes": 2}, "blocks": [)";
    for (int i = 0; i < 80000; ++i)
        blocks += std::string(i ? "," : "") + R"({"expansion": 1, "kernel": 3, "out_channels": 8})";
    writeTempFile(dir_, QStringLiteral("many_blocks.json"),
                  QByteArray::fromStdString(blocks + "]}"));
    QDir(dir_.path()).mkpath(QStringLiteral("bomb/a"));
    QDir(dir_.path()).mkpath(QStringLiteral("bomb/b"));
    writeTempFile(dir_, QStringLiteral("bomb/a/bomb.png"), pngDeclaring(100000, 100000));
    for (const char* fine : {"bomb/a/fine.png", "bomb/b/fine.png"})
        fixtures::writeImage(path(fine).toStdString(), fixtures::pattern(16, 16, 1));
    writeTempFile(dir_, QStringLiteral("not_a_store.db"), "this is text, not SQLite\n");
    writeTempFile(dir_, QStringLiteral("empty.db"), "");
    QVERIFY(::mkfifo(path("fifo").toLocal8Bit().constData(), 0600) == 0);
    QByteArray space = fixtures::kTinySpaceJson;
    writeTempFile(dir_, QStringLiteral("space_twice.json"),
                  QByteArray(space).replace("[12, 16]", "[12, 12, 16]"));
    QByteArray stages;
    for (int i = 0; i < 12; ++i) // 5^12 = 244 million depth vectors
        stages +=
            QByteArray(i ? "," : "") +
            R"({"channels": 16, "stride": 1, "depth": [0, 4], "expansions": [1], "kernels": [3]})";
    writeTempFile(
        dir_, QStringLiteral("space_deep.json"),
        R"({"schema_version": 1, "name": "deep", "data": {"resolutions": [16], "colours": ["rgb"]},
                      "width": {"values": [0.25]}, "stem": {"channels": 16},
                      "stages": [)" +
            stages + R"(], "head": {"last_channels": 32}})");
}

void TestCliHostile::refusedWithOneLine_data() {
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("names"); // what the message must name
    const QString deep = path("deep.json"), overflow = path("overflow.json");
    const QStringList cost = {"cost", "--mobilenetv2", "0.35", "--resolution", "96"};
    const QStringList search = searchArgs(path("refused.db")) + QStringList{"--max-evals", "4"};
    const QStringList trainAnySpace = {
        "train-supernet", "--dataset", path("squares"), "--out", path("refused.pt"),
        "--max-steps",    "2"};
    const QStringList train = trainAnySpace + QStringList{"--space", path("tiny_space.json")};
    const QStringList eval = {"eval", "--supernet", path("tiny.pt"), "--dataset", path("squares")};

    // 1, 5, 9: nesting, numbers beyond a double, unbounded files - in every JSON input.
    QTest::addRow("deep --arch") << QStringList{"cost", "--arch", deep} << deep;
    QTest::addRow("deep --mcu-file") << (cost + QStringList{"--mcu-file", deep}) << deep;
    QTest::addRow("deep --candidate") << (eval + QStringList{"--candidate", deep}) << deep;
    QTest::addRow("deep --space") << (trainAnySpace + QStringList{"--space", deep}) << deep;
    QTest::addRow("1e999 --arch") << QStringList{"cost", "--arch", overflow} << overflow + ":3";
    QTest::addRow("1e999 --mcu-file") << (cost + QStringList{"--mcu-file", overflow}) << overflow;
    QTest::addRow("1e999 --candidate") << (eval + QStringList{"--candidate", overflow}) << overflow;
    QTest::addRow("1e999 --space") << QStringList{"bench", "cost", "--space", overflow} << overflow;
    QTest::addRow("/dev/zero --arch") << QStringList{"cost", "--arch", "/dev/zero"} << "/dev/zero";
    QTest::addRow("FIFO --arch") << QStringList{"cost", "--arch", path("fifo")}
                                 << "not a regular file";
    QTest::addRow("FIFO --mcu-file")
        << (cost + QStringList{"--mcu-file", path("fifo")}) << "not a regular file";
    QTest::addRow("a resolution twice")
        << (trainAnySpace + QStringList{"--space", path("space_twice.json")})
        << "data.resolutions[1]: lists 12 a second time";
    QTest::addRow("244 million depth vectors")
        << QStringList{"bench", "cost", "--space", path("space_deep.json")} << "depth vectors";
    // Every other command, with a malformed file where it reads one.
    QTest::addRow("mcus deep --mcu-file") << QStringList{"mcus", "--mcu-file", deep} << deep;
    QTest::addRow("runs show, text --store")
        << QStringList{"runs", "show", "1", "--store", path("not_a_store.db")} << "not a SQLite";
    QTest::addRow("runs csv, missing store")
        << QStringList{"runs", "csv", "7", "--store", path("missing.db")}
        << "run store does not exist";
    QTest::addRow("eval FIFO --supernet")
        << QStringList{"eval", "--supernet", path("fifo"), "--sample", "1"} << "not a regular file";
    QTest::addRow("eval folder --supernet")
        << QStringList{"eval", "--supernet", dir_.path(), "--sample", "1"} << "is a folder";
    QTest::addRow("bench fidelity, text --supernet")
        << QStringList{"bench", "fidelity", "--supernet", path("overflow.json")} << "overflow.json";
    QTest::addRow("bench search, deep --space")
        << QStringList{"bench", "search", "--space", deep, "--evals", "2"} << deep;
    QTest::addRow("bench compare, missing checkpoint")
        << QStringList{"bench", "compare", "--task", "fashion-mnist=" + path("missing.pt")}
        << "missing.pt";
    QTest::addRow("data inspect, FIFO") << QStringList{"data", "inspect", path("fifo")} << "fifo";
    QTest::addRow("empty file as --store")
        << QStringList{"runs", "list", "--store", path("empty.db")} << "empty file";
    QTest::addRow("17 MiB --arch") << QStringList{"cost", "--arch", path("huge.json")} << "16 MiB";
    QTest::addRow("80,000 blocks")
        << QStringList{"cost", "--arch", path("many_blocks.json")} << "1000 blocks";
    // 3: non-finite, negative and empty option values, whatever the command.
    QTest::addRow("--time-limit nan")
        << (searchArgs(path("nan.db")) + QStringList{"--time-limit", "nan"}) << "--time-limit";
    QTest::addRow("--time-limit inf")
        << (search + QStringList{"--time-limit", "inf"}) << "--time-limit";
    QTest::addRow("search --latency-budget -1")
        << (search + QStringList{"--latency-budget", "-1"}) << "--latency-budget";
    QTest::addRow("cost --latency-budget -1")
        << (cost + QStringList{"--latency-budget", "-1"}) << "--latency-budget";
    QTest::addRow("--generations -1")
        << (search + QStringList{"--generations", "-1"}) << "--generations";
    QTest::addRow("--learning-rate nan")
        << (train + QStringList{"--learning-rate", "nan"}) << "--learning-rate";
    QTest::addRow("--learning-rate -1")
        << (train + QStringList{"--learning-rate", "-1"}) << "--learning-rate";
    QTest::addRow("--threads -4") << (train + QStringList{"--threads", "-4"}) << "--threads";
    QTest::addRow("--checkpoint-seconds nan")
        << (train + QStringList{"--checkpoint-seconds", "nan"}) << "--checkpoint-seconds";
    QTest::addRow("--warmup-steps -5")
        << (train + QStringList{"--warmup-steps", "-5"}) << "--warmup-steps";
    QTest::addRow("search --sram-budget ''")
        << (search + QStringList{"--sram-budget", ""}) << "--sram-budget";
    QTest::addRow("cost --flash-budget ''")
        << (cost + QStringList{"--flash-budget", ""}) << "--flash-budget";
    QTest::addRow("eval --val-subset -3")
        << (eval + QStringList{"--sample", "1", "--val-subset", "-3"}) << "--val-subset";
    QTest::addRow("bench data --seconds nan")
        << QStringList{"bench", "data", "--seconds", "nan"} << "--seconds";
    // 4: sizes beyond what anything can cost, on the command line as in files.
    QTest::addRow("--resolution 1e8")
        << QStringList{"cost", "--mobilenetv2", "0.35", "--resolution", "100000000"}
        << "--resolution";
    QTest::addRow("--resolution 2^30")
        << QStringList{"cost", "--mobilenetv2", "0.35", "--resolution", "1073741824"}
        << "--resolution";
    // 10: errors blamed on the right input.
    QTest::addRow("--fixed-data outside the space")
        << (search + QStringList{"--mode", "hwnas", "--fixed-data", "224,rgb"}) << "--fixed-data";
    QTest::addRow("eval on another dataset")
        << QStringList{"eval",      "--supernet",          path("tiny.pt"),
                       "--dataset", path("other_squares"), "--sample",
                       "1"}
        << "trained on dataset";
    QTest::addRow("unknown MCU") << (cost + QStringList{"--mcu", "nosuchmcu"}) << "nosuchmcu";
    // 8: a file that is not a store.
    QTest::addRow("text file as --store")
        << QStringList{"runs", "list", "--store", path("not_a_store.db")}
        << "not a SQLite database";
    QTest::addRow("folder as --store")
        << QStringList{"runs", "list", "--store", dir_.path()} << "is a folder";
    // 11: a PNG bomb is named with its declared size, without --decode.
    QTest::addRow("PNG bomb") << QStringList{"data", "inspect", path("bomb")} << "100000 x 100000";
}

void TestCliHostile::refusedWithOneLine() {
    QFETCH(QStringList, args);
    QFETCH(QString, names);
    const auto r = cliRun(args);
    const QString context = args.join(' ').left(200) + "\n-> " + r.err.left(600);
    if (QString(QTest::currentDataTag()) == QLatin1String("PNG bomb")) {
        // Inspecting lists the bomb among the skipped files (exit 0); the rest is usable.
        QVERIFY2(r.exitCode == 0, qPrintable(context));
        QVERIFY2(r.out.contains(names) && r.out.contains(QStringLiteral("8192 x 8192")),
                 qPrintable(r.out));
        return;
    }
    QVERIFY2(r.exitCode == 2, qPrintable(context));
    QVERIFY2(r.err.contains(names), qPrintable(context));
    QVERIFY2(!r.err.contains(QStringLiteral("internal error")), qPrintable(context));
    QVERIFY2(r.err.trimmed().count(QLatin1Char('\n')) == 0, qPrintable(context)); // one line
    QVERIFY2(!QFile::exists(path("refused.pt")) && !QFile::exists(path("refused.pt.tmp")),
             "a refused training wrote a checkpoint");
}

void TestCliHostile::brokenProfilesInAFolderAreSkippedWithAWarning() {
    QDir(dir_.path()).mkpath(QStringLiteral("profiles"));
    QFile::copy(path("deep.json"), path("profiles/deep.json"));
    QFile::copy(path("overflow.json"), path("profiles/overflow.json"));
    auto env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("DNAS_MCU_PATH"), path("profiles"));
    for (const QStringList& args :
         {QStringList{"cost", "--mobilenetv2", "0.35", "--resolution", "96"},
          QStringList{"mcus"}}) {
        const auto r = runWith(args, env);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY2(r.err.contains(QStringLiteral("warning: skipped MCU profile: ") +
                                path("profiles/deep.json")),
                 qPrintable(r.err));
        QVERIFY2(r.err.contains(path("profiles/overflow.json") + ":3"), qPrintable(r.err));
    }
    const auto r =
        runWith({"cost", "--mobilenetv2", "0.35", "--resolution", "96", "--mcu", "mine"}, env);
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(QStringLiteral("unknown MCU 'mine'")) &&
                 r.err.contains(QStringLiteral("skipped broken profile")),
             qPrintable(r.err));
}

void TestCliHostile::hugeSizesAreRefusedNotWrapped() {
    // The largest accepted resolution costs with positive, finite figures; one more is refused.
    auto r = cliRun({"cost", "--mobilenetv2", "1.0", "--resolution", "8192", "--json"});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    const auto j = fixtures::parse(r.out);
    QVERIFY(j["macs"].get<double>() > 4e11); // 400,564,423,168
    QVERIFY(j["latency_ms"].get<double>() > 0);
    QVERIFY(j["peak_sram_bytes"].get<double>() > 0);
    r = cliRun({"cost", "--mobilenetv2", "1.0", "--resolution", "8193"});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(QStringLiteral("--resolution: must be at most 8192")),
             qPrintable(r.err));
    // A file within every per-field limit whose totals are beyond 64-bit-safe counting.
    std::string wide = R"({"input": {"resolution": 8192}, "stem": {"channels": 65536},
                           "head": {"classes": 2}, "blocks": [)";
    for (int i = 0; i < 40; ++i)
        wide +=
            std::string(i ? "," : "") + R"({"expansion": 1, "kernel": 15, "out_channels": 65536})";
    const auto file =
        writeTempFile(dir_, QStringLiteral("wide.json"), QByteArray::fromStdString(wide + "]}"));
    r = cliRun({"cost", "--arch", file});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(QStringLiteral("too large to cost")), qPrintable(r.err));
}

void TestCliHostile::storedConfigurationNamesTheField() {
    const QString db = path("config.db");
    auto r = cliRun(searchArgs(db) + QStringList{"--max-evals", "4"});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    fixtures::sqlExec(db.toStdString(), "UPDATE runs SET config = json_set(config, "
                                        "'$.time_limit_seconds', json('null'))");
    for (const QStringList& args : {QStringList{"runs", "show", "1", "--store", db},
                                    searchArgs(db) + QStringList{"--resume", "1"}}) {
        r = cliRun(args);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(
            r.err.contains(QStringLiteral("run 1 configuration")) &&
                r.err.contains(QStringLiteral("time_limit_seconds: expected a number, found null")),
            qPrintable(r.err));
    }
}

void TestCliHostile::damagedStoreIsRefusedAtOpen() {
    const QString db = path("damaged.db");
    auto r = cliRun(searchArgs(db) + QStringList{"--max-evals", "8"});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    // Overwrite the middle of the candidates table's pages (not the header): the file still
    // opens as SQLite, and only an integrity check finds the damage.
    {
        std::fstream f(db.toStdString(), std::ios::in | std::ios::out | std::ios::binary);
        f.seekp(0, std::ios::end);
        const auto size = static_cast<long long>(f.tellp());
        QVERIFY(size >= 3 * 4096);
        for (long long page = 1; page * 4096 < size; ++page) {
            f.seekp(page * 4096 + 8);
            const std::string junk(200, '\x5a');
            f.write(junk.data(), static_cast<std::streamsize>(junk.size()));
        }
    }
    const auto before = QFileInfo(db).lastModified();
    for (const QStringList& args : {QStringList{"runs", "list", "--store", db},
                                    searchArgs(db) + QStringList{"--max-evals", "4"}}) {
        r = cliRun(args);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(db + ": ") && r.err.contains(QStringLiteral("damaged")),
                 qPrintable(r.err));
        QVERIFY2(!r.err.contains(QStringLiteral("internal error")), qPrintable(r.err));
    }
    QCOMPARE(QFileInfo(db).lastModified(), before); // nothing was written into it
}

void TestCliHostile::readOnlyStoreCanBeListedNotSearched() {
    const std::string mnt = path("ro_mount").toStdString();
    const fixtures::TmpfsMount fs(mnt, 4 << 20);
    if (!fs.mounted())
        QSKIP(fs.error().c_str());
    const QString db = QString::fromStdString(mnt) + "/runs.db";
    auto r = cliRun(searchArgs(db) + QStringList{"--max-evals", "4"});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QVERIFY(::mount("tmpfs", mnt.c_str(), "tmpfs", MS_REMOUNT | MS_RDONLY, "size=4194304") == 0);
    r = cliRun({"runs", "list", "--store", db, "--json"});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QCOMPARE(fixtures::parse(r.out)[0]["status"].get<std::string>(), std::string("finished"));
    r = cliRun({"runs", "show", "1", "--store", db});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    r = cliRun(searchArgs(db) + QStringList{"--resume", "1", "--max-evals", "8"});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(db + ": cannot be written"), qPrintable(r.err));
}

void TestCliHostile::fullDiskEndsTheSearchCleanly() {
    const std::string mnt = path("full_mount").toStdString();
    const fixtures::TmpfsMount fs(mnt, 192 << 10);
    if (!fs.mounted())
        QSKIP(fs.error().c_str());
    const QString db = QString::fromStdString(mnt) + "/runs.db";
    const auto r =
        cliRun(searchArgs(db) + QStringList{"--max-evals", "100000", "--mode", "compare"});
    const QString context = r.err.right(800);
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(db + ": the disk is full"), qPrintable(context));
    QVERIFY2(!r.err.contains(QStringLiteral("internal error")), qPrintable(context));
    // Everything committed before the disk filled is readable; the run is not left "running".
    const auto list = cliRun({"runs", "list", "--store", db, "--json"});
    QVERIFY2(list.exitCode == 0, qPrintable(list.err));
    const auto runs = fixtures::parse(list.out);
    QVERIFY(runs[0]["evaluations"].get<int>() > 0);
    const auto status = runs[0]["status"].get<std::string>();
    QVERIFY2(status == "failed" || status == "interrupted", status.c_str());
}

void TestCliHostile::wakeVisionCsvWithByteOrderMark() {
    const auto root = path("wv").toStdString();
    std::filesystem::create_directories(root + "/images");
    std::string csv = "\xEF\xBB\xBF"
                      "filename,person\r\n";
    for (int i = 0; i < 6; ++i) {
        const std::string name = "img" + std::to_string(i) + ".png";
        fixtures::writeImage(root + "/images/" + name, fixtures::pattern(16, 16, i));
        csv += name + "," + std::to_string(i % 2) + "\r\n";
    }
    fixtures::writeText(root + "/labels/wake_vision_train_large.csv", csv);
    fixtures::writeText(root + "/labels/wake_vision_validation.csv", csv);
    const auto r = cliRun({"data", "inspect", QString::fromStdString(root + "/labels"), "--images",
                           QString::fromStdString(root + "/images"), "--json"});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    const auto j = fixtures::parse(r.out);
    QCOMPARE(j["format"].get<std::string>(), std::string("wake-vision-csv"));
    QCOMPARE(j["splits"]["train"]["count"].get<int>(), 6);
    QVERIFY2(j["skipped"].empty(), j["skipped"].dump().c_str());
}

void TestCliHostile::refusalsLeaveTheUsersFilesAlone() {
    // bench data never deletes a folder it did not make.
    QDir(dir_.path()).mkpath(QStringLiteral("mine"));
    writeTempFile(dir_, QStringLiteral("mine/notes.txt"), "keep me");
    auto r =
        cliRun({"bench", "data", "--dir", path("mine"), "--images", "10", "--seconds", "0.01"});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(QStringLiteral("was not made by `dnas bench data`")),
             qPrintable(r.err));
    QVERIFY(QFile::exists(path("mine/notes.txt")));
    r = cliRun({"bench", "data", "--dir", path("not_a_store.db"), "--images", "10"});
    QCOMPARE(r.exitCode, 2);
    QVERIFY(QFileInfo(path("not_a_store.db")).isFile());
    // A checkpoint is never written over a FIFO or device.
    r = cliRun({"train-supernet", "--dataset", path("squares"), "--space", path("tiny_space.json"),
                "--out", path("fifo"), "--max-steps", "2"});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(QStringLiteral("not a regular file")), qPrintable(r.err));
    QVERIFY(!QFileInfo(path("fifo")).isFile()); // still the FIFO
    // A refused search leaves no store it created; reading an empty file writes nothing.
    r = cliRun(searchArgs(path("never.db")) +
               QStringList{"--max-evals", "4", "--sram-budget", "1"});
    QCOMPARE(r.exitCode, 2);
    QVERIFY(!QFile::exists(path("never.db")) && !QFile::exists(path("never.db-wal")));
    writeTempFile(dir_, QStringLiteral("empty.db"), "");
    QCOMPARE(cliRun({"runs", "list", "--store", path("empty.db")}).exitCode, 2);
    QCOMPARE(QFileInfo(path("empty.db")).size(), 0);
}

QTEST_GUILESS_MAIN(TestCliHostile)
#include "tst_cli_hostile.moc"
