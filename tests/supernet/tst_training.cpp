#include <QtTest>

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include "common/error.h"
#include "common/json_document.h"
#include "common/rng.h"
#include "data/dataset_loader.h"
#include "data/image_cache.h"
#include "eval/evaluator.h"
#include "supernet/checkpoint.h"
#include "support/image_fixtures.h"
#include "train/supernet_trainer.h"

using namespace dnas;
namespace fs = std::filesystem;

namespace {

SearchSpace tinySpace() {
    return SearchSpace::fromDocument(JsonDocument::fromText(fixtures::kTinySpaceJson, "tiny"));
}

std::map<std::string, torch::Tensor> snapshot(torch::nn::Module& m) {
    std::map<std::string, torch::Tensor> out;
    for (const auto& p : m.named_parameters())
        out[p.key()] = p.value().clone();
    for (const auto& b : m.named_buffers())
        out[b.key()] = b.value().clone();
    return out;
}

// The first parameter or buffer of `m` that is not bit for bit `before`'s, with its largest
// difference; empty when all are equal.
QString firstDifference(torch::nn::Module& m, const std::map<std::string, torch::Tensor>& before) {
    for (const auto& [name, value] : snapshot(m))
        if (!torch::equal(value, before.at(name)))
            return QStringLiteral("%1 differs by %2")
                .arg(QString::fromStdString(name))
                .arg((value - before.at(name)).abs().max().item<double>());
    return {};
}

bool sameState(torch::nn::Module& m, const std::map<std::string, torch::Tensor>& before) {
    return firstDifference(m, before).isEmpty();
}

// Like the tiny space, with a third stage that can end a network: its exit head serves only the
// random subnets that stop there.
SearchSpace threeExitSpace() {
    auto json = nlohmann::json::parse(fixtures::kTinySpaceJson);
    json["name"] = "three-exits";
    json["stages"][1]["depth"] = {1, 1};
    json["stages"].push_back({{"channels", 32},
                              {"stride", 1},
                              {"depth", {0, 1}},
                              {"expansions", {2}},
                              {"kernels", {3}}});
    return SearchSpace::fromDocument(JsonDocument::fromText(json.dump(), "three-exits"));
}

class Recorder : public TrainObserver {
public:
    std::vector<double> losses;
    void onProgress(const TrainProgress& p) override { losses.push_back(p.loss); }
};

} // namespace

class TestTraining : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void trainingLowersTheLoss();
    void checkpointRoundTrip();
    void resumeFromEveryStepIsExact_data();
    void resumeFromEveryStepIsExact();
    void mismatchedCheckpointIsRefused();
    void notACheckpoint();
    void evaluatorsLeaveTheSupernetUntouched();

private:
    void checkPerFlagAccuracy(Supernet net, const Metrics& plain);

    QTemporaryDir dir_;
    std::shared_ptr<Dataset> dataset_;
};

void TestTraining::initTestCase() {
    torch::set_num_threads(1); // bit-for-bit reproducible training for the resume test
    dataset_ = loadDataset(
        fixtures::writeSquaresDataset(fs::path(dir_.path().toStdString()) / "squares").string(),
        {});
}

void TestTraining::trainingLowersTheLoss() {
    ImageCache cache(dataset_, {});
    TrainOptions o;
    o.maxSteps = 60;
    o.batchSize = 16;
    o.warmupSteps = 5;
    o.learningRate = 0.05;
    o.seed = 1;
    Supernet net(tinySpace(), 2);
    SupernetTrainer trainer(net, dataset_, cache, o);
    Recorder recorder;
    const auto result = trainer.run(recorder);
    QCOMPARE(result.steps, 60LL);
    QCOMPARE(recorder.losses.size(), std::size_t{60});
    QVERIFY2(recorder.losses.back() < 0.8 * recorder.losses.front(),
             qPrintable(QStringLiteral("loss %1 -> %2")
                            .arg(recorder.losses.front())
                            .arg(recorder.losses.back())));
    // The learned task is visible through the evaluator too.
    EvalOptions eo;
    eo.calibrationImages = 64;
    Evaluator evaluator(net, dataset_, cache, eo);
    const auto r = evaluator.evaluate(tinySpace().largest());
    QVERIFY2(r.metrics.accuracy > 0.7, qPrintable(QString::number(r.metrics.accuracy)));
    QCOMPARE(r.metrics.perClassAccuracy.size(), std::size_t{2});
    QVERIFY(r.metrics.f1 > 0);
    QVERIFY(r.metrics.perFlag.empty()); // the squares carry no flags
    checkPerFlagAccuracy(net, r.metrics);
}

void TestTraining::checkPerFlagAccuracy(Supernet net, const Metrics& plain) {
    // Flags as Wake Vision's CSVs give them: "positive" on exactly the label-1 images, "all"
    // on every image, "none" on none (0) and "unknown" not given (-1). Accuracy per flag must
    // then be class 1's accuracy, the overall accuracy, and absent twice.
    auto flagged = std::make_shared<Dataset>(*dataset_);
    flagged->flagNames = {"positive", "all", "none", "unknown"};
    flagged->flags.clear();
    for (const auto& sample : flagged->samples)
        flagged->flags.insert(flagged->flags.end(),
                              {static_cast<std::int8_t>(sample.label == 1 ? 1 : 0), 1, 0, -1});
    ImageCache cache(flagged, {});
    EvalOptions eo;
    eo.calibrationImages = 64;
    const auto m = Evaluator(net, flagged, cache, eo).evaluate(tinySpace().largest()).metrics;
    QCOMPARE(m.accuracy, plain.accuracy);
    QCOMPARE(m.perFlag.size(), std::size_t{2});
    QCOMPARE(m.perFlag[0].flag, std::string("positive"));
    QCOMPARE(m.perFlag[0].accuracy, m.perClassAccuracy[1]);
    const auto validation = flagged->indices(Split::Validation);
    QCOMPARE(m.perFlag[0].samples, flagged->perClass(validation)[1]);
    QCOMPARE(m.perFlag[1].flag, std::string("all"));
    QCOMPARE(m.perFlag[1].accuracy, m.accuracy);
    QCOMPARE(m.perFlag[1].samples, m.samples);
    // Stored with the candidate's metrics for the detail view.
    const nlohmann::json j = m;
    QCOMPARE(j["per_flag_accuracy"].size(), std::size_t{2});
    QCOMPARE(j["per_flag_accuracy"][0]["flag"].get<std::string>(), std::string("positive"));
}

void TestTraining::checkpointRoundTrip() {
    const auto space = tinySpace();
    Supernet net(space, 2);
    {
        torch::NoGradGuard g;
        for (auto& b : net->buffers())
            b.uniform_(0.5, 1.5);
    }
    CheckpointMeta meta;
    meta.space = space.toJson();
    meta.classes = 2;
    meta.datasetName = dataset_->name;
    meta.datasetFingerprint = dataset_->fingerprint;
    meta.step = 17;
    meta.totalSteps = 100;
    meta.seed = 9;
    const fs::path path = fs::path(dir_.path().toStdString()) / "ckpt" / "net.pt";
    fs::create_directories(path.parent_path());
    saveCheckpoint(path, *net, meta);
    QVERIFY(!fs::exists(path.string() + ".tmp"));
    auto loaded = loadCheckpoint(path);
    QCOMPARE(loaded.meta.step, 17LL);
    QCOMPARE(loaded.meta.datasetFingerprint, dataset_->fingerprint);
    QCOMPARE(loaded.supernet->space().toJson(), space.toJson());
    QVERIFY(sameState(*loaded.supernet, snapshot(*net)));
    checkCheckpointMatches(loaded.meta, path, space, *dataset_); // no throw
}

// Uninterrupted, then resumed from the checkpoint left after each step k (a copy taken as the
// run went on, as a run killed there leaves it): every parameter and batch-norm buffer of the
// resumed run equals the uninterrupted one's bit for bit, for every k. The space's middle exit
// head only serves the random subnets that end there, so it is trained in some steps and not
// in others, as the demo space's are (the heads of the tiny space serve the largest and the
// smallest subnet, so every step trains them).
void TestTraining::resumeFromEveryStepIsExact_data() {
    QTest::addColumn<QString>("optimizer");
    QTest::addRow("sgd") << QStringLiteral("sgd");
    QTest::addRow("adamw") << QStringLiteral("adamw");
}

void TestTraining::resumeFromEveryStepIsExact() {
    QFETCH(QString, optimizer);
    const fs::path dir = fs::path(dir_.path().toStdString()) / ("every-" + optimizer.toStdString());
    fs::create_directories(dir);
    const auto space = threeExitSpace();
    ImageCache cache(dataset_, {});
    TrainOptions o;
    o.maxSteps = 10;
    o.batchSize = 8;
    o.warmupSteps = 2;
    o.optimizer = optimizer.toStdString();
    o.seed = 4;
    o.checkpointSeconds = 0; // a checkpoint after every step
    o.checkpoint = dir / "straight.pt";
    struct Copier : TrainObserver {
        fs::path dir, from;
        void onCheckpoint(long long step) override {
            fs::copy_file(from, dir / ("at" + std::to_string(step) + ".pt"),
                          fs::copy_options::overwrite_existing);
        }
    } copier;
    copier.dir = dir;
    copier.from = o.checkpoint;
    Supernet straight(space, 2);
    QCOMPARE(SupernetTrainer(straight, dataset_, cache, o).run(copier).steps, o.maxSteps);
    const auto expected = snapshot(*straight);

    QStringList inexact;
    for (long long k = 1; k < o.maxSteps; ++k) {
        TrainOptions r = o;
        r.resume = true;
        r.checkpointSeconds = 1e9; // only at the end
        r.checkpoint = dir / ("at" + std::to_string(k) + ".pt");
        QCOMPARE(loadCheckpoint(r.checkpoint).meta.step, k);
        Supernet resumed(space, 2);
        Recorder quiet;
        QCOMPARE(SupernetTrainer(resumed, dataset_, cache, r).run(quiet).steps, o.maxSteps);
        const auto difference = firstDifference(*resumed, expected);
        if (!difference.isEmpty())
            inexact << QStringLiteral("from step %1: %2").arg(k).arg(difference);
        // The checkpoint the resumed run leaves holds those weights too.
        QVERIFY(firstDifference(*loadCheckpoint(r.checkpoint).supernet, expected).isEmpty() ==
                difference.isEmpty());
    }
    QVERIFY2(inexact.isEmpty(), qPrintable(inexact.join(QStringLiteral("; "))));
}

void TestTraining::mismatchedCheckpointIsRefused() {
    const fs::path path = fs::path(dir_.path().toStdString()) / "mismatch.pt";
    CheckpointMeta meta;
    meta.space = tinySpace().toJson();
    meta.classes = 2;
    meta.datasetName = "elsewhere";
    meta.datasetFingerprint = "0123456789abcdef";
    Supernet net(tinySpace(), 2);
    saveCheckpoint(path, *net, meta);
    const auto loaded = loadCheckpoint(path);
    try {
        checkCheckpointMatches(loaded.meta, path, SearchSpace::preset("demo"), *dataset_);
        QFAIL("expected InputError");
    } catch (const InputError& e) {
        QCOMPARE(e.problems().size(), std::size_t{2});
        QVERIFY(std::string(e.what()).find("search space 'tiny', which differs from 'demo'") !=
                std::string::npos);
        QVERIFY(std::string(e.what()).find("trained on dataset 'elsewhere'") != std::string::npos);
        QCOMPARE(e.problems()[0].file, path.string());
    }
}

void TestTraining::notACheckpoint() {
    const fs::path path = fs::path(dir_.path().toStdString()) / "garbage.pt";
    fixtures::writeText(path, "this is not a checkpoint");
    try {
        loadCheckpoint(path);
        QFAIL("expected InputError");
    } catch (const InputError& e) {
        QCOMPARE(e.problems()[0].file, path.string());
        QVERIFY(std::string(e.what()).find("not a readable checkpoint") != std::string::npos);
    }
    try {
        loadCheckpoint(path.string() + ".missing");
        QFAIL("expected InputError");
    } catch (const InputError& e) {
        QVERIFY(std::string(e.what()).find("does not exist") != std::string::npos);
    }
}

void TestTraining::evaluatorsLeaveTheSupernetUntouched() {
    ImageCache cache(dataset_, {});
    Supernet net(tinySpace(), 2);
    net->eval();
    const auto before = snapshot(*net);
    Rng rng(2);
    for (const auto kind : {EvaluatorKind::BatchNorm, EvaluatorKind::Finetune}) {
        EvalOptions eo;
        eo.kind = kind;
        eo.finetuneSteps = 5;
        eo.trainBatchSize = 8;
        eo.calibrationImages = 32;
        Evaluator evaluator(net, dataset_, cache, eo);
        const auto r = evaluator.evaluate(tinySpace().sample(rng));
        QVERIFY(r.metrics.accuracy >= 0 && r.metrics.accuracy <= 1);
        QCOMPARE(r.metrics.samples, dataset_->count(Split::Validation));
        QVERIFY(r.seconds > 0);
    }
    QVERIFY(sameState(*net, before));
}

QTEST_APPLESS_MAIN(TestTraining)
#include "tst_training.moc"
