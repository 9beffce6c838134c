#include <QtTest>

#include "common/error.h"
#include "data/dataset_loader.h"
#include "data/image_cache.h"
#include "data/tensor_batch.h"
#include "data/transforms.h"
#include "support/image_fixtures.h"

#include <torch/torch.h>

using namespace dnas;
namespace fs = std::filesystem;

class TestImageCache : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void secondRequestIsAHit();
    void pixelsMatchTheTransform();
    void leastRecentlyUsedIsEvicted();
    void diskCacheSurvivesANewProcess();
    void damagedDiskFileIsRebuilt();
    void undecodableImageIsLeftOutAndListed();
    void stratifiedSubsets();
    void subsetLargerThanSplitIsAnError();
    void tensorsAreNchwInMinusOneToOne();
    void sourcesForTraining();

private:
    QTemporaryDir dir_;
    std::shared_ptr<const Dataset> ds_;
};

void TestImageCache::initTestCase() {
    const fs::path root = fs::path(dir_.path().toStdString()) / "data";
    for (int i = 0; i < 30; ++i)
        fixtures::writeImage(root / "train" / (i % 3 == 0 ? "1" : "0") /
                                 ("i" + std::to_string(i) + ".jpg"),
                             fixtures::pattern(48 + i, 40, i));
    for (int i = 0; i < 6; ++i)
        fixtures::writeImage(root / "val" / std::to_string(i % 2) /
                                 ("v" + std::to_string(i) + ".png"),
                             fixtures::pattern(30, 30, 100 + i));
    fixtures::writeCorruptJpeg(root / "val" / "1" / "corrupt.jpg");
    ds_ = loadDataset(root.string(), {});
}

void TestImageCache::secondRequestIsAHit() {
    ImageCache cache(ds_, {});
    const auto a = cache.get({32, ColourMode::Rgb}, Split::Train);
    const auto b = cache.get({32, ColourMode::Rgb}, Split::Train);
    QCOMPARE(a.get(), b.get()); // the same set, not rebuilt
    QCOMPARE(cache.stats().misses, 1LL);
    QCOMPARE(cache.stats().hits, 1LL);
    QCOMPARE(a->rows(), std::size_t{30});
    const auto gray = cache.get({32, ColourMode::Grayscale}, Split::Train);
    QVERIFY(gray.get() != a.get());
    QCOMPARE(gray->bytesPerImage() * 3, a->bytesPerImage());
    QCOMPARE(cache.stats().sets, std::size_t{2});
}

void TestImageCache::pixelsMatchTheTransform() {
    ImageCache cache(ds_, {0, {}, 2});
    const DataConfig config{24, ColourMode::Grayscale};
    const auto set = cache.get(config, Split::Train);
    for (std::size_t row = 0; row < set->rows(); row += 7) {
        const auto& sample = ds_->samples[set->samples[row]];
        std::vector<std::uint8_t> expected(bytesPerImage(config));
        evalTransform(ds_->images->load(sample.image), config, expected.data());
        QVERIFY(std::equal(expected.begin(), expected.end(), set->image(row)));
        QCOMPARE(set->labels[row], sample.label);
    }
}

void TestImageCache::leastRecentlyUsedIsEvicted() {
    // ImageSet::bytes(): pixels + 10 bytes of index and label per row.
    const Bytes rgb32 = 30 * 32 * 32 * 3 + 300, gray32 = 30 * 32 * 32 + 300,
                rgb40 = 30 * 40 * 40 * 3 + 300;
    const Bytes budget = rgb32 + rgb40 + gray32 / 2; // room for two of the three
    ImageCache cache(ds_, {budget, {}, 2});
    const auto first = cache.get({32, ColourMode::Rgb}, Split::Train);
    cache.get({32, ColourMode::Grayscale}, Split::Train);
    cache.get({32, ColourMode::Rgb}, Split::Train); // touch: now the gray set is the oldest
    cache.get({40, ColourMode::Rgb}, Split::Train); // over budget
    QCOMPARE(cache.stats().evictions, 1LL);
    QCOMPARE(cache.stats().bytesInMemory, rgb32 + rgb40);
    const auto again = cache.get({32, ColourMode::Rgb}, Split::Train);
    QCOMPARE(again.get(), first.get()); // kept: it was recently used
    const auto misses = cache.stats().misses;
    cache.get({32, ColourMode::Grayscale}, Split::Train);
    QCOMPARE(cache.stats().misses, misses + 1); // evicted, so rebuilt
    QVERIFY(first->rows() == 30);               // evicted sets stay valid for their holders
}

void TestImageCache::diskCacheSurvivesANewProcess() {
    const fs::path disk = fs::path(dir_.path().toStdString()) / "diskcache";
    const DataConfig config{20, ColourMode::Rgb};
    std::vector<std::uint8_t> pixels;
    {
        ImageCache cache(ds_, {1LL << 30, disk, 2});
        pixels = cache.get(config, Split::Train)->pixels;
        QCOMPARE(cache.stats().diskHits, 0LL);
    }
    QVERIFY(!fs::is_empty(disk));
    ImageCache fresh(ds_, {1LL << 30, disk, 2});
    const auto set = fresh.get(config, Split::Train);
    QCOMPARE(fresh.stats().diskHits, 1LL);
    QVERIFY(set->pixels == pixels);
    QCOMPARE(set->rows(), std::size_t{30});
}

void TestImageCache::damagedDiskFileIsRebuilt() {
    const fs::path disk = fs::path(dir_.path().toStdString()) / "damaged";
    const DataConfig config{16, ColourMode::Grayscale};
    std::vector<std::uint8_t> pixels;
    {
        ImageCache cache(ds_, {1LL << 30, disk, 2});
        pixels = cache.get(config, Split::Train)->pixels;
    }
    for (const auto& f : fs::directory_iterator(disk))
        fs::resize_file(f.path(), fs::file_size(f.path()) / 2); // cut in half
    ImageCache fresh(ds_, {1LL << 30, disk, 2});
    const auto set = fresh.get(config, Split::Train);
    QCOMPARE(fresh.stats().diskHits, 0LL);
    QVERIFY(set->pixels == pixels);
}

void TestImageCache::undecodableImageIsLeftOutAndListed() {
    ImageCache cache(ds_, {});
    const auto val = ds_->indices(Split::Validation);
    QCOMPARE(val.size(), std::size_t{7}); // the corrupt file passes the cheap check
    const auto set = cache.get({16, ColourMode::Rgb}, Split::Validation);
    QCOMPARE(set->rows(), std::size_t{6});
    const auto failures = cache.failures();
    QCOMPARE(failures.size(), std::size_t{1});
    QVERIFY(failures[0].file.ends_with("corrupt.jpg"));
    QVERIFY(failures[0].reason.find("corrupt") != std::string::npos);
}

void TestImageCache::stratifiedSubsets() {
    const auto all = ds_->indices(Split::Train); // 10 person, 20 no_person
    const auto subset = ds_->subset(Split::Train, 9, 42);
    QCOMPARE(subset.size(), std::size_t{9});
    QCOMPARE(ds_->perClass(subset), (std::vector<std::size_t>{6, 3}));
    QCOMPARE(ds_->subset(Split::Train, 9, 42), subset); // seeded
    QVERIFY(ds_->subset(Split::Train, 9, 43) != subset);
    QVERIFY(std::is_sorted(subset.begin(), subset.end()));
    for (const auto i : subset)
        QVERIFY(std::find(all.begin(), all.end(), i) != all.end());
    ImageCache cache(ds_, {});
    QCOMPARE(cache.get({16, ColourMode::Rgb}, subset)->rows(), std::size_t{9});
}

void TestImageCache::subsetLargerThanSplitIsAnError() {
    try {
        ds_->subset(Split::Validation, 50, 1);
        QFAIL("expected InputError");
    } catch (const InputError& e) {
        QVERIFY(std::string(e.what()).find("has 7 samples, fewer than the 50 requested") !=
                std::string::npos);
    }
}

void TestImageCache::tensorsAreNchwInMinusOneToOne() {
    ImageCache cache(ds_, {});
    const auto set = cache.get({12, ColourMode::Rgb}, Split::Train);
    const auto t = imagesToTensor(*set, 2, 7);
    QCOMPARE(t.sizes().vec(), (std::vector<std::int64_t>{5, 3, 12, 12}));
    QVERIFY(t.min().item<float>() >= -1.0f);
    QVERIFY(t.max().item<float>() <= 1.0f);
    // Channel c of pixel (y, x) of row 3 is byte (y * 12 + x) * 3 + c.
    const std::uint8_t* img = set->image(3);
    QCOMPARE(t[1][2][5][4].item<float>(), (img[(5 * 12 + 4) * 3 + 2] - 128) / 128.0f);
    const auto labels = labelsToTensor(*set, 2, 7);
    QCOMPARE(labels.size(0), std::int64_t{5});
    QCOMPARE(labels[0].item<std::int64_t>(), std::int64_t{set->labels[2]});
}

void TestImageCache::sourcesForTraining() {
    ImageCache cache(ds_, {});
    const auto sources = cache.sources(36, ds_->indices(Split::Train));
    QVERIFY(sources->bgr);
    QCOMPARE(sources->config.resolution, 36);
    QCOMPARE(sources->channels(), 3);
    QCOMPARE(sources->rows(), std::size_t{30});
}

QTEST_APPLESS_MAIN(TestImageCache)
#include "tst_image_cache.moc"
