// Does a search on a trained supernet find better candidates than its first generation? The
// tiny space and the generated squares dataset of tests/support/image_fixtures.h, with a
// supernet trained here for a few dozen steps, searched by the real engine.

#include <algorithm>

#include <QtTest>

#include <torch/torch.h>

#include "common/json_document.h"
#include "cost/cost_model.h"
#include "cost/mcu_catalog.h"
#include "data/dataset_loader.h"
#include "data/image_cache.h"
#include "engine/search_engine.h"
#include "support/image_fixtures.h"
#include "support/tiny_supernet.h"
#include "train/supernet_trainer.h"

using namespace dnas;
namespace fs = std::filesystem;

namespace {

class LastFrontier : public SearchObserver {
public:
    std::vector<CandidateRecord> front;
    void frontier(const std::string&, const std::vector<CandidateRecord>& records) override {
        front = records;
    }
};

} // namespace

class TestSearchQuality : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void frontierImprovesOnTheFirstGeneration_data();
    void frontierImprovesOnTheFirstGeneration();

private:
    QTemporaryDir dir_;
    std::shared_ptr<Dataset> dataset_;
    std::unique_ptr<ImageCache> cache_;
    Supernet supernet_{nullptr};
};

void TestSearchQuality::initTestCase() {
    torch::set_num_threads(1); // the same weights on every machine
    dataset_ = loadDataset(
        fixtures::writeSquaresDataset(fs::path(dir_.path().toStdString()) / "sq").string(), {});
    cache_ = std::make_unique<ImageCache>(dataset_, ImageCache::Options{});
    supernet_ = fixtures::trainedTinySupernet(dataset_, *cache_, 60);
}

void TestSearchQuality::frontierImprovesOnTheFirstGeneration_data() {
    QTest::addColumn<QString>("strategy");
    QTest::addRow("nsga2") << "nsga2";
    QTest::addRow("paper-ga") << "paper-ga";
}

// NSGA-II (population 4) and the paper's GA (population 6) for 7 generations each on the tiny
// space: the hypervolume after the last generation is larger than after the
// first, and the final frontier has a member bred in a later generation.
void TestSearchQuality::frontierImprovesOnTheFirstGeneration() {
    QFETCH(QString, strategy);
    const auto mcu = McuCatalog::builtIn().find("stm32f746");
    SearchConfig c;
    c.mode = "dnas";
    c.strategy.name = strategy.toStdString();
    c.strategy.population = strategy == QStringLiteral("paper-ga") ? 6 : 4;
    c.generations = 7;
    // Budgets at the largest network's costs: every candidate fits, and the normalised costs
    // span most of 0..1 instead of the few per cent of the MCU's own SRAM and flash.
    const auto& space = supernet_->space();
    CostModel model;
    const auto largest =
        model.estimate(buildNetwork(space.decode(space.largest(), 2)), mcu,
                       *mcu.runtime(mcu.defaultRuntime), CostMode::Tflm, CostModel::budgetsOf(mcu));
    c.budgets = {largest.peakSramBytes, largest.flashBytes, std::nullopt};
    c.seed = 5;
    c.eval.calibrationImages = 32;
    auto store =
        RunStore::open(fs::path(dir_.path().toStdString()) / (strategy.toStdString() + ".db"));
    SearchInputs in;
    in.supernet = supernet_;
    in.dataset = dataset_;
    in.cache = cache_.get();
    in.mcu = mcu;
    in.store = store.get();
    LastFrontier observer;
    const auto runId = SearchEngine::run(c, in, observer);

    const auto records = store->candidates(runId);
    const auto firstGeneration = std::count_if(
        records.begin(), records.end(), [](auto& r) { return r.evaluated && r.generation == 0; });
    const auto hv = store->hypervolumes(runId, "dnas");
    QVERIFY(!hv.empty());
    const auto afterFirst =
        std::find_if(hv.begin(), hv.end(), [&](auto& p) { return p.first == firstGeneration; });
    QVERIFY(afterFirst != hv.end());
    qInfo("%s: %d evaluations, hypervolume %.4f after the first generation (%lld evaluations), "
          "%.4f after the last",
          qPrintable(strategy), static_cast<int>(hv.back().first), afterFirst->second,
          static_cast<long long>(firstGeneration), hv.back().second);
    QVERIFY2(hv.back().second > afterFirst->second,
             qPrintable(QStringLiteral("%1 -> %2").arg(afterFirst->second).arg(hv.back().second)));
    QVERIFY(!observer.front.empty());
    QVERIFY(std::any_of(observer.front.begin(), observer.front.end(),
                        [](const CandidateRecord& r) { return r.generation > 0; }));
}

QTEST_APPLESS_MAIN(TestSearchQuality)
#include "tst_search_quality.moc"
