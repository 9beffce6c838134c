// `dnas export` end to end, as a user runs it: a supernet trained and a search run by the
// real `dnas` binary, then candidates of that run exported and every file checked - the
// model card's float accuracy is the accuracy the search stored, int8 stays close to it,
// Arm NN reproduces the test vectors, model.pt reloads with the same accuracy through
// `dnas eval --model`, and the C files compile and hold the model. Bad requests and a full
// disk are one-line errors that leave nothing behind.
#include <QtTest>

#include <fstream>

#include "common/error.h"
#include "export/armnn_runner.h"
#include "export/onnx_writer.h"
#include "export/tflite_writer.h"
#include "store/run_store.h"
#include "support/cli_process.h"
#include "support/image_fixtures.h"
#include "support/tmpfs_mount.h"

using namespace dnas;
namespace fs = std::filesystem;
using fixtures::cliRun;

namespace {

std::string readFile(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

QString q(const fs::path& p) {
    return QString::fromStdString(p.string());
}

void expectOneLineError(const fixtures::Run& r, const QString& words) {
    QVERIFY2(r.exitCode == 2, qPrintable(QString::number(r.exitCode) + ": " + r.err));
    const auto lines = r.err.trimmed().split(QLatin1Char('\n'));
    QVERIFY2(lines.last().startsWith(QStringLiteral("dnas: error: ")), qPrintable(r.err));
    QVERIFY2(lines.last().contains(words), qPrintable(r.err));
    QVERIFY2(!r.err.contains(QStringLiteral("internal error")), qPrintable(r.err));
}

// Files an export writes besides the test vector binaries.
const std::vector<std::string> kFiles = {"model_int8.tflite",
                                         "model_fp32.onnx",
                                         "model_int8_qdq.onnx",
                                         "model_data.cc",
                                         "model_data.h",
                                         "model_settings.h",
                                         "model.pt",
                                         "model_card.json",
                                         "report.html",
                                         "test_vectors/test_vectors.h"};

} // namespace

class TestExport : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void exportedFilesAreChecked_data();
    void exportedFilesAreChecked();
    void generatedCCompiles();
    void finetuningTrainsBeforeQuantising();
    void exportsACandidateFileWithoutAStore();
    void exportsARunScoredByFineTuning();
    void badRequestsAreRefused();
    void fullDiskLeavesNothing();
    void overwriteReplacesOnlyWhenDone();

private:
    fs::path path(const std::string& name) const {
        return fs::path(dir_.path().toStdString()) / name;
    }
    fixtures::Run exportRun(const QString& id, const fs::path& out, QStringList extra = {}) const;
    QTemporaryDir dir_;
    std::vector<CandidateRecord> records_;
    std::int64_t rgb_ = 0;
    std::int64_t gray_ = 0;
};

void TestExport::initTestCase() {
    fixtures::writeSquaresDataset(path("squares"));
    fixtures::writeText(path("tiny_space.json"), fixtures::kTinySpaceJson);
    auto r = cliRun({"train-supernet", "--dataset", q(path("squares")), "--space",
                     q(path("tiny_space.json")), "--out", q(path("tiny.pt")), "--max-steps", "12",
                     "--batch-size", "8", "--no-eval"});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    r = cliRun({"search", "--dataset", q(path("squares")), "--supernet", q(path("tiny.pt")),
                "--space", q(path("tiny_space.json")), "--mode", "compare", "--max-evals", "8",
                "--population", "4", "--store", q(path("run.db"))});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    records_ = RunStore::open(path("run.db"))->candidates(1);
    for (const auto& rec : records_) {
        if (!rec.evaluated)
            continue;
        auto& slot = rec.candidate.data.colour == ColourMode::Rgb ? rgb_ : gray_;
        if (slot == 0)
            slot = rec.id;
    }
    QVERIFY2(rgb_ > 0 && gray_ > 0, "the run evaluated no RGB or no grayscale candidate");
}

fixtures::Run TestExport::exportRun(const QString& id, const fs::path& out,
                                    QStringList extra) const {
    QStringList args = {"export",
                        "--store",
                        q(path("run.db")),
                        "--run",
                        "1",
                        "--candidate",
                        id,
                        "--out",
                        q(out),
                        "--calibration-images",
                        "64",
                        "--check-images",
                        "24",
                        "--test-vectors",
                        "3"};
    return cliRun(args + extra);
}

void TestExport::exportedFilesAreChecked_data() {
    QTest::addColumn<bool>("gray");
    QTest::newRow("rgb") << false;
    QTest::newRow("grayscale") << true;
}

void TestExport::exportedFilesAreChecked() {
    QFETCH(bool, gray);
    const auto id = gray ? gray_ : rgb_;
    const auto out = path(gray ? "export-gray" : "export-rgb");
    const auto r = exportRun(QString::number(id), out);
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QVERIFY2(r.out.contains(QStringLiteral("exported")), qPrintable(r.out));
    for (const auto& f : kFiles)
        QVERIFY2(fs::is_regular_file(out / f), f.c_str());
    const auto card = nlohmann::json::parse(readFile(out / "model_card.json"));
    const auto& record = *std::find_if(records_.begin(), records_.end(),
                                       [id](const auto& rec) { return rec.id == id; });

    // The network exported is the one the search scored.
    const auto& val = card["accuracy"]["validation"];
    const double samples = val["float"]["samples"].get<double>();
    QVERIFY2(
        std::abs(val["float"]["accuracy"].get<double>() - record.accuracy) <= 1.0 / samples,
        qPrintable(
            QString("%1 vs %2").arg(val["float"]["accuracy"].get<double>()).arg(record.accuracy)));
    QVERIFY2(std::abs(val["int8_minus_float"].get<double>()) <= 0.15, val.dump().c_str());
    QCOMPARE(card["data"]["input_shape"][3].get<int>(), gray ? 1 : 3);
    QCOMPARE(card["candidate"], nlohmann::json(record.candidate));
    QCOMPARE(card["costs"].size(), std::size_t{6}); // every built-in MCU profile

    // The .tflite: sound, close to the cost model's size, and Arm NN reproduces the vectors.
    const auto tflite = readFile(out / "model_int8.tflite");
    QCOMPARE(tfliteProblem(tflite), std::string());
    QCOMPARE(card["tflite"]["bytes"].get<std::size_t>(), tflite.size());
    const double ratio =
        static_cast<double>(tflite.size()) / card["tflite"]["cost_model_bytes"].get<double>();
    qInfo("tflite %zu bytes, cost model %lld (ratio %.3f)", tflite.size(),
          card["tflite"]["cost_model_bytes"].get<long long>(), ratio);
    ArmnnTflite armnn(tflite, "model_int8.tflite");
    for (int k = 0; k < 3; ++k) {
        const auto in = readFile(out / ("test_vectors/input_" + std::to_string(k) + ".bin"));
        const auto want = readFile(out / ("test_vectors/expected_" + std::to_string(k) + ".bin"));
        QCOMPARE(in.size(), armnn.inputSize());
        const auto got = armnn.run(std::vector<std::int8_t>(in.begin(), in.end()));
        QCOMPARE(got.size(), want.size());
        for (std::size_t c = 0; c < got.size(); ++c)
            QVERIFY(std::abs(got[c] - static_cast<std::int8_t>(want[c])) <= 2);
    }
    const auto& arm = card["checks"][0];
    QCOMPARE(arm["images"].get<int>(), 24);
    QVERIFY2(arm["largest_logit_difference"].get<double>() <= 2, arm.dump().c_str());
    QVERIFY2(arm["largest_softmax_difference"].get<double>() <= 1, arm.dump().c_str());
    const auto& opencv = card["checks"][1];
    QVERIFY2(opencv["largest_difference"].get<double>() <= opencv["tolerance"].get<double>(),
             opencv.dump().c_str());
    checkOnnxModel(readFile(out / "model_fp32.onnx"), "model_fp32.onnx");
    checkOnnxModel(readFile(out / "model_int8_qdq.onnx"), "model_int8_qdq.onnx");

    // model.pt reloads and scores what the card says.
    const auto e =
        cliRun({"eval", "--model", q(out / "model.pt"), "--dataset", q(path("squares")), "--json"});
    QVERIFY2(e.exitCode == 0, qPrintable(e.err));
    QCOMPARE(fixtures::parse(e.out)["accuracy"].get<double>(),
             val["float"]["accuracy"].get<double>());

    const auto html = QString::fromStdString(readFile(out / "report.html"));
    QVERIFY(html.contains(QStringLiteral("<svg")));
    QVERIFY(html.contains(QString::fromStdString(card["name"].get<std::string>())));
    for (const auto& entry : fs::directory_iterator(out.parent_path())) // no temporary left
        QVERIFY2(entry.path().filename().string().rfind("." + out.filename().string(), 0) ==
                     std::string::npos,
                 entry.path().c_str());
}

// The C files compile with the system compiler and hold the model's bytes; the resolver
// registers exactly the model's operators (checked with a resolver that records the calls).
void TestExport::generatedCCompiles() {
    const auto out = path("export-rgb");
    if (!fs::exists(out)) // run alone: export it here
        QCOMPARE(exportRun(QString::number(rgb_), out).exitCode, 0);
    const auto harness = path("harness.cc");
    fixtures::writeText(harness, R"(#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
enum TfLiteStatus { kTfLiteOk = 0 };
struct Recorder {
  std::string calls;
#define DNAS_CALL(name) TfLiteStatus name() { calls += #name " "; return kTfLiteOk; }
  DNAS_CALL(AddConv2D) DNAS_CALL(AddDepthwiseConv2D) DNAS_CALL(AddAdd)
  DNAS_CALL(AddAveragePool2D) DNAS_CALL(AddReshape) DNAS_CALL(AddFullyConnected)
  DNAS_CALL(AddSoftmax)
};
#include "model_data.h"
#include "model_settings.h"
#include "test_vectors/test_vectors.h"
int main(int, char** argv) {
  std::ifstream in(argv[1], std::ios::binary);
  std::string file((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (file.size() != g_model_data_len || std::memcmp(file.data(), g_model_data, file.size()))
    return 3;
  if (reinterpret_cast<unsigned long>(g_model_data) % 16 != 0) return 4;
  if (sizeof(g_test_input_0) != kInputSize) return 5;
  Recorder r;
  if (!RegisterModelOps(r)) return 6;
  std::printf("%d %s\n", kOpCount, r.calls.c_str());
  return 0;
}
)");
    const auto binary = path("harness");
    const auto c = fixtures::run(QStringLiteral("g++"),
                                 {"-std=c++17", "-Wall", "-Werror", "-I", q(out), q(harness),
                                  q(out / "model_data.cc"), "-o", q(binary)});
    QVERIFY2(c.exitCode == 0, qPrintable(c.err));
    const auto run = fixtures::run(q(binary), {q(out / "model_int8.tflite")});
    QCOMPARE(run.exitCode, 0);
    const auto card = nlohmann::json::parse(readFile(out / "model_card.json"));
    QString expected = QString::number(card["tflite"]["operators"].size()) + " ";
    for (const auto& op : card["tflite"]["operators"])
        expected += QString::fromStdString(op.get<std::string>()) + " ";
    QCOMPARE(run.out.trimmed(), expected.trimmed());
}

void TestExport::finetuningTrainsBeforeQuantising() {
    const auto out = path("export-finetuned");
    const auto r = exportRun(QString::number(rgb_), out, {"--finetune-epochs", "1"});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QVERIFY2(r.out.contains(QStringLiteral("before fine-tuning")), qPrintable(r.out));
    const auto card = nlohmann::json::parse(readFile(out / "model_card.json"));
    QCOMPARE(card["finetune"]["epochs"].get<int>(), 1);
    QVERIFY(card["finetune"]["steps"].get<int>() >= 1);
    QVERIFY(card["finetune"]["before"]["validation"].contains("accuracy"));
    // Other weights than the plain export of the same candidate.
    if (!fs::exists(path("export-rgb")))
        QCOMPARE(exportRun(QString::number(rgb_), path("export-rgb")).exitCode, 0);
    QVERIFY(readFile(out / "model.pt") != readFile(path("export-rgb") / "model.pt"));
    const auto e = cliRun({"eval", "--model", q(out / "model.pt"), "--json"});
    QVERIFY2(e.exitCode == 0, qPrintable(e.err));
    QCOMPARE(fixtures::parse(e.out)["accuracy"].get<double>(),
             card["accuracy"]["validation"]["float"]["accuracy"].get<double>());
}

void TestExport::exportsACandidateFileWithoutAStore() {
    const auto& rec = *std::find_if(records_.begin(), records_.end(),
                                    [this](const auto& r) { return r.id == gray_; });
    fixtures::writeText(path("candidate.json"), nlohmann::json(rec.candidate).dump());
    const auto out = path("export-file");
    const auto r = cliRun({"export", "--supernet", q(path("tiny.pt")), "--candidate",
                           q(path("candidate.json")), "--out", q(out), "--mcu", "rp2040",
                           "--check-images", "8", "--calibration-images", "32"});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    const auto card = nlohmann::json::parse(readFile(out / "model_card.json"));
    QCOMPARE(card["budgets"]["mcu"].get<std::string>(), std::string("rp2040"));
    QCOMPARE(card["candidate"], nlohmann::json(rec.candidate));
}

// A run scored by the paper's evaluator: the export fine-tunes the subnet as the search did
// (with gradients, which the rest of the export does without) and gets its accuracy.
void TestExport::exportsARunScoredByFineTuning() {
    auto r = cliRun({"search", "--dataset", q(path("squares")), "--supernet", q(path("tiny.pt")),
                     "--space", q(path("tiny_space.json")), "--mode", "dnas", "--max-evals", "2",
                     "--population", "2", "--evaluator", "finetune", "--calibration-images", "40",
                     "--store", q(path("finetune.db"))});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    const auto records = RunStore::open(path("finetune.db"))->candidates(1);
    const auto rec =
        std::find_if(records.begin(), records.end(), [](const auto& c) { return c.evaluated; });
    QVERIFY(rec != records.end());
    const auto out = path("export-finetune-run");
    r = cliRun({"export", "--store", q(path("finetune.db")), "--run", "1", "--candidate",
                QString::number(rec->id), "--out", q(out), "--check-images", "8"});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    const auto card = nlohmann::json::parse(readFile(out / "model_card.json"));
    const auto& val = card["accuracy"]["validation"]["float"];
    QVERIFY2(std::abs(val["accuracy"].get<double>() - rec->accuracy) <=
                 1.0 / val["samples"].get<double>(),
             val.dump().c_str());
}

void TestExport::badRequestsAreRefused() {
    fs::create_directories(path("existing"));
    fixtures::writeText(path("existing") / "keep.txt", "mine");
    expectOneLineError(exportRun(QString::number(rgb_), path("existing")),
                       QStringLiteral("already exists"));
    QCOMPARE(readFile(path("existing") / "keep.txt"), std::string("mine"));
    // --overwrite replaces earlier exports only, never a folder of the user's.
    expectOneLineError(exportRun(QString::number(rgb_), path("existing"), {"--overwrite"}),
                       QStringLiteral("is not an export of DNAS Studio"));
    QCOMPARE(readFile(path("existing") / "keep.txt"), std::string("mine"));
    expectOneLineError(exportRun(QString::number(rgb_), path(".")),
                       QStringLiteral("already exists"));
    expectOneLineError(exportRun(QStringLiteral("9999"), path("never")),
                       QStringLiteral("no candidate 9999"));
    expectOneLineError(exportRun(QStringLiteral("abc"), path("never")),
                       QStringLiteral("candidate id"));
    // Weights of another training run than the one the run was scored with.
    auto t = cliRun({"train-supernet", "--dataset", q(path("squares")), "--space",
                     q(path("tiny_space.json")), "--out", q(path("other.pt")), "--max-steps", "2",
                     "--batch-size", "8", "--no-eval", "--seed", "9"});
    QVERIFY2(t.exitCode == 0, qPrintable(t.err));
    expectOneLineError(
        exportRun(QString::number(rgb_), path("never"), {"--supernet", q(path("other.pt"))}),
        QStringLiteral("is not the supernet run 1 was scored with"));
    expectOneLineError(cliRun({"export", "--store", q(path("missing.db")), "--run", "1",
                               "--candidate", "1", "--out", q(path("never"))}),
                       QStringLiteral("run store does not exist"));
    QVERIFY(!fs::exists(path("never")));
    QVERIFY(!fs::exists(path("missing.db")));
}

void TestExport::fullDiskLeavesNothing() {
    fixtures::TmpfsMount disk(path("small-disk"), 96 * 1024);
    if (!disk.mounted())
        QSKIP(disk.error().c_str());
    const auto out = path("small-disk") / "export";
    expectOneLineError(exportRun(QString::number(rgb_), out), QStringLiteral("No space left"));
    QVERIFY(fs::is_empty(path("small-disk")));
}

void TestExport::overwriteReplacesOnlyWhenDone() {
    const auto out = path("replaced");
    // A trailing separator names the same folder.
    QCOMPARE(exportRun(QString::number(gray_), out.string() + "/").exitCode, 0);
    fixtures::writeText(out / "stale.txt", "old");
    const auto r = exportRun(QString::number(rgb_), out, {"--overwrite"});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QVERIFY(!fs::exists(out / "stale.txt"));
    const auto card = nlohmann::json::parse(readFile(out / "model_card.json"));
    QCOMPARE(card["provenance"]["candidate_id"].get<std::int64_t>(), rgb_);
    for (const auto& entry : fs::directory_iterator(dir_.path().toStdString()))
        QVERIFY2(entry.path().filename().string().find(".replaced.") == std::string::npos,
                 entry.path().c_str());
}

QTEST_GUILESS_MAIN(TestExport)
#include "tst_export.moc"
