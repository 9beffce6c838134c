#include <cmath>

#include <QtTest>

#include "support/printers.h"

#include "cost/network.h"
#include "space/architecture.h"

using namespace dnas;

namespace {

ParamCount convBiases(const Network& net) {
    ParamCount n = 0;
    for (const auto& op : net.ops)
        if (op.kind != OpKind::FullyConnected)
            n += net.biases(op);
    return n;
}

Macs totalMacs(const Network& net) {
    Macs n = 0;
    for (const auto& op : net.ops)
        n += net.macs(op);
    return n;
}

ParamCount totalParams(const Network& net) {
    ParamCount n = 0;
    for (const auto& op : net.ops)
        n += net.weights(op) + net.biases(op);
    return n;
}

} // namespace

class TestNetworkCosts : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void publishedMobileNetV2_data();
    void publishedMobileNetV2();
    void channelRounding();
    void structureOfStandardNetwork();
    void residualAddsWhereShapesMatch();
    void grayscaleStemHasOneInputChannel();
};

// TensorFlow-Slim's MobileNetV2 checkpoint table (tensorflow/models,
// research/slim/nets/mobilenet/README.md): million MACs (truncated to an integer) and million
// parameters (convolution weights plus the 1000-class classifier, batch norm not counted),
// 1000 classes, RGB. Sandler et al. 2018 report the same 300 M MACs / 3.4 M for 1.0 at 224.
void TestNetworkCosts::publishedMobileNetV2_data() {
    QTest::addColumn<double>("width");
    QTest::addColumn<int>("resolution");
    QTest::addColumn<int>("macsMillions");
    QTest::addColumn<double>("paramsMillions");
    const struct {
        double w;
        int r;
        int macs;
        double params;
    } rows[] = {
        {1.4, 224, 582, 6.06},  {1.3, 224, 509, 5.34},  {1.0, 224, 300, 3.47},
        {1.0, 192, 221, 3.47},  {1.0, 160, 154, 3.47},  {1.0, 128, 99, 3.47},
        {1.0, 96, 56, 3.47},    {0.75, 224, 209, 2.61}, {0.75, 192, 153, 2.61},
        {0.75, 160, 107, 2.61}, {0.75, 128, 69, 2.61},  {0.75, 96, 39, 2.61},
        {0.5, 224, 97, 1.95},   {0.5, 192, 71, 1.95},   {0.5, 160, 50, 1.95},
        {0.5, 128, 32, 1.95},   {0.5, 96, 18, 1.95},    {0.35, 224, 59, 1.66},
        {0.35, 192, 43, 1.66},  {0.35, 160, 30, 1.66},  {0.35, 128, 20, 1.66},
        {0.35, 96, 11, 1.66},
    };
    for (const auto& row : rows)
        QTest::addRow("%.2f_%d", row.w, row.r) << row.w << row.r << row.macs << row.params;
}

void TestNetworkCosts::publishedMobileNetV2() {
    QFETCH(double, width);
    QFETCH(int, resolution);
    QFETCH(int, macsMillions);
    QFETCH(double, paramsMillions);
    const Network net = buildNetwork(mobileNetV2(width, resolution, 1000, 3));
    QCOMPARE(static_cast<int>(std::floor(static_cast<double>(totalMacs(net)) / 1e6)), macsMillions);
    const double params = static_cast<double>(totalParams(net) - convBiases(net)) / 1e6;
    QVERIFY2(
        std::abs(params - paramsMillions) <= 0.006,
        qPrintable(
            QStringLiteral("%1 M parameters, published %2 M").arg(params).arg(paramsMillions)));
}

void TestNetworkCosts::channelRounding() {
    QCOMPARE(makeDivisible(32 * 0.35), 16); // 11.2 rounds to 8, which is < 90 %: one more step
    QCOMPARE(makeDivisible(16 * 0.35), 8);
    QCOMPARE(makeDivisible(24 * 0.75), 24); // 18 -> 16 is < 90 % of 18 -> 24
    QCOMPARE(makeDivisible(320 * 1.4), 448);
    const auto small = mobileNetV2(0.35, 96, 2, 3);
    QCOMPARE(small.stemChannels, 16);
    QCOMPARE(small.lastChannels, 1280); // width <= 1 keeps 1280
    QCOMPARE(mobileNetV2(1.4, 224, 2, 3).lastChannels, 1792);
}

void TestNetworkCosts::structureOfStandardNetwork() {
    const Network net = buildNetwork(mobileNetV2(1.0, 224, 1000, 3));
    // stem + block 0 (dw, project) + 16 blocks x 3 convs + 10 adds + head conv, pool, fc
    QCOMPARE(static_cast<int>(net.ops.size()), 1 + 2 + 16 * 3 + 10 + 3);
    QCOMPARE(static_cast<int>(net.tensors.size()), static_cast<int>(net.ops.size()) + 1);
    QVERIFY(net.ops.front().kind == OpKind::Conv2D);
    QCOMPARE(net.outputOf(net.ops.front()), (TensorShape{112, 112, 32}));
    QVERIFY(net.ops.back().kind == OpKind::FullyConnected);
    QCOMPARE(net.outputOf(net.ops.back()), (TensorShape{1, 1, 1000}));
    // The final feature map is 7x7x1280 at 224 px (total stride 32).
    const auto& pool = net.ops[net.ops.size() - 2];
    QCOMPARE(net.inputOf(pool), (TensorShape{7, 7, 1280}));
    // Every op reads only tensors written before it.
    for (std::size_t i = 0; i < net.ops.size(); ++i)
        for (int t : net.ops[i].inputs)
            QVERIFY(t < net.ops[i].output);
}

void TestNetworkCosts::residualAddsWhereShapesMatch() {
    const Network net = buildNetwork(mobileNetV2(1.0, 224, 1000, 3));
    int adds = 0;
    for (const auto& op : net.ops) {
        if (op.kind != OpKind::Add)
            continue;
        ++adds;
        QCOMPARE(net.inputOf(op, 0), net.inputOf(op, 1));
        QCOMPARE(net.macs(op), Macs{0});
    }
    QCOMPARE(adds, 10); // 1 + 2 + 3 + 2 + 2 repeated blocks with stride 1 and equal channels
    auto spec = mobileNetV2(1.0, 224, 1000, 3);
    spec.residuals = false;
    for (const auto& op : buildNetwork(spec).ops)
        QVERIFY(op.kind != OpKind::Add);
}

void TestNetworkCosts::grayscaleStemHasOneInputChannel() {
    const Network rgb = buildNetwork(mobileNetV2(0.5, 96, 2, 3));
    const Network gray = buildNetwork(mobileNetV2(0.5, 96, 2, 1));
    QCOMPARE(gray.tensors[0].channels, 1);
    QCOMPARE(rgb.weights(rgb.ops[0]) - gray.weights(gray.ops[0]), ParamCount{2 * 9 * 16});
    QCOMPARE(totalMacs(rgb) - totalMacs(gray), Macs{2} * 48 * 48 * 9 * 16);
}

QTEST_APPLESS_MAIN(TestNetworkCosts)
#include "tst_network_costs.moc"
