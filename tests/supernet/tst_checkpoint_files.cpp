// Checkpoint files against hostile bytes and failing disks: a checkpoint whose stored tensors
// were overwritten, or that holds NaN weights, is refused naming the file; a checkpoint that
// cannot be written (full disk, read-only file system, missing directory, a directory) is a
// one-line error, before training where it can be told, leaving no temporary file and the
// previous checkpoint intact. Real files, real file systems (tmpfs, when run as root), real
// training and the real `dnas` binary.
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <limits>

#include <torch/torch.h>

#include "common/error.h"
#include "common/json_document.h"
#include "data/dataset_loader.h"
#include "data/image_cache.h"
#include "supernet/checkpoint.h"
#include "support/cli_process.h"
#include "support/image_fixtures.h"
#include "support/tmpfs_mount.h"
#include "train/supernet_trainer.h"

using namespace dnas;
namespace fs = std::filesystem;

namespace {

SearchSpace tinySpace() {
    return SearchSpace::fromDocument(JsonDocument::fromText(fixtures::kTinySpaceJson, "tiny"));
}

// Where the bytes of `tensor` are in `file`, found once and only once.
std::size_t offsetOf(const std::vector<char>& file, const torch::Tensor& tensor) {
    const auto* data = static_cast<const char*>(tensor.data_ptr());
    const auto end = data + tensor.nbytes();
    const auto at = std::search(file.begin(), file.end(), data, end);
    if (at == file.end() || std::search(at + 1, file.end(), data, end) != file.end())
        qFatal("the tensor's bytes are not in the file exactly once");
    return static_cast<std::size_t>(at - file.begin());
}

torch::Tensor rawTensor(const fs::path& path, const std::string& key) {
    torch::serialize::InputArchive archive;
    archive.load_from(path.string());
    torch::Tensor t;
    archive.read(key, t);
    return t;
}

// Exit code 2 and one line "dnas: error: <file>: ...<words>...", no stack trace.
void expectOneLineError(const fixtures::Run& r, const fs::path& file, const QString& words) {
    QVERIFY2(r.exitCode == 2, qPrintable(QString::number(r.exitCode) + ": " + r.err));
    const auto lines = r.err.trimmed().split(QLatin1Char('\n'));
    QVERIFY2(lines.size() == 1, qPrintable(r.err));
    QVERIFY2(lines[0].startsWith(QStringLiteral("dnas: error: ") +
                                 QString::fromStdString(file.string() + ": ")),
             qPrintable(r.err));
    QVERIFY2(lines[0].contains(words), qPrintable(r.err));
}

class Quiet : public TrainObserver {};

} // namespace

class TestCheckpointFiles : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void overwrittenCheckpointIsRefused_data();
    void overwrittenCheckpointIsRefused();
    void nonFiniteWeightsAreRefused();
    void checkpointWithoutFingerprintsStillLoads();
    void checkpointOfSymmetricPaddingIsRefused();
    void damagedOptimizerStateIsRefusedOnResume();
    void unwritableOutIsRefusedBeforeTraining_data();
    void unwritableOutIsRefusedBeforeTraining();
    void fullDiskIsRefusedBeforeTraining();
    void readOnlyFileSystemIsRefused();
    void diskFullingDuringTrainingKeepsTheLastCheckpoint();

private:
    fs::path path(const std::string& name) const {
        return fs::path(dir_.path().toStdString()) / name;
    }
    TrainOptions options(const fs::path& checkpoint, long long steps) const;
    // A tiny supernet trained for `steps` steps, checkpoint (with optimiser state) at `name`.
    fs::path train(const std::string& name, long long steps);
    QStringList trainArgs(const fs::path& out) const;

    QTemporaryDir dir_;
    std::shared_ptr<Dataset> dataset_;
    std::unique_ptr<ImageCache> cache_;
};

void TestCheckpointFiles::initTestCase() {
    torch::set_num_threads(1);
    fixtures::writeSquaresDataset(path("squares"));
    fixtures::writeText(path("tiny_space.json"), fixtures::kTinySpaceJson);
    dataset_ = loadDataset(path("squares").string(), {});
    cache_ = std::make_unique<ImageCache>(dataset_, ImageCache::Options{});
}

TrainOptions TestCheckpointFiles::options(const fs::path& checkpoint, long long steps) const {
    TrainOptions o;
    o.maxSteps = steps;
    o.batchSize = 8;
    o.warmupSteps = 1;
    o.seed = 3;
    o.checkpoint = checkpoint;
    return o;
}

fs::path TestCheckpointFiles::train(const std::string& name, long long steps) {
    Quiet quiet;
    SupernetTrainer(Supernet(tinySpace(), 2), dataset_, *cache_, options(path(name), steps))
        .run(quiet);
    return path(name);
}

QStringList TestCheckpointFiles::trainArgs(const fs::path& out) const {
    return {"train-supernet",
            "--dataset",
            QString::fromStdString(path("squares").string()),
            "--space",
            QString::fromStdString(path("tiny_space.json").string()),
            "--out",
            QString::fromStdString(out.string()),
            "--max-steps",
            "3",
            "--batch-size",
            "8",
            "--no-eval"};
}

// Bytes of a written checkpoint overwritten in place (the zip's CRCs no longer match, which
// LibTorch does not check): the weights or the metadata it would load are not those written.
void TestCheckpointFiles::overwrittenCheckpointIsRefused_data() {
    QTest::addColumn<QString>("what");
    QTest::addRow("weights to NaN") << QStringLiteral("nan");
    QTest::addRow("weights to other finite values") << QStringLiteral("finite");
    QTest::addRow("metadata") << QStringLiteral("meta");
}

void TestCheckpointFiles::overwrittenCheckpointIsRefused() {
    QFETCH(QString, what);
    const auto file = train("overwritten-" + what.toStdString() + ".pt", 3);
    auto bytes = fixtures::readBytes(file);
    const std::string key = "param/stem.weight";
    if (what == QStringLiteral("meta")) {
        const std::string step = "\"step\":3,";
        const auto at = std::search(bytes.begin(), bytes.end(), step.begin(), step.end());
        QVERIFY(at != bytes.end());
        *(at + 7) = '1'; // "step":1
    } else {
        const auto original = rawTensor(file, key);
        const auto at = offsetOf(bytes, original);
        const auto values = what == QStringLiteral("nan")
                                ? torch::full_like(original, std::nanf(""))
                                : original * 0.5 + 0.01;
        std::copy_n(static_cast<const char*>(values.data_ptr()), values.nbytes(), &bytes[at]);
        fixtures::writeBytes(file, bytes);
        // LibTorch reads the overwritten values without complaint: the file really changed.
        const auto read = rawTensor(file, key);
        QVERIFY(torch::equal(read.isnan(), values.isnan()));
        QVERIFY(!torch::equal(read, original));
    }
    fixtures::writeBytes(file, bytes);
    try {
        loadCheckpoint(file);
        QFAIL("expected InputError");
    } catch (const InputError& e) {
        QCOMPARE(e.problems()[0].file, file.string());
        QVERIFY2(std::string(e.what()).find("the checkpoint is damaged") != std::string::npos,
                 e.what());
    }
    const auto r =
        fixtures::cliRun({"eval", "--supernet", QString::fromStdString(file.string()), "--dataset",
                          QString::fromStdString(path("squares").string()), "--sample", "2"});
    expectOneLineError(r, file, QStringLiteral("the checkpoint is damaged"));
}

// Written through the normal writer (fingerprints and all), NaN weights are still refused.
void TestCheckpointFiles::nonFiniteWeightsAreRefused() {
    Supernet net(tinySpace(), 2);
    {
        torch::NoGradGuard noGrad;
        net->stem->weight.view({-1})[5] = std::numeric_limits<float>::quiet_NaN();
    }
    CheckpointMeta meta;
    meta.space = tinySpace().toJson();
    meta.classes = 2;
    meta.datasetName = dataset_->name;
    meta.datasetFingerprint = dataset_->fingerprint;
    const auto file = path("nan.pt");
    saveCheckpoint(file, *net, meta);
    try {
        loadCheckpoint(file);
        QFAIL("expected InputError");
    } catch (const InputError& e) {
        QCOMPARE(e.problems()[0].file, file.string());
        QVERIFY2(std::string(e.what()).find("non-finite weights (NaN or infinity) in "
                                            "param/stem.weight") != std::string::npos,
                 e.what());
    }
    const auto r =
        fixtures::cliRun({"eval", "--supernet", QString::fromStdString(file.string()), "--dataset",
                          QString::fromStdString(path("squares").string()), "--sample", "1"});
    expectOneLineError(r, file, QStringLiteral("non-finite weights"));
}

// Schema version 1 supernets padded symmetrically and took x / 127.5 - 1: refused with what to
// do, by the loader and by the CLI; a version from the future is refused too.
void TestCheckpointFiles::checkpointOfSymmetricPaddingIsRefused() {
    Supernet net(tinySpace(), 2);
    CheckpointMeta meta;
    meta.space = tinySpace().toJson();
    meta.classes = 2;
    meta.datasetName = dataset_->name;
    meta.datasetFingerprint = dataset_->fingerprint;
    for (const int version : {1, kCheckpointSchemaVersion + 1}) {
        meta.schemaVersion = version;
        const auto file = path("v" + std::to_string(version) + ".pt");
        saveCheckpoint(file, *net, meta);
        const QString words = version == 1 ? QStringLiteral("symmetric padding")
                                           : QStringLiteral("newer than this program");
        try {
            loadCheckpoint(file);
            QFAIL("expected InputError");
        } catch (const InputError& e) {
            QVERIFY2(QString::fromStdString(e.what()).contains(words), e.what());
        }
        const auto r = fixtures::cliRun(
            {"eval", "--supernet", QString::fromStdString(file.string()), "--dataset",
             QString::fromStdString(path("squares").string()), "--sample", "1"});
        expectOneLineError(r, file, words);
    }
    meta.schemaVersion = kCheckpointSchemaVersion;
    saveCheckpoint(path("current-version.pt"), *net, meta);
    QCOMPARE(loadCheckpoint(path("current-version.pt")).meta.schemaVersion,
             kCheckpointSchemaVersion);
}

// A checkpoint of an earlier version (no fingerprints): accepted, checked for finite weights.
void TestCheckpointFiles::checkpointWithoutFingerprintsStillLoads() {
    const auto current = loadCheckpoint(train("current.pt", 2));
    for (const bool withNan : {false, true}) {
        torch::serialize::OutputArchive archive;
        for (const auto& p : current.supernet->named_parameters())
            archive.write("param/" + p.key(),
                          withNan && p.key() == "stem.gamma" ? p.value() / 0.0 : p.value());
        for (const auto& b : current.supernet->named_buffers())
            archive.write("buffer/" + b.key(), b.value());
        archive.write("dnas_meta", c10::IValue(nlohmann::json(current.meta).dump()));
        const auto file = path(withNan ? "old-nan.pt" : "old.pt");
        archive.save_to(file.string());
        if (!withNan) {
            QCOMPARE(loadCheckpoint(file).meta.step, 2LL);
            continue;
        }
        try {
            loadCheckpoint(file);
            QFAIL("expected InputError");
        } catch (const InputError& e) {
            QVERIFY2(std::string(e.what()).find("non-finite") != std::string::npos, e.what());
        }
    }
}

void TestCheckpointFiles::damagedOptimizerStateIsRefusedOnResume() {
    const auto file = train("optimizer.pt", 2);
    auto bytes = fixtures::readBytes(file);
    const auto state = rawTensor(file, "optimizer_bytes");
    const auto at = offsetOf(bytes, state);
    bytes[at + static_cast<std::size_t>(state.numel()) / 2] ^= 0x5a;
    fixtures::writeBytes(file, bytes);
    QCOMPARE(loadCheckpoint(file).meta.step, 2LL); // the weights are intact
    auto o = options(file, 4);
    o.resume = true;
    Quiet quiet;
    try {
        SupernetTrainer(Supernet(tinySpace(), 2), dataset_, *cache_, o).run(quiet);
        QFAIL("expected InputError");
    } catch (const InputError& e) {
        QCOMPARE(e.problems()[0].file, file.string());
        QVERIFY2(std::string(e.what()).find("optimiser state does not match") != std::string::npos,
                 e.what());
    }
}

void TestCheckpointFiles::unwritableOutIsRefusedBeforeTraining_data() {
    QTest::addColumn<QString>("out");
    QTest::addColumn<QString>("words");
    QTest::addRow("missing directory")
        << QStringLiteral("no-such-dir/net.pt") << QStringLiteral("does not exist");
    QTest::addRow("a directory") << QStringLiteral("squares") << QStringLiteral("is a directory");
    QTest::addRow("under a file") << QStringLiteral("tiny_space.json/net.pt")
                                  << QStringLiteral("is not a directory");
}

void TestCheckpointFiles::unwritableOutIsRefusedBeforeTraining() {
    QFETCH(QString, out);
    QFETCH(QString, words);
    const auto file = path(out.toStdString());
    const auto r = fixtures::cliRun(trainArgs(file));
    expectOneLineError(r, file, words);
    QVERIFY2(!r.err.contains(QStringLiteral("step 1/")), qPrintable(r.err)); // not trained
    QVERIFY(!fs::exists(file.string() + ".tmp"));
    QVERIFY(!fs::exists(path("no-such-dir")));
}

void TestCheckpointFiles::fullDiskIsRefusedBeforeTraining() {
    const fixtures::TmpfsMount disk(path("full"), 256 * 1024);
    if (!disk.mounted())
        QSKIP(qPrintable(QString::fromStdString(disk.error())));
    disk.fill();
    const auto file = path("full") / "net.pt";
    const auto r = fixtures::cliRun(trainArgs(file));
    expectOneLineError(r, file, QStringLiteral("not enough free space"));
    QVERIFY2(!r.err.contains(QStringLiteral("step 1/")), qPrintable(r.err));
    QVERIFY(!fs::exists(file.string() + ".tmp"));
    QVERIFY(!fs::exists(file));
}

void TestCheckpointFiles::readOnlyFileSystemIsRefused() {
    const fixtures::TmpfsMount disk(path("readonly"), 1024 * 1024, /*readOnly=*/true);
    if (!disk.mounted())
        QSKIP(qPrintable(QString::fromStdString(disk.error())));
    const auto file = path("readonly") / "net.pt";
    expectOneLineError(fixtures::cliRun(trainArgs(file)), file, QStringLiteral("read-only"));
    auto loaded = loadCheckpoint(train("source.pt", 1));
    try {
        saveCheckpoint(file, *loaded.supernet, loaded.meta);
        QFAIL("expected InputError");
    } catch (const InputError& e) {
        QCOMPARE(e.problems()[0].file, file.string());
        QVERIFY2(std::string(e.what()).find("read-only") != std::string::npos, e.what());
    }
}

// The disk fills up between two checkpoints: the next write fails cleanly (no abort), its
// temporary file is removed, and the checkpoint before it still loads.
void TestCheckpointFiles::diskFullingDuringTrainingKeepsTheLastCheckpoint() {
    const auto size = fs::file_size(train("size.pt", 1));
    const fixtures::TmpfsMount disk(path("filling"), 4 * size + 64 * 1024);
    if (!disk.mounted())
        QSKIP(qPrintable(QString::fromStdString(disk.error())));
    const auto file = path("filling") / "net.pt";
    auto o = options(file, 6);
    o.checkpointSeconds = 0; // after every step
    struct FillAfterSecond : TrainObserver {
        const fixtures::TmpfsMount* disk;
        void onCheckpoint(long long step) override {
            if (step == 2)
                disk->fill();
        }
    } filler;
    filler.disk = &disk;
    try {
        SupernetTrainer(Supernet(tinySpace(), 2), dataset_, *cache_, o).run(filler);
        QFAIL("expected InputError");
    } catch (const InputError& e) {
        QCOMPARE(e.problems()[0].file, file.string());
        QVERIFY2(std::string(e.what()).find("the disk is full") != std::string::npos, e.what());
    }
    QVERIFY(!fs::exists(file.string() + ".tmp"));
    QCOMPARE(loadCheckpoint(file).meta.step, 2LL);
}

QTEST_GUILESS_MAIN(TestCheckpointFiles)
#include "tst_checkpoint_files.moc"
