#include <zlib.h>

#include <QtTest>

#include "common/error.h"
#include "data/dataset_loader.h"
#include "data/idx_reader.h"
#include "support/image_fixtures.h"

using namespace dnas;

namespace {

void putBigEndian(std::vector<char>& out, std::uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8)
        out.push_back(static_cast<char>((v >> shift) & 0xFF));
}

// n images of rows x cols where pixel (r, c) of image i is (i * 7 + r * cols + c) % 256.
std::vector<char> idxImages(std::uint32_t n, std::uint32_t rows, std::uint32_t cols) {
    std::vector<char> out;
    putBigEndian(out, 0x00000803);
    putBigEndian(out, n);
    putBigEndian(out, rows);
    putBigEndian(out, cols);
    for (std::uint32_t i = 0; i < n; ++i)
        for (std::uint32_t p = 0; p < rows * cols; ++p)
            out.push_back(static_cast<char>((i * 7 + p) % 256));
    return out;
}

std::vector<char> idxLabels(const std::vector<int>& labels) {
    std::vector<char> out;
    putBigEndian(out, 0x00000801);
    putBigEndian(out, static_cast<std::uint32_t>(labels.size()));
    for (int l : labels)
        out.push_back(static_cast<char>(l));
    return out;
}

void writeGzip(const std::filesystem::path& path, const std::vector<char>& bytes) {
    gzFile f = gzopen(path.string().c_str(), "wb");
    gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size()));
    gzclose(f);
}

} // namespace

class TestIdxReader : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void readsPlainAndGzipped();
    void folderWithTrainAndTest();
    void badFiles_data();
    void badFiles();
    void fashionMnistBinaryStandIn();
    void fashionMnistTenClasses();

private:
    QTemporaryDir dir_;
};

void TestIdxReader::readsPlainAndGzipped() {
    const std::filesystem::path root = dir_.filePath(QStringLiteral("plain")).toStdString();
    std::filesystem::create_directories(root);
    fixtures::writeBytes(root / "train-images-idx3-ubyte", idxImages(5, 4, 3));
    writeGzip(root / "train-labels-idx1-ubyte",
              idxLabels({0, 1, 2, 1, 0})); // gzip under a plain name
    const auto images = readIdxImages(root / "train-images-idx3-ubyte");
    QCOMPARE(images->size(), std::size_t{5});
    const cv::Mat third = images->load(2);
    QCOMPARE(third.rows, 4);
    QCOMPARE(third.cols, 3);
    QCOMPARE(third.channels(), 1);
    QCOMPARE(int(third.at<std::uint8_t>(1, 2)), (2 * 7 + 1 * 3 + 2) % 256);
    const auto labels = readIdxLabels(root / "train-labels-idx1-ubyte");
    QCOMPARE(labels, (std::vector<std::uint8_t>{0, 1, 2, 1, 0}));
}

void TestIdxReader::folderWithTrainAndTest() {
    const std::filesystem::path root = dir_.filePath(QStringLiteral("mnistlike")).toStdString();
    std::filesystem::create_directories(root);
    writeGzip(root / "train-images-idx3-ubyte.gz", idxImages(40, 6, 6));
    std::vector<int> trainLabels;
    for (int i = 0; i < 40; ++i)
        trainLabels.push_back(i % 4);
    writeGzip(root / "train-labels-idx1-ubyte.gz", idxLabels(trainLabels));
    writeGzip(root / "t10k-images-idx3-ubyte.gz", idxImages(8, 6, 6));
    writeGzip(root / "t10k-labels-idx1-ubyte.gz", idxLabels({0, 1, 2, 3, 0, 1, 2, 3}));
    DatasetOptions options;
    options.validationHoldout = 0.25;
    const auto ds = loadDataset(root.string(), options);
    QCOMPARE(ds->format, std::string("idx"));
    QCOMPARE(ds->classes, (std::vector<std::string>{"0", "1", "2", "3"}));
    QCOMPARE(ds->sourceIndices(Split::Train).size(), std::size_t{40});
    QCOMPARE(ds->count(Split::Test), std::size_t{8});
    const auto validation = ds->count(Split::Validation);
    QVERIFY(validation > 3 && validation < 20); // about a quarter of 40, chosen by hash
    QCOMPARE(ds->count(Split::Train) + validation, std::size_t{40});
    QVERIFY(ds->grayImages);
    // Test records follow the training records in the shared source.
    QCOMPARE(ds->images->key(ds->samples[40].image),
             std::string("t10k-images-idx3-ubyte.gz record 0"));
    // Same files, same hold-out and fingerprint.
    const auto again = loadDataset(root.string(), options);
    QCOMPARE(again->fingerprint, ds->fingerprint);
    QCOMPARE(again->indices(Split::Validation), ds->indices(Split::Validation));
}

void TestIdxReader::badFiles_data() {
    QTest::addColumn<QByteArray>("images");
    QTest::addColumn<QByteArray>("labels");
    QTest::addColumn<QString>("message");
    auto bytes = [](const std::vector<char>& v) {
        return QByteArray(v.data(), static_cast<qsizetype>(v.size()));
    };
    auto truncated = idxImages(10, 5, 5);
    truncated.resize(truncated.size() - 7);
    auto wrongMagic = idxImages(3, 5, 5);
    wrongMagic[3] = 0x01;
    QTest::addRow("truncated images")
        << bytes(truncated) << bytes(idxLabels(std::vector<int>(10, 0))) << "truncated?";
    QTest::addRow("wrong magic") << bytes(wrongMagic) << bytes(idxLabels({0, 0, 0}))
                                 << "not an IDX image file";
    QTest::addRow("count mismatch")
        << bytes(idxImages(3, 5, 5)) << bytes(idxLabels({0, 1})) << "2 labels for 3 images";
    QTest::addRow("short header") << QByteArray("\0\0\x08", 3) << bytes(idxLabels({0}))
                                  << "too short";
}

void TestIdxReader::badFiles() {
    QFETCH(QByteArray, images);
    QFETCH(QByteArray, labels);
    QFETCH(QString, message);
    const std::filesystem::path root =
        dir_.filePath(QStringLiteral("bad_%1").arg(QTest::currentDataTag())).toStdString();
    fixtures::writeBytes(root / "train-images-idx3-ubyte", {images.begin(), images.end()});
    fixtures::writeBytes(root / "train-labels-idx1-ubyte", {labels.begin(), labels.end()});
    try {
        loadDataset(root.string(), {});
        QFAIL("expected InputError");
    } catch (const InputError& e) {
        QVERIFY2(QString::fromStdString(e.what()).contains(message), e.what());
        QVERIFY2(e.problems().front().file.find(root.string()) == 0, e.what()); // names the file
    }
}

void TestIdxReader::fashionMnistBinaryStandIn() {
    if (!std::filesystem::exists(fashionMnistDir()))
        QSKIP("dataset-fashion-mnist is not installed");
    const auto ds = loadDataset("fashion-mnist:binary", {});
    QVERIFY(ds->standIn);
    QVERIFY(ds->binaryPersonTask);
    QVERIFY(ds->note.find("STAND-IN") != std::string::npos);
    const auto train = ds->sourceIndices(Split::Train);
    const auto test = ds->sourceIndices(Split::Test);
    QCOMPARE(train.size(), std::size_t{60000});
    QCOMPARE(test.size(), std::size_t{10000});
    QCOMPARE(ds->perClass(train), (std::vector<std::size_t>{30000, 30000}));
    QCOMPARE(ds->perClass(test), (std::vector<std::size_t>{5000, 5000}));
    const auto validation = ds->count(Split::Validation);
    QVERIFY(validation > 5500 && validation < 6500); // 10 % held out by hash
    const cv::Mat first = ds->images->load(0);
    QCOMPARE(first.rows, 28);
    QCOMPARE(first.cols, 28);
}

void TestIdxReader::fashionMnistTenClasses() {
    if (!std::filesystem::exists(fashionMnistDir()))
        QSKIP("dataset-fashion-mnist is not installed");
    const auto ds = loadDataset("fashion-mnist", {});
    QCOMPARE(ds->classes.size(), std::size_t{10});
    QCOMPARE(ds->classes[0], std::string("T-shirt/top"));
    QVERIFY(!ds->standIn);
    for (const auto n : ds->perClass(ds->sourceIndices(Split::Test)))
        QCOMPARE(n, std::size_t{1000});
}

QTEST_APPLESS_MAIN(TestIdxReader)
#include "tst_idx_reader.moc"
