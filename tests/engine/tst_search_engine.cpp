#include <atomic>
#include <thread>

#include <QtTest>

#include <cmath>

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include "common/error.h"
#include "common/json_document.h"
#include "cost/cost_model.h"
#include "cost/mcu_catalog.h"
#include "data/dataset_loader.h"
#include "data/image_cache.h"
#include "engine/search_config.h"
#include "engine/search_engine.h"
#include "engine/supernet_provider.h"
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
    void budgetChangeAdoptedWithoutReevaluating();
    void impossibleBudgetChangeIsRefused();
    void impossibleBudgetsAreRejected();
    void noCandidateIsEvaluatedTwice_data();
    void noCandidateIsEvaluatedTwice();
    void exhaustedSpaceEndsTheMode();
    void configRoundTrips();
    void supernetTrainedOnceThenCached();
    void trainingProbesLeaveTrainingAsItIs();
    void resumeRefusesAnotherSetup();
    void failureBeforeTheFirstCandidateStoresNoRun();
    void timeLimitFinishesTheRun();
    void modesStartFromTheSameArchitectures();
    void hwNasDefaultsToTheNativeConfiguration();
    void nativeConfigurationOfGrayAndOddSizedImages();

private:
    SearchConfig config(const std::string& mode, long long evals) const;
    SearchInputs inputs(RunStore* store, SearchControl* control = nullptr) const;
    Bytes peakOf(const Candidate& c) const;
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
    // Every evaluation, the last included, has its point.
    for (std::size_t i = 0; i < hv.size(); ++i)
        QCOMPARE(hv[i].first, static_cast<std::int64_t>(i + 1));
    QVERIFY(hv.back().second >= hv.front().second); // the archive only grows
    // Every row carries its candidate's canonical key.
    for (const auto& r : records)
        QCOMPARE(r.key, nlohmann::json(supernet_->space().canonical(r.candidate)).dump());
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

Bytes TestSearchEngine::peakOf(const Candidate& c) const {
    CostModel model;
    return model
        .estimate(buildNetwork(supernet_->space().decode(c, 2)), mcu_,
                  *mcu_.runtime(mcu_.defaultRuntime), CostMode::Tflm, CostModel::budgetsOf(mcu_))
        .peakSramBytes;
}

namespace {

// Changes the budgets through the control after `at` evaluations and records what follows.
class BudgetChanger : public Counter {
public:
    SearchControl* control = nullptr;
    Budgets next;
    int at = 0;
    int evaluated = 0;
    bool changed = false;
    std::vector<std::string> logs;
    std::vector<CandidateRecord> frontAfterChange;
    void candidateEvaluated(const CandidateRecord& r, bool onFront) override {
        Counter::candidateEvaluated(r, onFront);
        if (r.evaluated && ++evaluated == at)
            control->setBudgets(next);
    }
    void budgetsChanged(const Budgets& b) override {
        QVERIFY(b == next);
        changed = true;
    }
    void frontier(const std::string& mode, const std::vector<CandidateRecord>& f) override {
        Counter::frontier(mode, f);
        if (changed && frontAfterChange.empty())
            frontAfterChange = f;
    }
    void log(const std::string& line) override { logs.push_back(line); }
};

std::size_t countEvaluated(const std::vector<CandidateRecord>& records) {
    return static_cast<std::size_t>(
        std::count_if(records.begin(), records.end(), [](auto& r) { return r.evaluated; }));
}

} // namespace

void TestSearchEngine::budgetChangeAdoptedWithoutReevaluating() {
    const auto& space = supernet_->space();
    const Bytes tight = (peakOf(space.smallest()) + peakOf(space.largest())) / 2;
    auto c = config("dnas", 16);
    c.strategy.population = 6;
    SearchControl control;
    BudgetChanger observer;
    observer.control = &control;
    observer.next = c.budgets;
    observer.next.sramBytes = tight;
    observer.at = 8;
    const fs::path db = fs::path(dir_.path().toStdString()) / "budgets.db";
    auto store = RunStore::open(db);
    auto in = inputs(store.get(), &control);
    const auto id = SearchEngine::run(c, in, observer);
    QVERIFY(observer.changed);
    const auto records = store->candidates(id);
    QCOMPARE(countEvaluated(records), std::size_t{16}); // the budget counts as before
    // Everything scored after the change was screened with the new budget ...
    std::size_t evaluatedSoFar = 0;
    int overBefore = 0;
    for (const auto& r : records) {
        if (evaluatedSoFar >= 8) {
            QCOMPARE(r.feasible, r.peakSramBytes <= tight);
            QCOMPARE(r.evaluated, r.feasible);
        } else if (r.peakSramBytes > tight) {
            ++overBefore;
        }
        evaluatedSoFar += r.evaluated ? 1 : 0;
    }
    QVERIFY2(overBefore > 0, "the change must make some earlier candidates over budget");
    // ... the front re-scored at once: earlier candidates now over budget left it ...
    QVERIFY(!observer.frontAfterChange.empty());
    for (const auto& r : observer.frontAfterChange)
        QVERIFY(r.peakSramBytes <= tight);
    // ... the hypervolume recorded again at the change (one extra point, no evaluation) ...
    const auto hv = store->hypervolumes(id, "dnas");
    QCOMPARE(hv.size(), std::size_t{17});
    QCOMPARE(std::count_if(hv.begin(), hv.end(), [](auto& p) { return p.first == 8; }), 2L);
    // ... and the run's stored configuration carries the new budgets (for --resume).
    const auto stored = SearchConfig::fromJson(store->run(id).config);
    QCOMPARE(stored.budgets.sramBytes, tight);
}

void TestSearchEngine::impossibleBudgetChangeIsRefused() {
    auto c = config("dnas", 8);
    SearchControl control;
    BudgetChanger observer;
    observer.control = &control;
    observer.next = c.budgets;
    observer.next.sramBytes = 64; // not even the smallest network
    observer.at = 3;
    auto store = RunStore::open(fs::path(dir_.path().toStdString()) / "refused.db");
    auto in = inputs(store.get(), &control);
    const auto id = SearchEngine::run(c, in, observer);
    QVERIFY(!observer.changed);
    QVERIFY(std::any_of(observer.logs.begin(), observer.logs.end(), [](const std::string& l) {
        return l.find("budget change refused") != std::string::npos &&
               l.find("impossible budget: SRAM") != std::string::npos;
    }));
    QCOMPARE(countEvaluated(store->candidates(id)), std::size_t{8});
    QCOMPARE(SearchConfig::fromJson(store->run(id).config).budgets.sramBytes, c.budgets.sramBytes);
}

void TestSearchEngine::impossibleBudgetsAreRejected() {
    auto c = config("compare", 4);
    c.budgets.flashBytes = 1000;
    auto store = RunStore::open(fs::path(dir_.path().toStdString()) / "impossible.db");
    auto in = inputs(store.get());
    Counter counter;
    try {
        SearchEngine::run(c, in, counter);
        QFAIL("impossible budgets were accepted");
    } catch (const InputError& e) {
        const std::string text = e.what();
        QVERIFY2(text.find("--flash-budget") != std::string::npos, e.what());
        QVERIFY2(text.find("impossible budget: flash 1000 B") != std::string::npos, e.what());
        QVERIFY2(text.find("smallest network of space 'tiny'") != std::string::npos, e.what());
    }
    QVERIFY(store->runs().empty()); // nothing stored for a run that cannot start
}

void TestSearchEngine::noCandidateIsEvaluatedTwice_data() {
    QTest::addColumn<QString>("strategy");
    QTest::newRow("nsga2") << "nsga2";
    QTest::newRow("random") << "random";
    QTest::newRow("paper-ga") << "paper-ga";
}

void TestSearchEngine::noCandidateIsEvaluatedTwice() {
    QFETCH(QString, strategy);
    auto c = config("dnas", 40);
    c.strategy.name = strategy.toStdString();
    c.strategy.population = 6;
    Counter counter;
    const auto records =
        run(c, fs::path(dir_.path().toStdString()) / ("twice-" + c.strategy.name + ".db"), counter);
    std::set<std::string> keys;
    for (const auto& r : records)
        QVERIFY(
            keys.insert(nlohmann::json(supernet_->space().canonical(r.candidate)).dump()).second);
    // NSGA-II and random search breed around repeats; the paper's GA proposes as the paper
    // does, so on this 320-candidate space it may exhaust its neighbourhood before 40.
    if (strategy == QLatin1String("paper-ga"))
        QVERIFY(countEvaluated(records) >= 6);
    else
        QCOMPARE(countEvaluated(records), std::size_t{40});
}

void TestSearchEngine::exhaustedSpaceEndsTheMode() {
    // Three candidates in all: 12 px RGB, width 0.25, the last stage absent or one block of
    // kernel 3 or 5.
    const char* micro = R"({
      "schema_version": 1, "name": "micro",
      "data": {"resolutions": [12], "colours": ["rgb"]},
      "width": {"values": [0.25], "rounding": "make_divisible_8"},
      "stem": {"channels": 8, "kernel": 3, "stride": 2},
      "stages": [
        {"channels": 8, "stride": 1, "depth": [1, 1], "expansions": [1], "kernels": [3]},
        {"channels": 16, "stride": 2, "depth": [0, 1], "expansions": [2], "kernels": [3, 5]}
      ],
      "head": {"last_channels": 16, "last_conv": "always"}
    })";
    Supernet net(SearchSpace::fromDocument(JsonDocument::fromText(micro, "micro")), 2);
    net->initialize(2);
    net->eval();
    auto c = config("dnas", 50);
    c.fixedData.reset();
    auto store = RunStore::open(fs::path(dir_.path().toStdString()) / "micro.db");
    auto in = inputs(store.get());
    in.supernet = net;
    BudgetChanger observer; // only its log is used
    const auto id = SearchEngine::run(c, in, observer);
    QCOMPARE(countEvaluated(store->candidates(id)), std::size_t{3});
    QCOMPARE(store->run(id).status, std::string("finished"));
    QVERIFY(std::any_of(observer.logs.begin(), observer.logs.end(), [](const std::string& l) {
        return l.find("reachable space is exhausted") != std::string::npos;
    }));
}

void TestSearchEngine::configRoundTrips() {
    auto c = config("compare", 33);
    c.strategy.name = "paper-ga";
    c.budgets.latencyMs = 12.5;
    c.objectives = {"latency_ms", "flash_bytes"};
    c.generations = 7;
    c.timeLimitSeconds = 60;
    c.eval.valSubset = 100;
    c.costMode = CostMode::Paper;
    const auto back = SearchConfig::fromJson(c.toJson());
    QCOMPARE(back.toJson().dump(), c.toJson().dump());
    QVERIFY(back.fixedData == c.fixedData);
    QVERIFY(back.budgets == c.budgets);
    auto broken = c.toJson();
    broken.erase("budgets");
    QVERIFY_THROWS_EXCEPTION(InputError, SearchConfig::fromJson(broken));
}

void TestSearchEngine::supernetTrainedOnceThenCached() {
    // 48 training images, batch 64: one step per epoch, three epochs.
    struct Phases : SearchObserver {
        std::vector<std::pair<long long, long long>> steps;
        std::stop_source* stopAt1 = nullptr;
        void phase(const std::string& name, long long done, long long total, double eta) override {
            QCOMPARE(name, std::string("training supernet"));
            QVERIFY(eta >= 0);
            steps.emplace_back(done, total);
            if (stopAt1 && done == 1)
                stopAt1->request_stop();
        }
    };
    const auto& space = supernet_->space();
    SupernetRequest request;
    request.cacheDir = fs::path(dir_.path().toStdString()) / "supernets";
    request.epochs = 3;
    // Stopped after its first step: nothing in the cache, a partial file kept.
    std::stop_source stop;
    Phases first;
    first.stopAt1 = &stop;
    auto a = provideSupernet(space, dataset_, *cache_, request, first, stop.get_token());
    QVERIFY(!a.supernet);
    QVERIFY(!fs::exists(a.path));
    QVERIFY(fs::exists(a.path.string() + ".partial"));
    QCOMPARE(first.steps.front(), (std::pair<long long, long long>{1, 3}));
    // Continued from the partial file: steps 2 and 3 only, then cached.
    Phases second;
    auto b = provideSupernet(space, dataset_, *cache_, request, second);
    QVERIFY(b.supernet && b.trainedNow);
    QCOMPARE(second.steps.front(), (std::pair<long long, long long>{2, 3}));
    QCOMPARE(second.steps.back(), (std::pair<long long, long long>{3, 3}));
    QCOMPARE(b.meta.step, 3LL);
    QVERIFY(fs::exists(b.path) && !fs::exists(b.path.string() + ".partial"));
    QVERIFY2(b.fingerprint.starts_with("step3-"), b.fingerprint.c_str());
    // Found in the cache: no training.
    Phases third;
    auto c = provideSupernet(space, dataset_, *cache_, request, third);
    QVERIFY(c.supernet && !c.trainedNow);
    QVERIFY(third.steps.empty());
    QCOMPARE(c.path, b.path);
    QCOMPARE(c.fingerprint, b.fingerprint); // the same weights, loaded again
}

void TestSearchEngine::trainingProbesLeaveTrainingAsItIs() {
    // The training curve's accuracy probes score copies between steps: the supernet trained
    // with probes at every step has the same weights as one trained without.
    struct Curve : SearchObserver {
        std::vector<TrainingPoint> points;
        void trainingStep(const TrainingPoint& p) override { points.push_back(p); }
    };
    const auto& space = supernet_->space();
    auto train = [&](int probes, Curve& curve) {
        SupernetRequest request;
        request.cacheDir =
            fs::path(dir_.path().toStdString()) / ("probes" + std::to_string(probes));
        request.epochs = 3;
        request.seed = 4;
        request.probes = probes;
        return provideSupernet(space, dataset_, *cache_, request, curve);
    };
    Curve without, with;
    const auto a = train(0, without);
    const auto b = train(3, with);
    QCOMPARE(b.fingerprint, a.fingerprint);
    QCOMPARE(with.points.size(), std::size_t{3});
    QCOMPARE(without.points.size(), std::size_t{3});
    for (std::size_t i = 0; i < 3; ++i) {
        const auto& p = with.points[i];
        QCOMPARE(p.step, static_cast<long long>(i + 1));
        QCOMPARE(p.totalSteps, 3LL);
        QVERIFY(std::isfinite(p.loss) && p.loss > 0);
        QCOMPARE(p.loss, without.points[i].loss);
        QVERIFY2(p.largestAccuracy >= 0 && p.largestAccuracy <= 1,
                 qPrintable(QString::number(p.largestAccuracy)));
        QVERIFY(p.smallestAccuracy >= 0 && p.smallestAccuracy <= 1);
        QVERIFY(std::isnan(without.points[i].largestAccuracy)); // no probe asked for
    }
}

void TestSearchEngine::resumeRefusesAnotherSetup() {
    const fs::path db = fs::path(dir_.path().toStdString()) / "setup.db";
    auto store = RunStore::open(db);
    std::stop_source stop;
    Counter first;
    first.stopAfter = &stop;
    first.stopAt = 2;
    auto in = inputs(store.get());
    in.supernetFingerprint = supernetFingerprint(CheckpointMeta{}, *supernet_);
    const auto id = SearchEngine::run(config("dnas", 8), in, first, stop.get_token());
    auto expectRefusal = [&](SearchInputs other, const std::string& what) {
        Counter counter;
        try {
            SearchEngine::run(config("dnas", 8), other, counter, {}, id);
            QFAIL("a resume with another setup was accepted");
        } catch (const InputError& e) {
            const std::string text = e.what();
            QVERIFY2(text.find("--resume") != std::string::npos &&
                         text.find("another setup") != std::string::npos &&
                         text.find(what) != std::string::npos,
                     e.what());
        }
        QCOMPARE(store->run(id).status, std::string("stopped")); // untouched
    };
    auto otherSupernet = in; // the same space, initialised with another seed
    otherSupernet.supernet = Supernet(supernet_->space(), 2);
    otherSupernet.supernet->initialize(2);
    otherSupernet.supernet->eval();
    otherSupernet.supernetFingerprint =
        supernetFingerprint(CheckpointMeta{}, *otherSupernet.supernet);
    QVERIFY(otherSupernet.supernetFingerprint != in.supernetFingerprint);
    expectRefusal(otherSupernet, "supernet " + in.supernetFingerprint + " (now " +
                                     otherSupernet.supernetFingerprint + ")");
    auto otherMcu = in;
    otherMcu.mcu = McuCatalog::builtIn().find("stm32h743");
    expectRefusal(otherMcu, "mcu \"stm32f746\" (now \"stm32h743\")");
    Counter resumed;
    SearchEngine::run(config("dnas", 8), in, resumed, {}, id); // the same setup goes on
    QCOMPARE(store->run(id).status, std::string("finished"));
}

void TestSearchEngine::failureBeforeTheFirstCandidateStoresNoRun() {
    auto c = config("dnas", 4);
    c.eval.valSubset = 100000; // more than the validation split has
    auto store = RunStore::open(fs::path(dir_.path().toStdString()) / "fails.db");
    auto in = inputs(store.get());
    Counter counter;
    try {
        SearchEngine::run(c, in, counter);
        QFAIL("an impossible validation subset was accepted");
    } catch (const InputError& e) {
        QVERIFY2(std::string(e.what()).find("--val-subset") != std::string::npos, e.what());
    }
    QVERIFY(store->runs().empty()); // no run left "running"
}

void TestSearchEngine::timeLimitFinishesTheRun() {
    auto c = config("dnas", 0);
    c.timeLimitSeconds = 0.3;
    Counter counter;
    const auto records = run(c, fs::path(dir_.path().toStdString()) / "time.db", counter);
    QVERIFY(counter.finishedFlag && !counter.stoppedFlag);
    QVERIFY(!records.empty());
    auto store = RunStore::open(fs::path(dir_.path().toStdString()) / "time.db");
    QCOMPARE(store->runs()[0].status, std::string("finished"));
}

void TestSearchEngine::modesStartFromTheSameArchitectures() {
    // Common random numbers: with one seed, DNAS and HW-NAS draw their first population's
    // architecture genes from the same stream; HW-NAS only replaces the data genes.
    Counter counter;
    auto c = config("compare", 8);
    c.seed = 11;
    const auto records = run(c, fs::path(dir_.path().toStdString()) / "crn.db", counter);
    std::vector<ArchGenome> dnas, hwnas;
    for (const auto& r : records)
        if (r.generation == 0)
            (r.mode == "dnas" ? dnas : hwnas).push_back(r.candidate.arch);
    QCOMPARE(dnas.size(), std::size_t{4});
    QCOMPARE(hwnas.size(), std::size_t{4});
    for (std::size_t i = 0; i < dnas.size(); ++i)
        QCOMPARE(nlohmann::json(hwnas[i]).dump(), nlohmann::json(dnas[i]).dump());
    // and another seed gives other architectures
    c.seed = 12;
    Counter other;
    const auto again = run(c, fs::path(dir_.path().toStdString()) / "crn2.db", other);
    std::vector<ArchGenome> dnas2;
    for (const auto& r : again)
        if (r.generation == 0 && r.mode == "dnas")
            dnas2.push_back(r.candidate.arch);
    QVERIFY(nlohmann::json(dnas2).dump() != nlohmann::json(dnas).dump());
}

void TestSearchEngine::hwNasDefaultsToTheNativeConfiguration() {
    // 20 px colour images, space resolutions {12, 16}: native is 16 px RGB.
    Counter counter;
    auto c = config("hwnas", 4);
    c.fixedData.reset();
    const fs::path db = fs::path(dir_.path().toStdString()) / "native.db";
    const auto records = run(c, db, counter);
    QVERIFY(!records.empty());
    for (const auto& r : records)
        QVERIFY(r.candidate.data == (DataConfig{16, ColourMode::Rgb}));
    // stored with the run, so that --resume searches the same configuration
    auto store = RunStore::open(db);
    const auto stored = SearchConfig::fromJson(store->runs().back().config);
    QVERIFY(stored.fixedData == (DataConfig{16, ColourMode::Rgb}));
}

void TestSearchEngine::nativeConfigurationOfGrayAndOddSizedImages() {
    const auto& space = supernet_->space(); // resolutions 12 and 16, rgb and grayscale
    const fs::path root = fs::path(dir_.path().toStdString());
    for (int i = 0; i < 20; ++i) {
        cv::Mat gray(13, 30, CV_8UC1, cv::Scalar(10 * i)); // shorter side 13: nearest is 12
        fixtures::writeImage(root / "gray" / std::to_string(i % 2) / (std::to_string(i) + ".png"),
                             gray);
        cv::Mat colour(14, 14, CV_8UC3, cv::Scalar(10 * i, 20, 200)); // 14: tie, larger wins
        fixtures::writeImage(root / "colour" / std::to_string(i % 2) / (std::to_string(i) + ".png"),
                             colour);
    }
    QVERIFY(nativeDataConfig(*loadDataset((root / "gray").string(), {}), space) ==
            (DataConfig{12, ColourMode::Grayscale}));
    QVERIFY(nativeDataConfig(*loadDataset((root / "colour").string(), {}), space) ==
            (DataConfig{16, ColourMode::Rgb}));
    QVERIFY(nativeDataConfig(*dataset_, space) == (DataConfig{16, ColourMode::Rgb}));
}

QTEST_APPLESS_MAIN(TestSearchEngine)
#include "tst_search_engine.moc"
