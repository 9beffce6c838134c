#include <set>

#include <QtTest>

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include "common/rng.h"
#include "space/search_space.h"
#include "supernet/static_net.h"
#include "supernet/supernet.h"

using namespace dnas;

namespace {

// Gives every batch-norm layer non-trivial statistics and affine parameters, so that slicing
// mistakes show in the outputs.
void randomiseBatchNorm(torch::nn::Module& module, std::uint64_t seed) {
    torch::manual_seed(static_cast<std::int64_t>(seed));
    torch::NoGradGuard noGrad;
    for (auto& m : module.modules()) {
        if (auto* bn = dynamic_cast<ElasticConvBnImpl*>(m.get())) {
            bn->runningMean.normal_(0, 0.2);
            bn->runningVar.uniform_(0.5, 1.5);
            bn->gamma.uniform_(0.5, 1.5);
            bn->beta.normal_(0, 0.2);
        }
    }
}

double maxDifference(Supernet& supernet, const Candidate& c, int resolution) {
    const auto input = torch::randn({2, channelsOf(c.data.colour), resolution, resolution});
    auto net = extractSubnet(*supernet, c);
    net->eval();
    torch::NoGradGuard noGrad;
    const auto expected = supernet->forward(input, c);
    const auto actual = net->forward(input);
    return (expected - actual).abs().max().item<double>();
}

} // namespace

class TestSupernet : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { torch::set_num_threads(2); }
    void extractionEqualsSupernet_data();
    void extractionEqualsSupernet();
    void grayscaleStemIsSummedRgbStem();
    void slicesTakeFirstChannelsAndKernelCentre();
    void extractedNetIsIndependent();
    void extractedNetMatchesTheSpec();
};

void TestSupernet::extractionEqualsSupernet_data() {
    QTest::addColumn<QString>("space");
    QTest::addColumn<int>("samples");
    QTest::addColumn<int>("resolution");
    QTest::addRow("demo") << "demo" << 40 << 20;
    QTest::addRow("default") << "default" << 16 << 40;
    QTest::addRow("paper") << "paper" << 16 << 40;
}

// Extraction must give the supernet's active subnet exactly (max abs difference <= 1e-5) for
// sampled candidates covering grayscale, every kernel size and depth-0 stages.
void TestSupernet::extractionEqualsSupernet() {
    QFETCH(QString, space);
    QFETCH(int, samples);
    QFETCH(int, resolution);
    const auto s = SearchSpace::preset(space.toStdString());
    Supernet supernet(s, 3);
    randomiseBatchNorm(*supernet, 1);
    supernet->eval();
    Rng rng(17);
    std::set<int> kernels;
    bool gray = false, rgb = false, emptyStage = false;
    std::vector<Candidate> candidates = {s.largest(), s.smallest()};
    for (int i = 0; i < samples; ++i)
        candidates.push_back(s.sample(rng));
    for (auto c : candidates) {
        c.data.resolution =
            resolution; // small inputs keep the test fast; the net is fully convolutional
        gray = gray || c.data.colour == ColourMode::Grayscale;
        rgb = rgb || c.data.colour == ColourMode::Rgb;
        for (std::size_t st = 0; st < s.stages.size(); ++st) {
            emptyStage = emptyStage || c.arch.depths[st] == 0;
            for (int d = 0; d < c.arch.depths[st]; ++d)
                kernels.insert(c.arch.blocks[s.slotOffset(st) + d].kernel);
        }
        const double diff = maxDifference(supernet, c, resolution);
        const nlohmann::json j = c;
        QVERIFY2(diff <= 1e-5, qPrintable(QStringLiteral("difference %1 for %2")
                                              .arg(diff)
                                              .arg(QString::fromStdString(j.dump()))));
    }
    QVERIFY(gray && rgb);
    QVERIFY(emptyStage);
    std::set<int> allKernels;
    for (const auto& st : s.stages)
        allKernels.insert(st.kernels.begin(), st.kernels.end());
    QCOMPARE(kernels, allKernels);
}

void TestSupernet::grayscaleStemIsSummedRgbStem() {
    const auto s = SearchSpace::preset("demo");
    Supernet supernet(s, 4);
    randomiseBatchNorm(*supernet, 2);
    supernet->eval();
    Candidate gray = s.largest();
    gray.data = {24, ColourMode::Grayscale};
    Candidate rgb = gray;
    rgb.data.colour = ColourMode::Rgb;
    const auto image = torch::randn({3, 1, 24, 24});
    torch::NoGradGuard noGrad;
    const auto fromGray = supernet->forward(image, gray);
    const auto fromReplicated = supernet->forward(image.expand({3, 3, 24, 24}).contiguous(), rgb);
    QVERIFY((fromGray - fromReplicated).abs().max().item<double>() < 1e-5);
    auto net = extractSubnet(*supernet, gray);
    QCOMPARE(net->stem->weight.size(1), std::int64_t{1});
}

void TestSupernet::slicesTakeFirstChannelsAndKernelCentre() {
    ElasticConvBn dw(12, 12, 7, true);
    ElasticConvBn pw(10, 6, 1, false);
    ElasticConvBn stem(3, 8, 3, false);
    // Depthwise 3x3 of the first 5 channels = rows 0..4, the central 3x3 of the 7x7 kernel.
    QVERIFY(torch::equal(dw->activeWeight(5, 5, 3),
                         dw->weight.slice(0, 0, 5).slice(2, 2, 5).slice(3, 2, 5)));
    QVERIFY(torch::equal(dw->activeWeight(12, 12, 5), dw->weight.slice(2, 1, 6).slice(3, 1, 6)));
    QVERIFY(torch::equal(pw->activeWeight(4, 3, 1), pw->weight.slice(0, 0, 3).slice(1, 0, 4)));
    QVERIFY(torch::allclose(stem->activeWeight(1, 8, 3), stem->weight.sum(1, true)));
    // A smaller active size computes on the first channels only.
    dw->eval();
    const auto x = torch::randn({1, 12, 9, 9});
    torch::NoGradGuard noGrad;
    const auto full = dw->forward(x, 12, 12, 7, 1);
    const auto part = dw->forward(x.slice(1, 0, 5), 5, 5, 7, 1);
    QVERIFY(torch::allclose(full.slice(1, 0, 5), part, 1e-5, 1e-6));
}

void TestSupernet::extractedNetIsIndependent() {
    const auto s = SearchSpace::preset("demo");
    Supernet supernet(s, 2);
    Candidate c = s.smallest();
    c.data.resolution = 16;
    auto net = extractSubnet(*supernet, c);
    const auto before = supernet->stem->weight.clone();
    {
        torch::NoGradGuard noGrad;
        net->stem->weight.add_(1.0);
        net->stemBn->running_mean.add_(1.0);
    }
    QVERIFY(torch::equal(supernet->stem->weight, before));
    QVERIFY(supernet->stem->runningMean.abs().sum().item<double>() == 0.0);
}

void TestSupernet::extractedNetMatchesTheSpec() {
    const auto s = SearchSpace::preset("default");
    Supernet supernet(s, 10);
    Rng rng(3);
    const auto c = s.sample(rng);
    const auto spec = s.decode(c, 10);
    auto net = extractSubnet(*supernet, c);
    QCOMPARE(net->blocks.size(), spec.blocks.size());
    std::int64_t params = 0;
    for (const auto& p : net->parameters())
        params += p.numel();
    // Conv weights + two batch-norm vectors per channel + classifier: the cost model's
    // parameter count (weights + one bias per channel) plus one vector per conv channel.
    std::int64_t convChannels = spec.stemChannels + spec.lastChannels;
    for (std::size_t i = 0; i < spec.blocks.size(); ++i) {
        const bool expands =
            spec.blocks[i].expansion != 1 || spec.expandedChannels(i) != spec.blockInputChannels(i);
        convChannels += (expands ? spec.expandedChannels(i) : 0) + spec.expandedChannels(i) +
                        spec.blocks[i].outChannels;
    }
    std::int64_t weights = 0;
    const auto& stemW = net->stem->weight;
    weights += stemW.numel();
    for (const auto& b : net->blocks) {
        if (!b.expand.is_empty())
            weights += b.expand->weight.numel();
        weights += b.depthwise->weight.numel() + b.project->weight.numel();
    }
    if (!net->headConv.is_empty())
        weights += net->headConv->weight.numel();
    weights += net->classifier->weight.numel() + net->classifier->bias.numel();
    QCOMPARE(params, weights + 2 * convChannels);
}

QTEST_APPLESS_MAIN(TestSupernet)
#include "tst_supernet.moc"
