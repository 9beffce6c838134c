// The deployed form of a static network before it is written to any file: SAME padding,
// batch norm folded, ReLU6 fused, int8 quantisation as TFLite Micro's kernels expect, and the
// int8 reference computation that the exported files are checked against.
#include <QtTest>

#include <cmath>

#include "export/graph_builder.h"
#include "export/int8_reference.h"
#include "export/quantise.h"
#include "export_fixtures.h"
#include "space/architecture.h"
#include "supernet/elastic_conv_bn.h"

using namespace dnas;

class TestExportGraph : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void samePaddingPutsTheOddPixelAfter();
    void convolutionPadsLikeTflite();
    void foldedGraphComputesTheNetwork_data();
    void foldedGraphComputesTheNetwork();
    void quantisationFollowsTfliteMicro();
    void int8ReferenceFollowsTheFloatGraph_data();
    void int8ReferenceFollowsTheFloatGraph();
};

void TestExportGraph::samePaddingPutsTheOddPixelAfter() {
    QCOMPARE(samePadding(12, 3, 2), (Padding{0, 1}));
    QCOMPARE(samePadding(12, 5, 2), (Padding{1, 2}));
    QCOMPARE(samePadding(12, 7, 2), (Padding{2, 3}));
    QCOMPARE(samePadding(11, 3, 2), (Padding{1, 1})); // odd size: symmetric
    QCOMPARE(samePadding(11, 7, 2), (Padding{3, 3}));
    QCOMPARE(samePadding(10, 5, 1), (Padding{2, 2}));
    QCOMPARE(samePadding(1, 3, 2), (Padding{1, 1}));
}

// A 3x3 kernel at stride 2 on a 4x4 input: TFLite's first output sees rows and columns 0-2
// (no padding before), PyTorch's padding=1 would see -1..1.
void TestExportGraph::convolutionPadsLikeTflite() {
    const auto x = torch::arange(16, torch::kFloat32).view({1, 1, 4, 4});
    const auto w = torch::ones({1, 1, 3, 3});
    const auto y = conv2dSame(x, w, 2, 1);
    QCOMPARE(y.size(2), 2L);
    QCOMPARE(y[0][0][0][0].item<float>(), x.slice(2, 0, 3).slice(3, 0, 3).sum().item<float>());
    // Last output: rows / columns 2, 3 and one padded row / column.
    QCOMPARE(y[0][0][1][1].item<float>(), x.slice(2, 2, 4).slice(3, 2, 4).sum().item<float>());
    const auto symmetric = torch::conv2d(x, w, {}, 2, 1);
    QVERIFY(!torch::allclose(y, symmetric));
    // Odd size: the same as symmetric padding.
    const auto odd = torch::arange(25, torch::kFloat32).view({1, 1, 5, 5});
    QVERIFY(torch::equal(conv2dSame(odd, w, 2, 1), torch::conv2d(odd, w, {}, 2, 1)));
}

void TestExportGraph::foldedGraphComputesTheNetwork_data() {
    QTest::addColumn<int>("resolution");
    QTest::addColumn<int>("channels");
    QTest::addColumn<bool>("head");
    QTest::newRow("rgb-even") << 16 << 3 << true;
    QTest::newRow("rgb-odd") << 13 << 3 << true;
    QTest::newRow("gray-even") << 20 << 1 << true;
    QTest::newRow("gray-odd-no-head") << 11 << 1 << false;
}

void TestExportGraph::foldedGraphComputesTheNetwork() {
    QFETCH(int, resolution);
    QFETCH(int, channels);
    QFETCH(bool, head);
    const auto spec = fixtures::exportSpec(resolution, channels, head);
    auto net = fixtures::randomNet(spec, 7);
    const auto graph = exportGraphOf(*net);
    const auto x = fixtures::randomImages(spec, 6, 8);
    torch::NoGradGuard noGrad;
    const auto expected = torch::softmax(net->forward(x), 1);
    const auto got = runFloatGraph(graph, x);
    QVERIFY2(torch::allclose(got, expected, 1e-5, 1e-6),
             qPrintable(QString::number((got - expected).abs().max().item<double>())));
    // One op per layer: stem, 3 + 4 expand/dw/project minus the unexpanded block's expand,
    // 2 shortcuts, head, pool, fully connected, softmax.
    int adds = 0;
    for (const auto& op : graph.ops)
        adds += op.kind == ExportOpKind::Add;
    QCOMPARE(adds, 2);
    QCOMPARE(static_cast<int>(graph.ops.size()), 1 + 11 + 2 + (head ? 1 : 0) + 3);
    QCOMPARE(graph.tensors[static_cast<std::size_t>(graph.input)].shape,
             (std::vector<int>{1, resolution, resolution, channels}));
    const int after = (((resolution + 1) / 2 + 1) / 2 + 1) / 2;
    const auto& last =
        graph.tensors[static_cast<std::size_t>(graph.ops[graph.ops.size() - 4].output)];
    QCOMPARE(last.shape[1], after);
}

void TestExportGraph::quantisationFollowsTfliteMicro() {
    const auto spec = fixtures::exportSpec(16, 3);
    auto net = fixtures::randomNet(spec, 1);
    {
        // A channel batch norm all but switched off: folded weights ~1e-10, bias ~beta, which
        // at the usual weight scale would overflow int32.
        torch::NoGradGuard noGrad;
        net->stemBn->weight[0] = 1e-10;
        net->stemBn->bias[0] = 0.5;
    }
    auto graph = exportGraphOf(*net);
    QVERIFY(!graph.quantised());
    calibrateGraph(graph, fixtures::randomImages(spec, 16, 2));
    quantiseGraph(graph);
    QVERIFY(graph.quantised());
    const auto& input = graph.tensors[static_cast<std::size_t>(graph.input)].quant;
    QCOMPARE(input.scale, 1.0 / 128);
    QCOMPARE(input.zeroPoint, 0);
    const auto& out = graph.tensors[static_cast<std::size_t>(graph.output)].quant;
    QCOMPARE(out.scale, 1.0 / 256);
    QCOMPARE(out.zeroPoint, -128);
    for (const auto& op : graph.ops) {
        const auto& in = graph.tensors[static_cast<std::size_t>(op.inputs[0])];
        const auto& o = graph.tensors[static_cast<std::size_t>(op.output)];
        // Real 0 is exact and the calibrated range fits, to half a step (the zero point is
        // rounded to an integer, which shifts the range by up to that).
        QVERIFY(o.quant.zeroPoint >= -128 && o.quant.zeroPoint <= 127);
        const double half = o.quant.scale / 2 + 1e-7;
        QVERIFY(o.quant.scale * (127 - o.quant.zeroPoint) >= o.max - half);
        QVERIFY(o.quant.scale * (-128 - o.quant.zeroPoint) <= o.min + half);
        if (op.kind != ExportOpKind::Softmax && op.kind != ExportOpKind::GlobalAveragePool)
            QVERIFY(o.quant.scale <= (o.max - std::min(o.min, 0.0f)) / 255 + 1e-9 || o.max <= 0);
        if (op.relu6)
            QCOMPARE(o.quant.zeroPoint, -128);
        if (op.kind == ExportOpKind::GlobalAveragePool) {
            QCOMPARE(o.quant.scale, in.quant.scale);
            QCOMPARE(o.quant.zeroPoint, in.quant.zeroPoint);
        }
        if (op.weights.empty())
            continue;
        const bool fc = op.kind == ExportOpKind::FullyConnected;
        QCOMPARE(op.weightScales.size(),
                 fc ? std::size_t{1} : static_cast<std::size_t>(op.outChannels()));
        QCOMPARE(op.qweights.size(), op.weights.size());
        const auto channels = static_cast<std::size_t>(op.outChannels());
        std::vector<int> maxAbs(op.weightScales.size(), 0);
        for (std::size_t i = 0; i < op.qweights.size(); ++i) {
            const int q = op.qweights[i];
            QVERIFY(q >= -127 && q <= 127);
            const std::size_t c = fc ? 0
                                  : op.kind == ExportOpKind::DepthwiseConv2d
                                      ? i % channels
                                      : i / (op.weights.size() / channels);
            maxAbs[c] = std::max(maxAbs[c], std::abs(q));
            QVERIFY(std::fabs(q * op.weightScales[c] - op.weights[i]) <=
                    op.weightScales[c] / 2 + 1e-9);
        }
        for (std::size_t c = 0; c < maxAbs.size(); ++c) {
            double floatMax = 0;
            for (std::size_t i = 0; i < op.weights.size(); ++i)
                if ((fc ? 0
                     : op.kind == ExportOpKind::DepthwiseConv2d
                         ? i % channels
                         : i / (op.weights.size() / channels)) == c)
                    floatMax = std::max(floatMax, std::fabs(static_cast<double>(op.weights[i])));
            if (op.weightScales[c] <= floatMax / 127 * (1 + 1e-9))
                QCOMPARE(maxAbs[c], 127); // each scale spends the whole range...
            else // ...unless raised so that the bias fits int32 (the switched-off channel)
                QVERIFY(std::abs(op.qbias[c]) > (1 << 30));
        }
        for (std::size_t c = 0; c < op.bias.size(); ++c) {
            const double s = in.quant.scale * op.weightScales[fc ? 0 : c];
            QVERIFY(std::fabs(op.qbias[c] * s - op.bias[c]) <= s / 2 + 1e-9);
        }
    }
}

void TestExportGraph::int8ReferenceFollowsTheFloatGraph_data() {
    QTest::addColumn<int>("resolution");
    QTest::addColumn<int>("channels");
    QTest::newRow("rgb-even") << 16 << 3;
    QTest::newRow("gray-odd") << 15 << 1;
}

// The int8 computation approximates the float one (it is only a reference if it does): the
// logits agree within a few per cent of their range, and the input is exactly pixel - 128.
void TestExportGraph::int8ReferenceFollowsTheFloatGraph() {
    QFETCH(int, resolution);
    QFETCH(int, channels);
    const auto spec = fixtures::exportSpec(resolution, channels);
    auto net = fixtures::randomNet(spec, 3);
    auto graph = exportGraphOf(*net);
    const auto calibration = fixtures::randomImages(spec, 32, 4);
    calibrateGraph(graph, calibration);
    quantiseGraph(graph);
    const auto x = fixtures::randomImages(spec, 16, 5);
    const auto q = quantiseInput(graph, x);
    QCOMPARE(q.scalar_type(), torch::kInt8);
    QVERIFY(torch::equal(q.to(torch::kFloat32), x * 128));
    const auto out = runInt8Graph(graph, q);
    torch::Tensor floatLogits;
    runFloatGraph(graph, x, [&](int id, const torch::Tensor& v) {
        if (id == graph.logits)
            floatLogits = v;
    });
    const auto& lq = graph.tensors[static_cast<std::size_t>(graph.logits)];
    const auto logits = (out.logits.to(torch::kFloat32) - lq.quant.zeroPoint) * lq.quant.scale;
    const double range = lq.max - lq.min;
    const double err = (logits - floatLogits).abs().max().item<double>();
    QVERIFY2(err < 0.05 * range, qPrintable(QString("%1 of %2").arg(err).arg(range)));
    const auto probs = (out.probabilities.to(torch::kFloat32) + 128) / 256;
    const auto floatProbs = torch::softmax(floatLogits, 1);
    QVERIFY2((probs - floatProbs).abs().max().item<double>() < 0.05,
             qPrintable(QString::number((probs - floatProbs).abs().max().item<double>())));
}

QTEST_APPLESS_MAIN(TestExportGraph)
#include "tst_export_graph.moc"
