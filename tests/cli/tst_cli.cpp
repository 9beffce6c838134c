#include <QtTest>

#include <nlohmann/json.hpp>

#include "support/cli_process.h"
#include "support/image_fixtures.h"
#include "support/temp_files.h"

using fixtures::cliRun;
using fixtures::parse;

class TestCli : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void helpDescribesEveryOption_data();
    void helpDescribesEveryOption();
    void costJsonHasRequiredKeys();
    void costTableAndVerdict();
    void costFromArchitectureFile();
    void modesDiffer();
    void mcusJson();
    void badInput_data();
    void badInput();
    void malformedArchitectureNamesLineAndField();
    void benchCostReportsRate();
    void benchEvalComparesSettingsSideBySide();
    void dataInspectFolder();
    void dataInspectFashionMnistBinary();
    void dataInspectBadInput_data();
    void dataInspectBadInput();
    void benchDataReportsRates();
    void trainSupernetAndEvaluate();
    void supernetBadInput();
    void trainSupernetResume();
    void trainSupernetBadNumbers_data();
    void trainSupernetBadNumbers();

private:
    QTemporaryDir dir_;
};

void TestCli::helpDescribesEveryOption_data() {
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QStringList>("expected");
    QTest::addRow("dnas") << QStringList{"--help"}
                          << QStringList{"cost", "mcus", "bench", "--version"};
    QTest::addRow("cost") << QStringList{"cost", "--help"}
                          << QStringList{"--arch",          "--mobilenetv2", "--resolution",
                                         "--classes",       "--channels",    "--mcu",
                                         "--runtime",       "--mode",        "--json",
                                         "--mcu-file",      "--sram-budget", "--flash-budget",
                                         "--latency-budget"};
    QTest::addRow("mcus") << QStringList{"mcus", "--help"} << QStringList{"--json", "--mcu-file"};
    QTest::addRow("bench") << QStringList{"bench", "--help"}
                           << QStringList{"cost", "data", "fidelity"};
    QTest::addRow("train-supernet")
        << QStringList{"train-supernet", "--help"}
        << QStringList{"--dataset",      "--space", "--out",    "--epochs",    "--max-steps",
                       "--train-subset", "--seed",  "--resume", "--optimizer", "--batch-size"};
    QTest::addRow("eval") << QStringList{"eval", "--help"}
                          << QStringList{"--supernet",   "--candidate", "--sample", "--evaluator",
                                         "--val-subset", "--seed",      "--json"};
    QTest::addRow("search") << QStringList{"search", "--help"}
                            << QStringList{"--dataset",    "--supernet",  "--space",
                                           "--mcu",        "--mode",      "--fixed-data",
                                           "--strategy",   "--max-evals", "--generations",
                                           "--time-limit", "--seed",      "--train-subset",
                                           "--val-subset", "--store",     "--resume",
                                           "--images",     "--holdout"};
    QTest::addRow("runs") << QStringList{"runs", "--help"} << QStringList{"list", "show", "csv"};
    QTest::addRow("bench fidelity")
        << QStringList{"bench", "fidelity", "--help"}
        << QStringList{"--supernet",      "--bands",          "--per-band",
                       "--band-cost",     "--band-width",     "--scratch-epochs",
                       "--scratch-seeds", "--finetune-steps", "--json"};
    QTest::addRow("bench compare")
        << QStringList{"bench", "compare", "--help"}
        << QStringList{"--task", "--levels", "--seeds", "--evals", "--baselines", "--store"};
    QTest::addRow("data inspect") << QStringList{"data", "inspect", "--help"}
                                  << QStringList{"--json", "--format", "--images", "--holdout",
                                                 "--decode"};
    QTest::addRow("bench data") << QStringList{"bench", "data", "--help"}
                                << QStringList{"--images",  "--resolution", "--batch",
                                               "--seconds", "--json",       "--dir"};
    QTest::addRow("bench search") << QStringList{"bench", "search", "--help"}
                                  << QStringList{"--supernet", "--evals", "--val-subset", "--json"};
    QTest::addRow("bench compare")
        << QStringList{"bench", "compare", "--help"}
        << QStringList{"--task", "--levels", "--seeds", "--evals", "--store", "--json"};
    QTest::addRow("bench eval") << QStringList{"bench", "eval", "--help"}
                                << QStringList{"--resolutions",        "--candidates", "--setting",
                                               "--calibration-images", "--val-subset", "--json"};
    QTest::addRow("bench train") << QStringList{"bench", "train", "--help"}
                                 << QStringList{"--space", "--steps", "--batch-size", "--json"};
    QTest::addRow("bench counts") << QStringList{"bench", "counts", "--help"}
                                  << QStringList{"--supernet", "--calibration", "--validation"};
    QTest::addRow("bench cost") << QStringList{"bench", "cost", "--help"}
                                << QStringList{"--space",   "--mcu",  "--candidates",
                                               "--seconds", "--seed", "--json"};
}

void TestCli::helpDescribesEveryOption() {
    QFETCH(QStringList, args);
    QFETCH(QStringList, expected);
    const auto r = cliRun(args);
    QCOMPARE(r.exitCode, 0);
    for (const auto& word : expected)
        QVERIFY2(r.out.contains(word), qPrintable(word));
}

void TestCli::costJsonHasRequiredKeys() {
    const auto r = cliRun({"cost", "--mobilenetv2", "0.35", "--resolution", "96", "--json"});
    QCOMPARE(r.exitCode, 0);
    const auto j = parse(r.out);
    for (const char* key : {"macs", "params", "flash_bytes", "peak_sram_bytes", "latency_ms",
                            "energy_mj", "fits", "layers"})
        QVERIFY2(j.contains(key), key);
    QVERIFY(j["fits"].is_boolean());
    QVERIFY(j["layers"].is_array());
    QVERIFY(j["layers"].size() > 50);
    QCOMPARE(j["mcu"].get<std::string>(), std::string("stm32f746"));
    QVERIFY(j["macs"].get<long long>() > 10'000'000);
}

void TestCli::costTableAndVerdict() {
    const auto small =
        cliRun({"cost", "--mobilenetv2", "0.35", "--resolution", "96", "--mcu", "stm32h743"});
    QCOMPARE(small.exitCode, 0);
    QVERIFY(small.out.contains(QStringLiteral("b0.dw")));
    QVERIFY(small.out.contains(QStringLiteral("Verdict: FITS stm32h743")));
    const auto big =
        cliRun({"cost", "--mobilenetv2", "1.0", "--resolution", "224", "--classes", "1000"});
    QCOMPARE(big.exitCode, 0); // not fitting is a result, not an error
    QVERIFY(big.out.contains(QStringLiteral("Verdict: DOES NOT FIT")));
    QVERIFY(big.out.contains(QStringLiteral("peak SRAM")));
}

void TestCli::costFromArchitectureFile() {
    const QString path = writeTempFile(dir_, QStringLiteral("arch.json"), R"({
  "name": "tiny",
  "input": {"resolution": 64, "channels": 1},
  "stem": {"channels": 8},
  "blocks": [{"expansion": 1, "kernel": 3, "out_channels": 8},
             {"expansion": 3, "kernel": 5, "stride": 2, "out_channels": 16, "repeat": 3}],
  "head": {"last_channels": 0, "classes": 2}
})");
    const auto r = cliRun({"cost", "--arch", path, "--json", "--mcu", "nano33ble"});
    QCOMPARE(r.exitCode, 0);
    const auto j = parse(r.out);
    QCOMPARE(j["architecture"]["input"]["channels"].get<int>(), 1);
    QCOMPARE(j["layers"][0]["input_shape"], nlohmann::json({64, 64, 1}));
    QVERIFY(j["fits"].get<bool>());
    // --classes and --channels override the file.
    const auto over =
        parse(cliRun({"cost", "--arch", path, "--json", "--classes", "5", "--channels", "3"}).out);
    QCOMPARE(over["layers"].back()["output_shape"], nlohmann::json({1, 1, 5}));
    QCOMPARE(over["layers"][0]["input_shape"], nlohmann::json({64, 64, 3}));
}

void TestCli::modesDiffer() {
    long long sram[3];
    int i = 0;
    for (const char* mode : {"tflm", "inplace", "paper"}) {
        const auto r = cliRun(
            {"cost", "--mobilenetv2", "0.5", "--resolution", "128", "--json", "--mode", mode});
        QCOMPARE(r.exitCode, 0);
        const auto j = parse(r.out);
        QCOMPARE(j["mode"].get<std::string>(), std::string(mode));
        sram[i++] = j["peak_sram_bytes"].get<long long>();
    }
    QVERIFY(sram[1] < sram[0]); // in-place depthwise saves memory
    QVERIFY(sram[2] != sram[0]);
}

void TestCli::mcusJson() {
    const auto r = cliRun({"mcus", "--json"});
    QCOMPARE(r.exitCode, 0);
    const auto j = parse(r.out);
    QVERIFY(j.is_array());
    QVERIFY(j.size() >= 6);
    for (const auto& m : j)
        for (const char* key : {"id", "name", "sram_bytes", "flash_bytes", "clock_hz"})
            QVERIFY2(m.contains(key), key);
    const auto text = cliRun({"mcus"});
    QCOMPARE(text.exitCode, 0);
    QVERIFY(text.out.contains(QStringLiteral("esp32s3")));
}

void TestCli::badInput_data() {
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("message");
    const QStringList mnv2 = {"cost", "--mobilenetv2", "1.0", "--resolution"};
    QTest::addRow("unknown mcu") << QStringList{"cost", "--mobilenetv2", "1",        "--resolution",
                                                "96",   "--mcu",         "stm32f999"}
                                 << "unknown MCU 'stm32f999' (known: stm32f746";
    QTest::addRow("unknown runtime")
        << QStringList{"cost",  "--mobilenetv2", "1",         "--resolution", "96",
                       "--mcu", "rp2040",        "--runtime", "tinyengine"}
        << "has no runtime 'tinyengine' (runtimes: tflm, cmsis-nn)";
    QTest::addRow("unknown mode") << QStringList{"cost", "--mobilenetv2", "1",   "--resolution",
                                                 "96",   "--mode",        "fast"}
                                  << "unknown cost mode 'fast'";
    QTest::addRow("too small") << (mnv2 + QStringList{"8"}) << "resolution 8 is too small";
    QTest::addRow("zero resolution")
        << (mnv2 + QStringList{"0"}) << "--resolution: must be a positive";
    QTest::addRow("negative resolution")
        << (mnv2 + QStringList{"-5"}) << "--resolution: must not be negative, found '-5'";
    QTest::addRow("text resolution") << (mnv2 + QStringList{"big"}) << "--resolution";
    QTest::addRow("zero width") << QStringList{"cost", "--mobilenetv2", "0", "--resolution", "96"}
                                << "width multiplier";
    QTest::addRow("negative width")
        << QStringList{"cost", "--mobilenetv2", "-1", "--resolution", "96"}
        << "--mobilenetv2: must not be negative, found '-1'";
    QTest::addRow("zero classes") << (mnv2 + QStringList{"96", "--classes", "0"})
                                  << "--classes: must be a positive";
    QTest::addRow("two channels") << (mnv2 + QStringList{"96", "--channels", "2"})
                                  << "--channels: must be 1";
    QTest::addRow("zero budget") << (mnv2 + QStringList{"96", "--sram-budget", "0"})
                                 << "--sram-budget";
    QTest::addRow("negative latency")
        << (mnv2 + QStringList{"96", "--latency-budget", "-3"}) << "--latency-budget";
    QTest::addRow("no network") << QStringList{"cost"}
                                << "give either --arch FILE or --mobilenetv2";
    QTest::addRow("no resolution")
        << QStringList{"cost", "--mobilenetv2", "1"} << "give either --arch FILE or --mobilenetv2";
    QTest::addRow("both") << QStringList{"cost", "--mobilenetv2", "1",     "--resolution",
                                         "96",   "--arch",        "x.json"}
                          << "excludes";
    QTest::addRow("missing file") << QStringList{"cost", "--arch", "/nonexistent/net.json"}
                                  << "/nonexistent/net.json: file does not exist";
    QTest::addRow("no command") << QStringList{} << "dnas: error:";
    QTest::addRow("unknown command") << QStringList{"train"} << "dnas: error:";
    QTest::addRow("unknown option") << QStringList{"mcus", "--colour"} << "--colour";
}

void TestCli::badInput() {
    QFETCH(QStringList, args);
    QFETCH(QString, message);
    const auto r = cliRun(args);
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(message), qPrintable(r.err));
    QVERIFY2(r.err.startsWith(QStringLiteral("dnas: error: ")), qPrintable(r.err));
    QCOMPARE(r.err.trimmed().count(QLatin1Char('\n')), 0); // one line
    QVERIFY(r.out.isEmpty());
}

void TestCli::malformedArchitectureNamesLineAndField() {
    const QString syntax =
        writeTempFile(dir_, QStringLiteral("syntax.json"),
                      "{\n  \"input\": {\"resolution\": 96},\n  \"stem\" {\"channels\": 8}\n}\n");
    auto r = cliRun({"cost", "--arch", syntax});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(syntax + QStringLiteral(":3: malformed JSON")), qPrintable(r.err));

    const QString field = writeTempFile(dir_, QStringLiteral("field.json"), R"({
  "input": {"resolution": 96},
  "stem": {"channels": 8},
  "blocks": [
    {"expansion": 1, "kernel": "three", "out_channels": 8}
  ],
  "head": {"classes": 2}
})");
    r = cliRun({"cost", "--arch", field});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(field + QStringLiteral(":5: blocks[0].kernel: expected an integer")),
             qPrintable(r.err));
}

void TestCli::benchCostReportsRate() {
    const auto r = cliRun({"bench", "cost", "--candidates", "50", "--seconds", "0.05", "--json"});
    QCOMPARE(r.exitCode, 0);
    const auto j = parse(r.out);
    QVERIFY(j["estimations_per_second"].get<double>() > 0);
    QCOMPARE(j["measurements"].size(), std::size_t{4});
    QCOMPARE(j["threads"].get<int>(), 1);
}

// "before" runs in a child process with glibc's default malloc, "now" in this one (tuned); both
// score the same candidate on the same images, so they agree on its accuracy's image counts.
void TestCli::benchEvalComparesSettingsSideBySide() {
    const auto r =
        cliRun({"bench", "eval", "--space", "demo", "--dataset", "fashion-mnist:binary",
                "--resolutions", "16,24", "--candidates", "1", "--calibration-images", "20",
                "--val-subset", "40", "--setting", "before", "--setting", "now", "--json"});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    const auto rows = parse(r.out)["rows"];
    QCOMPARE(rows.size(), std::size_t{4}); // per resolution: before, now
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const auto& row = rows[i];
        QCOMPARE(row["setting"].get<std::string>(), std::string(i % 2 ? "now" : "before"));
        QCOMPARE(row["tuned_malloc"].get<bool>(), i % 2 == 1);
        QCOMPARE(row["channels_last"].get<bool>(), i % 2 == 1);
        QCOMPARE(row["batch_size"].get<int>(), i % 2 ? 64 : 256);
        QCOMPARE(row["resolution"].get<int>(), i < 2 ? 16 : 24);
        QVERIFY(row["seconds_per_candidate"].get<double>() > 0);
        QVERIFY(row["macs"].get<double>() > 0);
        QVERIFY(row["achieved_macs_per_second"].get<double>() > 0);
    }
    QCOMPARE(rows[0]["macs"], rows[1]["macs"]); // the same candidate
}

void TestCli::dataInspectFolder() {
    const std::filesystem::path root = dir_.filePath(QStringLiteral("folder_data")).toStdString();
    for (int i = 0; i < 40; ++i)
        fixtures::writeImage(root / "train" / std::to_string(i % 2) /
                                 ("a" + std::to_string(i) + ".jpg"),
                             fixtures::pattern(32, 24, i));
    fixtures::writeImage(root / "test" / "1" / "t.jpg", fixtures::pattern(32, 24, 9));
    fixtures::writeCorruptJpeg(root / "test" / "0" / "broken.jpg");
    auto r =
        cliRun({"data", "inspect", QString::fromStdString(root.string()), "--json", "--decode"});
    QCOMPARE(r.exitCode, 0);
    const auto j = parse(r.out);
    QCOMPARE(j["format"].get<std::string>(), std::string("image-folders"));
    QCOMPARE(j["classes"], nlohmann::json({"no_person", "person"}));
    QCOMPARE(j["splits"]["train"]["count"].get<int>(), 40);
    QCOMPARE(j["splits"]["train"]["per_class"]["person"].get<int>(), 20);
    // 10 % held out by a hash of the relative path: the same wherever the folder is.
    QCOMPARE(j["splits"]["train"]["held_out_as_validation"].get<int>(), 7);
    QCOMPARE(j["splits"]["test"]["count"].get<int>(), 2);
    QCOMPARE(j["skipped"].size(), std::size_t{1}); // found by --decode
    QVERIFY(j["skipped"][0]["file"].get<std::string>().ends_with("broken.jpg"));
    for (const char* key : {"file", "line", "reason"})
        QVERIFY(j["skipped"][0].contains(key));
    r = cliRun({"data", "inspect", QString::fromStdString(root.string())});
    QCOMPARE(r.exitCode, 0);
    QVERIFY2(r.out.contains(QStringLiteral("held out as validation")), qPrintable(r.out));
}

void TestCli::dataInspectFashionMnistBinary() {
    const auto r = cliRun({"data", "inspect", "fashion-mnist:binary", "--json"});
    QCOMPARE(r.exitCode, 0);
    const auto j = parse(r.out);
    QCOMPARE(j["format"].get<std::string>(), std::string("idx"));
    QVERIFY(j["stand_in"].get<bool>());
    QCOMPARE(j["splits"]["train"]["count"].get<int>(), 60000);
    QCOMPARE(j["splits"]["test"]["count"].get<int>(), 10000);
    QCOMPARE(j["splits"]["train"]["per_class"]["person"].get<int>(), 30000);
    QCOMPARE(j["splits"]["test"]["per_class"]["no_person"].get<int>(), 5000);
    QCOMPARE(j["splits"]["validation"]["held_out_from"].get<std::string>(), std::string("train"));
    const auto text = cliRun({"data", "inspect", "fashion-mnist:binary"});
    QVERIFY(text.out.contains(QStringLiteral("STAND-IN")));
    QVERIFY(text.out.contains(QStringLiteral("60,000")));
}

void TestCli::dataInspectBadInput_data() {
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("message");
    QTest::addRow("missing path") << QStringList{"data", "inspect", "/nonexistent/data"}
                                  << "no such file or folder";
    QTest::addRow("unknown format")
        << QStringList{"data", "inspect", "/tmp", "--format", "tfrecord"}
        << "unknown dataset format";
    QTest::addRow("no dataset") << QStringList{"data", "inspect"} << "dataset is required";
}

void TestCli::dataInspectBadInput() {
    QFETCH(QStringList, args);
    QFETCH(QString, message);
    const auto r = cliRun(args);
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(message), qPrintable(r.err));
}

void TestCli::benchDataReportsRates() {
    const QString folder = dir_.filePath(QStringLiteral("bench_images"));
    const auto r = cliRun({"bench", "data", "--images", "40", "--resolution", "32", "--seconds",
                           "0.05", "--dir", folder, "--json"});
    QCOMPARE(r.exitCode, 0);
    const auto j = parse(r.out);
    QCOMPARE(j["images"].get<int>(), 40);
    QVERIFY(j["cold_images_per_second"].get<double>() > 0);
    QVERIFY(j["warm_batches_per_second"].get<double>() > 0);
}

// A real (tiny) supernet trained through the command line, then scored.
void TestCli::trainSupernetAndEvaluate() {
    const QString data = QString::fromStdString(
        fixtures::writeSquaresDataset(
            std::filesystem::path(dir_.filePath(QStringLiteral("squares")).toStdString()))
            .string());
    const QString space =
        writeTempFile(dir_, QStringLiteral("tiny_space.json"), fixtures::kTinySpaceJson);
    const QString out = dir_.filePath(QStringLiteral("tiny.pt"));
    auto r = cliRun({"train-supernet", "--dataset", data, "--space", space, "--out", out,
                     "--max-steps", "6", "--batch-size", "8"});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QVERIFY(QFile::exists(out));
    QVERIFY2(r.out.contains(QStringLiteral("trained after 6 steps")), qPrintable(r.out));
    QVERIFY(r.out.contains(QStringLiteral("largest  subnet")));
    QVERIFY(r.err.contains(QStringLiteral("step 6/6")));

    r = cliRun({"eval", "--supernet", out, "--dataset", data, "--sample", "3", "--json"});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    const auto j = parse(r.out);
    QCOMPARE(j["candidates"].size(), std::size_t{3});
    for (const auto& c : j["candidates"]) {
        QVERIFY(c["accuracy"].get<double>() >= 0 && c["accuracy"].get<double>() <= 1);
        QVERIFY(c["seconds"].get<double>() > 0);
        QVERIFY(c["candidate"].contains("data"));
        QVERIFY(c["metrics"].contains("f1")); // binary task
    }
    // The output is itself a valid --candidate file; the finetune evaluator runs too.
    const QString candidates = writeTempFile(dir_, QStringLiteral("candidates.json"),
                                             QByteArray::fromStdString(r.out.toStdString()));
    r = cliRun({"eval", "--supernet", out, "--dataset", data, "--candidate", candidates,
                "--evaluator", "finetune", "--finetune-steps", "2", "--json"});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QCOMPARE(parse(r.out)["evaluator"].get<std::string>(), std::string("finetune"));
}

void TestCli::supernetBadInput() {
    const QString data = dir_.filePath(QStringLiteral("squares"));
    const QString out = dir_.filePath(QStringLiteral("tiny.pt"));
    QVERIFY(QFile::exists(out)); // from trainSupernetAndEvaluate
    // Another dataset than the checkpoint's is refused.
    auto r =
        cliRun({"eval", "--supernet", out, "--dataset", "fashion-mnist:binary", "--sample", "1"});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(QStringLiteral("the checkpoint was trained on dataset")),
             qPrintable(r.err));
    // A candidate outside the space.
    const QString bad = writeTempFile(dir_, QStringLiteral("bad_candidate.json"), R"({
  "data": {"resolution": 224, "colour": "rgb"},
  "arch": {"width": 0.5, "depths": [1, 1, 0], "blocks": [{"expansion": 1, "kernel": 3}, {"expansion": 2, "kernel": 3},
           {"expansion": 2, "kernel": 3}, {"expansion": 2, "kernel": 3}]}
})");
    r = cliRun({"eval", "--supernet", out, "--dataset", data, "--candidate", bad});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(QStringLiteral("not in search space 'tiny': resolution 224")),
             qPrintable(r.err));
    // Not a checkpoint; nothing to resume; a training run with another space resuming it.
    r = cliRun({"eval", "--supernet", bad, "--sample", "1"});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(QStringLiteral("not a readable checkpoint")), qPrintable(r.err));
    r = cliRun({"train-supernet", "--dataset", data, "--out",
                dir_.filePath(QStringLiteral("none.pt")), "--max-steps", "1", "--resume"});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(QStringLiteral("nothing to resume")), qPrintable(r.err));
    r = cliRun({"train-supernet", "--dataset", data, "--space", "demo", "--out", out, "--max-steps",
                "1", "--resume"});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(QStringLiteral("which differs from 'demo'")), qPrintable(r.err));
    r = cliRun(
        {"train-supernet", "--dataset", data, "--out", dir_.filePath(QStringLiteral("x.pt"))});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(QStringLiteral("give --epochs or --max-steps")), qPrintable(r.err));
}

// --resume continues the checkpoint's run: a larger --max-steps extends it, a limit it is
// already past and other training options are refused.
void TestCli::trainSupernetResume() {
    const QString out = dir_.filePath(QStringLiteral("resumed.pt"));
    auto train = [&](const QStringList& extra) {
        return cliRun(QStringList{"train-supernet", "--dataset", dir_.filePath("squares"),
                                  "--space", dir_.filePath("tiny_space.json"), "--out", out,
                                  "--batch-size", "8", "--no-eval"} +
                      extra);
    };
    auto r = train({"--max-steps", "3"});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    r = train({"--max-steps", "5", "--resume"});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QVERIFY2(r.out.contains(QStringLiteral("trained after 5 steps")), qPrintable(r.out));
    QVERIFY2(r.err.contains(QStringLiteral("resuming from step 3 of 5 (the checkpoint's run "
                                           "planned 3)")),
             qPrintable(r.err));
    r = train({"--max-steps", "4", "--resume"});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(QStringLiteral("--max-steps: ") + out +
                            QStringLiteral(" is at step 5 already")),
             qPrintable(r.err));
    r = train({"--max-steps", "6", "--resume", "--seed", "7"});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(QStringLiteral("--seed: the checkpoint was trained with 0, not 7")),
             qPrintable(r.err));
}

// Numbers training cannot use: one line naming the option, never a LibTorch stack trace.
void TestCli::trainSupernetBadNumbers_data() {
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("words");
    QTest::addRow("nan learning rate")
        << QStringList{"--learning-rate", "nan"} << QStringLiteral("--learning-rate");
    QTest::addRow("negative learning rate")
        << QStringList{"--learning-rate", "-1"} << QStringLiteral("--learning-rate");
    QTest::addRow("diverging learning rate")
        << QStringList{"--learning-rate", "1e30"}
        << QStringLiteral("--learning-rate: training diverged");
    QTest::addRow("nan checkpoint seconds")
        << QStringList{"--checkpoint-seconds", "nan"} << QStringLiteral("--checkpoint-seconds");
}

void TestCli::trainSupernetBadNumbers() {
    QFETCH(QStringList, args);
    QFETCH(QString, words);
    const QString out = dir_.filePath(QStringLiteral("bad-numbers.pt"));
    const auto r = cliRun(QStringList{"train-supernet", "--dataset", dir_.filePath("squares"),
                                      "--space", dir_.filePath("tiny_space.json"), "--out", out,
                                      "--max-steps", "3", "--batch-size", "8"} +
                          args);
    QCOMPARE(r.exitCode, 2);
    const auto lines = r.err.trimmed().split(QLatin1Char('\n'));
    QVERIFY2(lines.back().startsWith(QStringLiteral("dnas: error: ")), qPrintable(r.err));
    QVERIFY2(lines.back().contains(words), qPrintable(r.err));
    QVERIFY2(!r.err.contains(QStringLiteral("internal error")) &&
                 !r.err.contains(QStringLiteral("frame #")),
             qPrintable(r.err));
    QVERIFY(!QFile::exists(out)); // nothing written
}

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
