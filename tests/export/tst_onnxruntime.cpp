// The exported ONNX models run by ONNX Runtime (the npm package onnxruntime-node, driven by
// tests/export/run_onnxruntime.js): the float model within 1e-4 of LibTorch, the QDQ int8
// model within 3/256 of our int8 reference. An optional heavy check: skipped, saying how to
// enable it, unless DNAS_ONNXRUNTIME_NODE_DIR names an installed onnxruntime-node
// (packaging/setup-onnxruntime.sh prints it).
#include <QtTest>

#include <fstream>

#include "export/graph_builder.h"
#include "export/int8_reference.h"
#include "export/onnx_writer.h"
#include "export/quantise.h"
#include "export_fixtures.h"
#include "support/cli_process.h"

using namespace dnas;
namespace fs = std::filesystem;

namespace {

void writeBytes(const fs::path& path, const void* data, std::size_t size) {
    std::ofstream out(path, std::ios::binary);
    out.write(static_cast<const char*>(data), static_cast<std::streamsize>(size));
}

std::vector<float> readFloats(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::vector<float> v(bytes.size() / 4);
    std::memcpy(v.data(), bytes.data(), v.size() * 4);
    return v;
}

} // namespace

class TestOnnxRuntime : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void onnxRuntimeRunsBothModels_data();
    void onnxRuntimeRunsBothModels();

private:
    QTemporaryDir dir_;
};

void TestOnnxRuntime::initTestCase() {
    const QByteArray where = qgetenv("DNAS_ONNXRUNTIME_NODE_DIR");
    if (where.isEmpty())
        QSKIP("ONNX Runtime check skipped: DNAS_ONNXRUNTIME_NODE_DIR is not set (run "
              "packaging/setup-onnxruntime.sh and export the variable it prints)");
    if (!fs::exists(fs::path(where.toStdString()) / "node_modules" / "onnxruntime-node"))
        QSKIP("ONNX Runtime check skipped: no node_modules/onnxruntime-node in "
              "DNAS_ONNXRUNTIME_NODE_DIR (run packaging/setup-onnxruntime.sh)");
    if (fixtures::run(QStringLiteral("node"), {QStringLiteral("--version")}).exitCode != 0)
        QSKIP("ONNX Runtime check skipped: node is not installed");
}

void TestOnnxRuntime::onnxRuntimeRunsBothModels_data() {
    QTest::addColumn<int>("resolution");
    QTest::addColumn<int>("channels");
    QTest::newRow("rgb-even") << 16 << 3;
    QTest::newRow("gray-odd") << 13 << 1;
}

void TestOnnxRuntime::onnxRuntimeRunsBothModels() {
    QFETCH(int, resolution);
    QFETCH(int, channels);
    const auto spec = fixtures::exportSpec(resolution, channels, true, 4);
    auto net = fixtures::randomNet(spec, 21);
    auto graph = exportGraphOf(*net);
    calibrateGraph(graph, fixtures::randomImages(spec, 32, 22));
    quantiseGraph(graph);
    const int n = 6;
    const auto x = fixtures::randomImages(spec, n, 23).contiguous();
    const fs::path dir = dir_.path().toStdString();
    const auto input = dir / "input.bin";
    writeBytes(input, x.data_ptr<float>(), static_cast<std::size_t>(x.numel()) * 4);
    const auto expected = runFloatGraph(graph, x).contiguous();
    const auto int8 = runInt8Graph(graph, quantiseInput(graph, x)).probabilities;
    const auto int8Probs = ((int8.to(torch::kFloat32) + 128) / 256).contiguous();
    for (const bool qdq : {false, true}) {
        const auto model = dir / (qdq ? "qdq.onnx" : "float.onnx");
        const auto bytes = qdq ? onnxQdqModel(graph) : onnxFloatModel(graph);
        writeBytes(model, bytes.data(), bytes.size());
        const auto output = dir / "output.bin";
        const auto r = fixtures::run(
            QStringLiteral("node"),
            {QStringLiteral(DNAS_SOURCE_DIR "/tests/export/run_onnxruntime.js"),
             QString::fromStdString(model.string()), QString::fromStdString(input.string()),
             QString::number(n), QString::number(channels), QString::number(resolution),
             QString::number(resolution), QString::fromStdString(output.string())});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const auto got = readFloats(output);
        QCOMPARE(got.size(), static_cast<std::size_t>(n * 4));
        const auto& want = qdq ? int8Probs : expected;
        const float* w = want.data_ptr<float>();
        double worst = 0;
        for (std::size_t i = 0; i < got.size(); ++i)
            worst = std::max(worst, std::abs(static_cast<double>(got[i] - w[i])));
        qInfo("%s model: largest difference %.3g", qdq ? "QDQ" : "float", worst);
        QVERIFY2(worst <= (qdq ? 3.0 / 256 : 1e-4), qPrintable(QString::number(worst)));
    }
}

QTEST_GUILESS_MAIN(TestOnnxRuntime)
#include "tst_onnxruntime.moc"
