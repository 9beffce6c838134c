#include <set>

#include <QtTest>

#include <nlohmann/json.hpp>

#include "cost/network.h"
#include "report/cost_bands.h"

using namespace dnas;

namespace {

double macsOf(const SearchSpace& space, const Candidate& c) {
    const auto net = buildNetwork(space.decode(c, 10));
    double macs = 0;
    for (const auto& op : net.ops)
        macs += static_cast<double>(net.macs(op));
    return macs;
}

} // namespace

class TestCostBands : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void bandsHoldSimilarCostAcrossDataConfigurations();
    void sameSeedSameBands();
    void smallSpaceGivesWhatItHas();
};

void TestCostBands::bandsHoldSimilarCostAcrossDataConfigurations() {
    const auto space = SearchSpace::preset("demo");
    CostBandOptions o;
    o.pool = 3000;
    const auto bands = sampleCostBands(
        space, [&](const Candidate& c) { return macsOf(space, c); }, o);
    QCOMPARE(bands.size(), std::size_t{3});
    std::set<std::string> all;
    for (std::size_t b = 0; b < bands.size(); ++b) {
        const auto& band = bands[b];
        if (b > 0)
            QVERIFY(band.centre > bands[b - 1].high); // three separate bands, rising cost
        QCOMPARE(band.candidates.size(), std::size_t{10});
        std::set<std::string> data;
        for (const auto& c : band.candidates) {
            const double macs = macsOf(space, c);
            QVERIFY2(macs >= band.low && macs <= band.high, "a member outside its band");
            QVERIFY(space.check(c).empty());
            data.insert(std::to_string(c.data.resolution) + std::string(toString(c.data.colour)));
            QVERIFY2(all.insert(nlohmann::json(c).dump()).second, "a candidate taken twice");
        }
        // spread over data configurations: a band of similar MACs holds several of them
        QVERIFY2(data.size() >= 4, qPrintable(QString::number(data.size())));
    }
}

void TestCostBands::sameSeedSameBands() {
    const auto space = SearchSpace::preset("demo");
    auto cost = [&](const Candidate& c) {
        return macsOf(space, c);
    };
    CostBandOptions o;
    o.pool = 1000;
    const auto a = sampleCostBands(space, cost, o);
    const auto b = sampleCostBands(space, cost, o);
    o.seed = 2;
    const auto c = sampleCostBands(space, cost, o);
    QCOMPARE(nlohmann::json(a[1].candidates), nlohmann::json(b[1].candidates));
    QVERIFY(nlohmann::json(a[1].candidates) != nlohmann::json(c[1].candidates));
}

void TestCostBands::smallSpaceGivesWhatItHas() {
    // 3 candidates in all (one per resolution), cost = resolution: each band holds one
    auto space = SearchSpace::preset("demo");
    space.resolutions = {16, 24, 32};
    space.colours = {ColourMode::Rgb};
    space.widths = {0.5};
    for (auto& st : space.stages) {
        st.minDepth = st.maxDepth = 1;
        st.expansions = {st.expansions.front()};
        st.kernels = {st.kernels.front()};
    }
    space.finalize();
    CostBandOptions o;
    o.pool = 50;
    o.halfWidth = 0.05;
    const auto bands = sampleCostBands(
        space, [](const Candidate& c) { return double(c.data.resolution); }, o);
    QCOMPARE(bands.size(), std::size_t{3});
    for (const auto& band : bands)
        QCOMPARE(band.candidates.size(), std::size_t{1});
    QCOMPARE(bands[0].centre, 16.0);
    QCOMPARE(bands[2].centre, 32.0);
}

QTEST_APPLESS_MAIN(TestCostBands)
#include "tst_cost_bands.moc"
