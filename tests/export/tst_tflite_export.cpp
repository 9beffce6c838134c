// The int8 .tflite files DNAS Studio writes, checked by a runtime we did not write: Arm NN's
// TfLite parser on its CpuRef backend loads each file and computes, within an int8 step or
// two, what our LibTorch int8 reference computes - for RGB and grayscale inputs, kernels 3, 5
// and 7, blocks with and without shortcut, stride 2 on even and odd sizes, with and without
// the final 1x1 convolution. The flatbuffers verifier accepts every file; a truncated file
// and a wrong bias scale are refused, which shows the checks can fail.
#include <QtTest>

#include <cstring>

#include "common/error.h"
#include "export/armnn_runner.h"
#include "export/export_checks.h"
#include "export/graph_builder.h"
#include "export/int8_reference.h"
#include "export/quantise.h"
#include "export/tflite_writer.h"
#include "export_fixtures.h"
#include "tflite_subset_generated.h"

using namespace dnas;

namespace {

ExportGraph quantisedGraph(const ArchitectureSpec& spec, std::uint64_t seed) {
    auto net = fixtures::randomNet(spec, seed);
    auto graph = exportGraphOf(*net);
    calibrateGraph(graph, fixtures::randomImages(spec, 32, seed + 1));
    quantiseGraph(graph);
    return graph;
}

// The same graph ending at the logits: int8 logits are far more sensitive than saturated
// softmax outputs, so a wrong weight or padding cannot hide behind them.
ExportGraph logitsGraph(ExportGraph g) {
    g.ops.pop_back();
    g.output = g.logits;
    return g;
}

std::vector<std::int8_t> nhwc(const torch::Tensor& q, int row) {
    const auto t = q[row].permute({1, 2, 0}).contiguous();
    const auto* p = t.data_ptr<std::int8_t>();
    return {p, p + t.numel()};
}

// Largest |Arm NN - reference| in int8 steps over `n` random images.
int largestDifference(const ExportGraph& graph, const ArchitectureSpec& spec, bool logits) {
    const auto bytes = tfliteModel(graph, "test");
    const auto problem = tfliteProblem(bytes);
    if (!problem.empty())
        qFatal("%s", problem.c_str());
    ArmnnTflite armnn(bytes, "test.tflite");
    const auto x = fixtures::randomImages(spec, 8, 99);
    const auto q = quantiseInput(graph, x);
    const auto ref = runInt8Graph(graph, q);
    const auto& expected = logits ? ref.logits : ref.probabilities;
    int worst = 0;
    for (int i = 0; i < 8; ++i) {
        const auto got = armnn.run(nhwc(q, i));
        for (int c = 0; c < spec.classes; ++c)
            worst = std::max(worst, std::abs(got[static_cast<std::size_t>(c)] -
                                             expected[i][c].item<std::int8_t>()));
    }
    return worst;
}

} // namespace

class TestTfliteExport : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void armnnComputesWhatTheReferenceComputes_data();
    void armnnComputesWhatTheReferenceComputes();
    void fileFollowsTheFormat();
    void truncatedFileIsRefused();
    void wrongBiasScaleIsRefused();
    void exportCheckPassesTheWrittenFile();
    void exportCheckFailsOnAWrongClassifier();
    void exportCheckCatchesAWriterPaddingDefect_data();
    void exportCheckCatchesAWriterPaddingDefect();
};

void TestTfliteExport::armnnComputesWhatTheReferenceComputes_data() {
    QTest::addColumn<int>("resolution");
    QTest::addColumn<int>("channels");
    QTest::addColumn<bool>("head");
    QTest::newRow("rgb-even") << 16 << 3 << true;
    QTest::newRow("rgb-odd") << 15 << 3 << true;
    QTest::newRow("gray-even") << 12 << 1 << true;
    QTest::newRow("gray-odd-no-head") << 13 << 1 << false;
    QTest::newRow("rgb-even-no-head") << 24 << 3 << false;
}

void TestTfliteExport::armnnComputesWhatTheReferenceComputes() {
    QFETCH(int, resolution);
    QFETCH(int, channels);
    QFETCH(bool, head);
    const auto spec = fixtures::exportSpec(resolution, channels, head, 5);
    const auto graph = quantisedGraph(spec, 11);
    const int onLogits = largestDifference(logitsGraph(graph), spec, true);
    const int onProbabilities = largestDifference(graph, spec, false);
    qInfo("largest difference: %d int8 steps on logits, %d on probabilities", onLogits,
          onProbabilities);
    QVERIFY2(onLogits <= 2, qPrintable(QString::number(onLogits)));
    QVERIFY2(onProbabilities <= 2, qPrintable(QString::number(onProbabilities)));
}

// Identifier, version, empty buffer 0, 16-byte aligned constants, both operator codes, an
// options table on every operator, per-channel weights along the right dimension.
void TestTfliteExport::fileFollowsTheFormat() {
    const auto spec = fixtures::exportSpec(16, 3);
    const auto graph = quantisedGraph(spec, 5);
    const auto bytes = tfliteModel(graph, "format");
    QCOMPARE(bytes.substr(4, 4), std::string("TFL3"));
    QCOMPARE(tfliteProblem(bytes), std::string());
    const auto* model = dnas_tflite::GetModel(bytes.data());
    QCOMPARE(model->version(), 3u);
    QVERIFY(model->buffers()->Get(0)->data() == nullptr ||
            model->buffers()->Get(0)->data()->size() == 0);
    for (const auto* b : *model->buffers())
        if (b->data() && b->data()->size() > 0)
            QCOMPARE(reinterpret_cast<std::uintptr_t>(b->data()->data()) -
                             reinterpret_cast<std::uintptr_t>(bytes.data()) &
                         15u,
                     std::uintptr_t{0});
    for (const auto* code : *model->operator_codes())
        QCOMPARE(static_cast<int>(code->deprecated_builtin_code()),
                 static_cast<int>(code->builtin_code()));
    const auto* sub = model->subgraphs()->Get(0);
    for (const auto* op : *sub->operators()) {
        QVERIFY(op->builtin_options() != nullptr);
        const auto code = model->operator_codes()->Get(op->opcode_index())->builtin_code();
        if (code != dnas_tflite::BuiltinOperator::CONV_2D &&
            code != dnas_tflite::BuiltinOperator::DEPTHWISE_CONV_2D &&
            code != dnas_tflite::BuiltinOperator::FULLY_CONNECTED)
            continue;
        const auto* w = sub->tensors()->Get(static_cast<unsigned>(op->inputs()->Get(1)));
        const auto* bias = sub->tensors()->Get(static_cast<unsigned>(op->inputs()->Get(2)));
        QCOMPARE(w->type(), dnas_tflite::TensorType::INT8);
        QCOMPARE(bias->type(), dnas_tflite::TensorType::INT32);
        const int channels = code == dnas_tflite::BuiltinOperator::DEPTHWISE_CONV_2D
                                 ? w->shape()->Get(3)
                                 : w->shape()->Get(0);
        const auto scales = w->quantization()->scale()->size();
        QCOMPARE(static_cast<int>(scales),
                 code == dnas_tflite::BuiltinOperator::FULLY_CONNECTED ? 1 : channels);
        QCOMPARE(w->quantization()->quantized_dimension(),
                 code == dnas_tflite::BuiltinOperator::DEPTHWISE_CONV_2D ? 3 : 0);
        for (const auto z : *w->quantization()->zero_point())
            QCOMPARE(z, 0LL);
    }
    const auto calls = tfliteMicroResolverCalls(bytes);
    QCOMPARE(calls, (std::vector<std::string>{"AddConv2D", "AddDepthwiseConv2D", "AddAdd",
                                              "AddAveragePool2D", "AddReshape", "AddFullyConnected",
                                              "AddSoftmax"}));
}

void TestTfliteExport::truncatedFileIsRefused() {
    const auto spec = fixtures::exportSpec(12, 1);
    const auto bytes = tfliteModel(quantisedGraph(spec, 2), "truncated");
    for (const std::size_t keep : {bytes.size() / 2, bytes.size() - 16, std::size_t{40}}) {
        const auto cut = bytes.substr(0, keep);
        QVERIFY2(!tfliteProblem(cut).empty(), qPrintable(QString::number(keep)));
    }
    try {
        ArmnnTflite armnn(bytes.substr(0, bytes.size() / 2), "cut.tflite");
        QFAIL("Arm NN loaded a truncated model");
    } catch (const InputError& e) {
        QVERIFY2(QString::fromStdString(e.what()).contains("cut.tflite"), e.what());
    }
}

// The stem's first bias scale doubled in the file: still a sound flatbuffer, but not
// input scale x weight scale, which Arm NN's parser checks.
void TestTfliteExport::wrongBiasScaleIsRefused() {
    const auto spec = fixtures::exportSpec(16, 3);
    const auto graph = quantisedGraph(spec, 4);
    auto bytes = tfliteModel(graph, "bias");
    ArmnnTflite ok(bytes, "good.tflite"); // the file as written loads
    const auto& stem = graph.ops.front();
    const float scale = static_cast<float>(kInputScale * stem.weightScales[0]);
    char pattern[4];
    std::memcpy(pattern, &scale, 4);
    const auto at = bytes.find(std::string(pattern, 4));
    QVERIFY(at != std::string::npos);
    QVERIFY(bytes.find(std::string(pattern, 4), at + 1) == std::string::npos);
    const float wrong = scale * 2;
    std::memcpy(bytes.data() + at, &wrong, 4);
    QCOMPARE(tfliteProblem(bytes), std::string()); // the verifier cannot see it
    try {
        ArmnnTflite armnn(bytes, "bias.tflite");
        QFAIL("Arm NN loaded a model with a wrong bias scale");
    } catch (const InputError& e) {
        QVERIFY2(QString::fromStdString(e.what()).contains("bias.tflite"), e.what());
    }
}

namespace {

RuntimeCheck checkFile(const ExportGraph& graph, const std::string& tflite,
                       const ArchitectureSpec& spec, const TfliteWriter& write = tfliteModel) {
    const auto x = fixtures::randomImages(spec, 8, 99);
    const std::vector<std::size_t> samples(8, 0);
    const std::vector<int> labels(8, 0);
    std::vector<TestVector> vectors;
    return checkWithArmnn(graph, tflite, x, samples, labels, 0, vectors, write);
}

// The graph as a writer that pads every stride-2 depthwise convolution on the wrong side would
// write it: the kernel embedded at the top left of one two taps larger (SAME padding then pads
// one more row and column before), so each output reads the input shifted by one pixel - what
// TFLite's padding at the bottom / right computes when the top / left is padded instead.
ExportGraph withPaddingDefect(ExportGraph g) {
    for (auto& op : g.ops) {
        if (op.kind != ExportOpKind::DepthwiseConv2d || op.stride != 2)
            continue;
        const int k = op.kernel;
        const int wide = k + 2;
        const auto c = static_cast<std::size_t>(op.outChannels());
        std::vector<std::int8_t> q(static_cast<std::size_t>(wide * wide) * c, 0);
        std::vector<float> w(q.size(), 0.0F);
        for (int y = 0; y < k; ++y)
            for (int x = 0; x < k; ++x)
                for (std::size_t ch = 0; ch < c; ++ch) {
                    const auto from = static_cast<std::size_t>(y * k + x) * c + ch;
                    const auto to = static_cast<std::size_t>(y * wide + x) * c + ch;
                    q[to] = op.qweights[from];
                    w[to] = op.weights[from];
                }
        op.kernel = wide;
        op.weightShape = {1, wide, wide, static_cast<int>(c)};
        op.qweights = std::move(q);
        op.weights = std::move(w);
    }
    return g;
}

} // namespace

// The export's own Arm NN check on the file written from the graph: pooled features, the
// classifier on Arm NN's features and the softmax on its logits agree within their tolerances.
void TestTfliteExport::exportCheckPassesTheWrittenFile() {
    const auto spec = fixtures::exportSpec(16, 3, true, 5);
    const auto graph = quantisedGraph(spec, 11);
    const auto check = checkFile(graph, tfliteModel(graph, "ok"), spec);
    qInfo("each op %g, features %g, classifier %g, softmax %g, logits %g steps",
          check.largestOpDifference, check.largestFeatureDifference,
          check.largestClassifierDifference, check.largestSoftmaxDifference,
          check.largestLogitDifference);
    QCOMPARE(check.images, std::size_t{8});
    QVERIFY(check.largestFeatureDifference >= 0 && check.largestFeatureDifference <= 3);
    QVERIFY(check.largestClassifierDifference >= 0 && check.largestClassifierDifference <= 1);
    QVERIFY(check.largestOpDifference >= 0 && check.largestOpDifference <= 1);
}

// A file whose classifier differs from the graph's (the first class's weights negated) fails
// the check: its probabilities disagree with the softmax of the logits Arm NN computes with the
// graph's classifier. (The pooled features and logits come from models cut from the graph and
// written by the same writer: they check the writer and Arm NN against the reference, not each
// byte of the deployed file.)
void TestTfliteExport::exportCheckFailsOnAWrongClassifier() {
    const auto spec = fixtures::exportSpec(16, 3, true, 5);
    const auto graph = quantisedGraph(spec, 11);
    auto wrong = graph;
    auto& fc = wrong.ops[wrong.ops.size() - 2];
    QCOMPARE(fc.kind, ExportOpKind::FullyConnected);
    const std::size_t row = fc.qweights.size() / static_cast<std::size_t>(fc.outChannels());
    for (std::size_t i = 0; i < row; ++i)
        fc.qweights[i] = static_cast<std::int8_t>(-fc.qweights[i]);
    try {
        checkFile(graph, tfliteModel(wrong, "wrong"), spec);
        QFAIL("the check passed a file with a wrong classifier");
    } catch (const std::runtime_error& e) {
        qInfo("%s", e.what());
        QVERIFY(QString(e.what()).contains(QStringLiteral("export check failed")));
    }
}

void TestTfliteExport::exportCheckCatchesAWriterPaddingDefect_data() {
    QTest::addColumn<int>("resolution");
    QTest::newRow("16 px") << 16;
    QTest::newRow("32 px") << 32;
    QTest::newRow("64 px") << 64;
    QTest::newRow("96 px") << 96;
}

// A defect of the writer itself shows in the deployed file and in every model the check cuts
// from the graph and writes with it; the check must still fail, at every resolution: the op
// written alone against the reference (which does not use the writer). The pooled features
// alone would miss it at large resolutions (they moved by 16 steps at 16 px, 8 at 32, 4 at 64).
void TestTfliteExport::exportCheckCatchesAWriterPaddingDefect() {
    QFETCH(int, resolution);
    const auto spec = fixtures::exportSpec(resolution, 3, true, 5);
    const auto graph = quantisedGraph(spec, 11);
    const TfliteWriter defective = [](const ExportGraph& g, const std::string& name) {
        return tfliteModel(withPaddingDefect(g), name);
    };
    const auto ok = checkFile(graph, tfliteModel(graph, "ok"), spec);
    try {
        checkFile(graph, defective(graph, "defective"), spec, defective);
        QFAIL("the check passed a writer that pads on the wrong side");
    } catch (const std::runtime_error& e) {
        qInfo("written correctly: features within %g steps; defective: %s",
              ok.largestFeatureDifference, e.what());
        QVERIFY(QString(e.what()).contains(QStringLiteral("'block1_dw' alone")));
    }
}

QTEST_APPLESS_MAIN(TestTfliteExport)
#include "tst_tflite_export.moc"
