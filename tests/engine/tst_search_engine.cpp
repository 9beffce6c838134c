#include <atomic>
#include <thread>

#include <QtTest>

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include "common/json_document.h"
#include "cost/cost_model.h"
#include "cost/mcu_catalog.h"
#include "data/dataset_loader.h"
#include "data/image_cache.h"
#include "engine/search_engine.h"
#include "support/image_fixtures.h"

using namespace dnas;
namespace fs = std::filesystem;

namespace {

class Counter : public SearchObserver {
public:
    int candidates = 0;
    int frontiers = 0;
    int hypervolumes = 0;
    bool finishedFlag = false;
    bool stoppedFlag = false;
    std::stop_source* stopAfter = nullptr;
    int stopAt = -1;
    void candidateEvaluated(const CandidateRecord& r, bool) override {
        ++candidates;
        if (stopAfter && r.evaluated && candidates >= stopAt)
            stopAfter->request_stop();
    }
    void frontier(const std::string&, const std::vector<CandidateRecord>&) override { ++frontiers; }
    void hypervolume(const std::string&, long long, double v) override {
        ++hypervolumes;
        QVERIFY(v >= 0 && v <= 1);
    }
    void finished(std::int64_t, bool stopped) override {
        finishedFlag = true;
        stoppedFlag = stopped;
    }
};

} // namespace

class TestSearchEngine : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void dnasRunFillsTheStore();
    void compareGivesEqualBudgetsAndFixedHwNasData();
    void overBudgetCandidatesAreNeverEvaluated();
    void sameSeedSameRun();
    void stopAndResumeWithoutRedoing();
    void pauseHoldsTheSearch();

private:
    SearchConfig config(const std::string& mode, long long evals) const;
    SearchInputs inputs(RunStore* store, SearchControl* control = nullptr) const;
    std::vector<CandidateRecord> run(const SearchConfig& c, const fs::path& db, Counter& counter,
                                     std::stop_token stop = {},
                                     std::optional<std::int64_t> resume = {});

    QTemporaryDir dir_;
    std::shared_ptr<Dataset> dataset_;
    std::unique_ptr<ImageCache> cache_;
    Supernet supernet_{nullptr};
    McuProfile mcu_;
};

void TestSearchEngine::initTestCase() {
    torch::set_num_threads(1);
    dataset_ = loadDataset(
        fixtures::writeSquaresDataset(fs::path(dir_.path().toStdString()) / "sq", 48, 24).string(),
        {});
    cache_ = std::make_unique<ImageCache>(dataset_, ImageCache::Options{});
    supernet_ = Supernet(
        SearchSpace::fromDocument(JsonDocument::fromText(fixtures::kTinySpaceJson, "tiny")), 2);
    supernet_->initialize(1);
    supernet_->eval();
    mcu_ = McuCatalog::builtIn().find("stm32f746");
}

SearchConfig TestSearchEngine::config(const std::string& mode, long long evals) const {
    SearchConfig c;
    c.mode = mode;
    c.strategy.population = 4;
    c.maxEvaluations = evals;
    c.budgets = CostModel::budgetsOf(mcu_);
    c.seed = 3;
    c.eval.calibrationImages = 16;
    c.fixedData = DataConfig{16, ColourMode::Rgb};
    return c;
}

SearchInputs TestSearchEngine::inputs(RunStore* store, SearchControl* control) const {
    SearchInputs in;
    in.supernet = supernet_;
    in.dataset = dataset_;
    in.cache = cache_.get();
    in.mcu = mcu_;
    in.store = store;
    in.control = control;
    return in;
}

std::vector<CandidateRecord> TestSearchEngine::run(const SearchConfig& c, const fs::path& db,
                                                   Counter& counter, std::stop_token stop,
                                                   std::optional<std::int64_t> resume) {
    auto store = RunStore::open(db);
    auto in = inputs(store.get());
    const auto id = SearchEngine::run(c, in, counter, stop, resume);
    return store->candidates(id);
}

void TestSearchEngine::dnasRunFillsTheStore() {
    Counter counter;
    const fs::path db = fs::path(dir_.path().toStdString()) / "dnas.db";
    const auto records = run(config("dnas", 10), db, counter);
    QCOMPARE(std::count_if(records.begin(), records.end(), [](auto& r) { return r.evaluated; }),
             10L);
    QVERIFY(counter.finishedFlag && !counter.stoppedFlag);
    QCOMPARE(counter.hypervolumes, 10);
    QVERIFY(counter.frontiers >= 2);
    auto store = RunStore::open(db);
    QCOMPARE(store->runs()[0].status, std::string("finished"));
    const auto hv = store->hypervolumes(store->runs()[0].id, "dnas");
    QCOMPARE(hv.size(), std::size_t{10});
    QVERIFY(hv.back().second >= hv.front().second); // the archive only grows
}

void TestSearchEngine::compareGivesEqualBudgetsAndFixedHwNasData() {
    Counter counter;
    const auto records =
        run(config("compare", 8), fs::path(dir_.path().toStdString()) / "compare.db", counter);
    long long dnas = 0, hwnas = 0;
    std::set<int> dnasResolutions;
    for (const auto& r : records) {
        if (!r.evaluated)
            continue;
        if (r.mode == "hwnas") {
            ++hwnas;
            QVERIFY(r.candidate.data == (DataConfig{16, ColourMode::Rgb}));
        } else {
            ++dnas;
            dnasResolutions.insert(r.candidate.data.resolution);
        }
    }
    QCOMPARE(dnas, 8LL);
    QCOMPARE(hwnas, 8LL);
    QVERIFY(dnasResolutions.size() == 2); // DNAS does vary the data genes
}

void TestSearchEngine::overBudgetCandidatesAreNeverEvaluated() {
    // A budget between the smallest and the largest network of the space.
    const auto& space = supernet_->space();
    CostModel model;
    auto peak = [&](const Candidate& c) {
        return model
            .estimate(buildNetwork(space.decode(c, 2)), mcu_, *mcu_.runtime(mcu_.defaultRuntime),
                      CostMode::Tflm, CostModel::budgetsOf(mcu_))
            .peakSramBytes;
    };
    auto c = config("dnas", 6);
    c.budgets.sramBytes = (peak(space.smallest()) + peak(space.largest())) / 2;
    Counter counter;
    const auto records = run(c, fs::path(dir_.path().toStdString()) / "budget.db", counter);
    int screened = 0;
    for (const auto& r : records) {
        QCOMPARE(r.evaluated, r.feasible);
        QCOMPARE(r.peakSramBytes <= c.budgets.sramBytes, r.feasible);
        if (!r.evaluated) {
            ++screened;
            QCOMPARE(r.accuracy, 0.0);
            QCOMPARE(r.evalSeconds, 0.0);
        }
    }
    QVERIFY(screened > 0);
}

void TestSearchEngine::sameSeedSameRun() {
    Counter a, b;
    const auto x = run(config("dnas", 8), fs::path(dir_.path().toStdString()) / "same1.db", a);
    const auto y = run(config("dnas", 8), fs::path(dir_.path().toStdString()) / "same2.db", b);
    QCOMPARE(x.size(), y.size());
    for (std::size_t i = 0; i < x.size(); ++i) {
        QVERIFY(x[i].candidate == y[i].candidate);
        QCOMPARE(x[i].accuracy, y[i].accuracy);
    }
}

void TestSearchEngine::stopAndResumeWithoutRedoing() {
    const fs::path db = fs::path(dir_.path().toStdString()) / "resume.db";
    std::stop_source stop;
    Counter first;
    first.stopAfter = &stop;
    first.stopAt = 6; // in the middle of the second generation
    const auto partial = run(config("dnas", 12), db, first, stop.get_token());
    QVERIFY(first.stoppedFlag);
    const auto evaluatedBefore =
        std::count_if(partial.begin(), partial.end(), [](auto& r) { return r.evaluated; });
    QVERIFY(evaluatedBefore >= 6 && evaluatedBefore < 12);
    Counter second;
    const auto all = run(config("dnas", 12), db, second, {}, partial.front().runId);
    QCOMPARE(std::count_if(all.begin(), all.end(), [](auto& r) { return r.evaluated; }), 12L);
    // The resumed run equals an uninterrupted one with the same seed.
    Counter third;
    const auto straight =
        run(config("dnas", 12), fs::path(dir_.path().toStdString()) / "straight.db", third);
    QCOMPARE(all.size(), straight.size());
    for (std::size_t i = 0; i < all.size(); ++i)
        QVERIFY(all[i].candidate == straight[i].candidate);
    auto store = RunStore::open(db);
    QCOMPARE(store->runs()[0].status, std::string("finished"));
}

void TestSearchEngine::pauseHoldsTheSearch() {
    struct Pauser : Counter {
        SearchControl* control = nullptr;
        std::atomic<int> seen{0};
        void candidateEvaluated(const CandidateRecord& r, bool onFront) override {
            Counter::candidateEvaluated(r, onFront);
            if (++seen == 3)
                control->pause();
        }
    } observer;
    SearchControl control;
    observer.control = &control;
    auto store = RunStore::open(fs::path(dir_.path().toStdString()) / "pause.db");
    auto in = inputs(store.get(), &control);
    const auto c = config("dnas", 8);
    std::thread worker([&] { SearchEngine::run(c, in, observer); });
    QTRY_VERIFY(control.paused());
    const int atPause = observer.seen.load();
    QThread::msleep(300);
    QCOMPARE(observer.seen.load(), atPause); // nothing happens while paused
    QVERIFY(!observer.finishedFlag);
    control.resume();
    worker.join();
    QVERIFY(observer.finishedFlag);
    QVERIFY(observer.seen.load() > atPause);
}

QTEST_APPLESS_MAIN(TestSearchEngine)
#include "tst_search_engine.moc"
