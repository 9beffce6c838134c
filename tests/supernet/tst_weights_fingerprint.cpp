// The supernet fingerprint a run store records identifies the weights: other training, other
// fingerprint; the same weights, however loaded, the same one.
#include <QtTest>

#include <torch/torch.h>

#include "common/json_document.h"
#include "data/dataset_loader.h"
#include "data/image_cache.h"
#include "engine/supernet_provider.h"
#include "supernet/checkpoint.h"
#include "supernet/weights_fingerprint.h"
#include "support/image_fixtures.h"
#include "train/supernet_trainer.h"

using namespace dnas;
namespace fs = std::filesystem;

class TestWeightsFingerprint : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void otherTrainingOtherFingerprint_data();
    void otherTrainingOtherFingerprint();
    void sameWeightsSameFingerprint();
    void anyChangedValueChangesIt();
    void demoSupernetHashesInMilliseconds();

private:
    // A tiny supernet trained for 3 steps with `seed` and `learningRate`, saved to `name`.
    fs::path train(const std::string& name, std::uint64_t seed, double learningRate);

    QTemporaryDir dir_;
    std::shared_ptr<Dataset> dataset_;
    std::unique_ptr<ImageCache> cache_;
};

void TestWeightsFingerprint::initTestCase() {
    torch::set_num_threads(1); // bit-for-bit reproducible training
    dataset_ = loadDataset(
        fixtures::writeSquaresDataset(fs::path(dir_.path().toStdString()) / "squares").string(),
        {});
    cache_ = std::make_unique<ImageCache>(dataset_, ImageCache::Options{});
}

fs::path TestWeightsFingerprint::train(const std::string& name, std::uint64_t seed,
                                       double learningRate) {
    TrainOptions o;
    o.maxSteps = 3;
    o.batchSize = 8;
    o.warmupSteps = 1;
    o.learningRate = learningRate;
    o.seed = seed;
    o.checkpoint = fs::path(dir_.path().toStdString()) / (name + ".pt");
    const auto space =
        SearchSpace::fromDocument(JsonDocument::fromText(fixtures::kTinySpaceJson, "tiny"));
    TrainObserver quiet;
    SupernetTrainer(Supernet(space, 2), dataset_, *cache_, o).run(quiet);
    return o.checkpoint;
}

std::string fingerprintOf(const fs::path& checkpoint) {
    const auto loaded = loadCheckpoint(checkpoint);
    return supernetFingerprint(loaded.meta, *loaded.supernet);
}

void TestWeightsFingerprint::otherTrainingOtherFingerprint_data() {
    QTest::addColumn<int>("seed");
    QTest::addColumn<double>("learningRate");
    QTest::addColumn<bool>("same");
    QTest::addRow("same seed and rate") << 1 << 0.05 << true; // training is deterministic
    QTest::addRow("other seed") << 2 << 0.05 << false;
    QTest::addRow("other learning rate") << 1 << 0.1 << false;
}

// Against a supernet trained with seed 1 and learning rate 0.05, for as many steps.
void TestWeightsFingerprint::otherTrainingOtherFingerprint() {
    QFETCH(int, seed);
    QFETCH(double, learningRate);
    QFETCH(bool, same);
    static const auto reference = fingerprintOf(train("reference", 1, 0.05));
    const auto other =
        fingerprintOf(train("other", static_cast<std::uint64_t>(seed), learningRate));
    QVERIFY2((other == reference) == same, (reference + " vs " + other).c_str());
    QVERIFY(other.starts_with("step3-")); // the step, for people; the same in every row
}

void TestWeightsFingerprint::sameWeightsSameFingerprint() {
    const auto path = train("twice", 4, 0.05);
    auto first = loadCheckpoint(path);
    const auto second = loadCheckpoint(path);
    QVERIFY(first.supernet.ptr() != second.supernet.ptr());
    QCOMPARE(weightsFingerprint(*first.supernet), weightsFingerprint(*second.supernet));
    QCOMPARE(weightsFingerprint(*first.supernet).size(), std::size_t{16});
    // Saved again to another file: the weights, not the file, decide.
    const auto copy = fs::path(dir_.path().toStdString()) / "copy.pt";
    saveCheckpoint(copy, *first.supernet, first.meta);
    QCOMPARE(fingerprintOf(copy), fingerprintOf(path));
}

void TestWeightsFingerprint::anyChangedValueChangesIt() {
    const auto loaded = loadCheckpoint(train("changed", 5, 0.05));
    const auto before = weightsFingerprint(*loaded.supernet);
    torch::NoGradGuard noGrad;
    auto buffer = loaded.supernet->named_buffers().begin()->value();
    auto flat = buffer.view({-1});
    const auto original = flat[0].clone();
    flat[0] += 1; // one running statistic (or counter) of one layer
    const auto after = weightsFingerprint(*loaded.supernet);
    QVERIFY(after != before);
    flat[0].copy_(original);
    QCOMPARE(weightsFingerprint(*loaded.supernet), before);
}

// How long a run's start spends hashing the demo supernet (10 classes), printed for the README.
void TestWeightsFingerprint::demoSupernetHashesInMilliseconds() {
    Supernet demo(SearchSpace::preset("demo"), 10);
    std::int64_t bytes = 0;
    for (const auto& p : demo->parameters())
        bytes += static_cast<std::int64_t>(p.nbytes());
    for (const auto& b : demo->buffers())
        bytes += static_cast<std::int64_t>(b.nbytes());
    weightsFingerprint(*demo); // warm-up
    QElapsedTimer timer;
    timer.start();
    constexpr int kRepeats = 5;
    for (int i = 0; i < kRepeats; ++i)
        weightsFingerprint(*demo);
    const double ms = static_cast<double>(timer.nsecsElapsed()) / 1e6 / kRepeats;
    qInfo("weightsFingerprint of the demo supernet: %.2f ms for %lld bytes of weights", ms,
          static_cast<long long>(bytes));
    QVERIFY2(ms < 1000, qPrintable(QString::number(ms)));
}

QTEST_APPLESS_MAIN(TestWeightsFingerprint)
#include "tst_weights_fingerprint.moc"
