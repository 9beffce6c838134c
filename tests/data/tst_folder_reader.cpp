#include <QtTest>

#include <opencv2/imgproc.hpp>

#include "common/error.h"
#include "data/dataset_loader.h"
#include "data/image_decoder.h"
#include "data/openclipart.h"
#include "support/image_fixtures.h"

using namespace dnas;
namespace fs = std::filesystem;

class TestFolderReader : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void wakeVisionDownloadLayout();
    void classNamesSortAlphabetically();
    void hashSplitIsDeterministic();
    void badFilesAreSkippedWithReasons();
    void unusualImagesDecode_data();
    void unusualImagesDecode();
    void pathThatDoesNotExist();
    void folderWithoutClasses();
    void openClipartTasks();

private:
    QTemporaryDir dir_;
    fs::path root_;
};

void TestFolderReader::initTestCase() {
    root_ = dir_.path().toStdString();
}

void TestFolderReader::wakeVisionDownloadLayout() {
    const fs::path root = root_ / "wake_vision";
    int seed = 0;
    for (const char* split : {"train_quality", "validation", "test"})
        for (const char* cls : {"0", "1"})
            for (int i = 0; i < 3; ++i, ++seed)
                fixtures::writeImage(root / split / cls / ("img" + std::to_string(seed) + ".jpg"),
                                     fixtures::pattern(40 + seed, 30, seed));
    const auto ds = loadDataset(root.string(), {});
    QCOMPARE(ds->format, std::string("image-folders"));
    QVERIFY(ds->binaryPersonTask);
    QCOMPARE(ds->classes, (std::vector<std::string>{"no_person", "person"}));
    QCOMPARE(ds->count(Split::Train), std::size_t{6});
    QCOMPARE(ds->count(Split::Validation), std::size_t{6}); // the source has one: nothing held out
    QCOMPARE(ds->count(Split::Test), std::size_t{6});
    QCOMPARE(ds->perClass(ds->indices(Split::Test)), (std::vector<std::size_t>{3, 3}));
    QVERIFY(ds->skipped.empty());
    // Folder "1" is the person class.
    for (const auto i : ds->indices(Split::Train)) {
        const auto key = ds->images->key(ds->samples[i].image);
        QCOMPARE(int(ds->samples[i].label), key.find("/1/") != std::string::npos ? 1 : 0);
    }
    const cv::Mat img = ds->images->load(ds->samples[0].image);
    QCOMPARE(img.channels(), 3);
    QCOMPARE(img.rows, 30);
}

void TestFolderReader::classNamesSortAlphabetically() {
    const fs::path root = root_ / "animals";
    for (const char* cls : {"zebra", "cat", "dog"})
        for (int i = 0; i < 4; ++i)
            fixtures::writeImage(root / "train" / cls / (std::to_string(i) + ".png"),
                                 fixtures::pattern(16, 16, i));
    fixtures::writeImage(root / "test" / "cat" / "t.png", fixtures::pattern(16, 16, 9));
    const auto ds = loadDataset(root.string(), {});
    QCOMPARE(ds->classes, (std::vector<std::string>{"cat", "dog", "zebra"}));
    QVERIFY(!ds->binaryPersonTask);
    QCOMPARE(ds->perClass(ds->sourceIndices(Split::Train)), (std::vector<std::size_t>{4, 4, 4}));
    // person/background names map to the person task too.
    const fs::path named = root_ / "named";
    fixtures::writeImage(named / "person" / "a.jpg", fixtures::pattern(16, 16, 1));
    fixtures::writeImage(named / "background" / "b.jpg", fixtures::pattern(16, 16, 2));
    const auto person = loadDataset(named.string(), {});
    QVERIFY(person->binaryPersonTask);
    QCOMPARE(person->classes, (std::vector<std::string>{"no_person", "person"}));
}

void TestFolderReader::hashSplitIsDeterministic() {
    const fs::path root = root_ / "nosplits";
    for (const char* cls : {"a", "b"})
        for (int i = 0; i < 100; ++i)
            fixtures::writeImage(root / cls / ("x" + std::to_string(i) + ".png"),
                                 fixtures::pattern(8, 8, i, 1));
    const auto ds = loadDataset(root.string(), {});
    const auto train = ds->count(Split::Train);
    const auto validation = ds->count(Split::Validation);
    const auto test = ds->count(Split::Test);
    QCOMPARE(train + validation + test, std::size_t{200});
    QVERIFY(train > 140 && train < 180);
    QVERIFY(validation > 8 && test > 8);
    QVERIFY(ds->note.find("hash") != std::string::npos);
    const auto again = loadDataset(root.string(), {});
    QCOMPARE(again->indices(Split::Test), ds->indices(Split::Test));
    QCOMPARE(again->fingerprint, ds->fingerprint);
}

void TestFolderReader::badFilesAreSkippedWithReasons() {
    const fs::path root = root_ / "bad";
    const auto good =
        fixtures::writeImage(root / "train" / "1" / "good.jpg", fixtures::pattern(64, 48, 1));
    fixtures::writeImage(root / "train" / "0" / "good.png", fixtures::pattern(64, 48, 2));
    fixtures::writeTruncated(good, root / "train" / "1" / "truncated.jpg", 0.6);
    fixtures::writeTruncated(root / "train" / "0" / "good.png",
                             root / "train" / "0" / "truncated.png", 0.5);
    fixtures::writeText(root / "train" / "0" / "notes.txt", "not an image");
    fixtures::writeText(root / "train" / "0" / "fake.jpg", "plain text with a .jpg name");
    fs::create_directories(root / "test" / "1");
    fixtures::writeImage(root / "test" / "0" / "t.jpg", fixtures::pattern(20, 20, 3));
    const auto ds = loadDataset(root.string(), {});
    QCOMPARE(ds->samples.size(), std::size_t{3});
    std::map<std::string, std::string> reasons;
    for (const auto& s : ds->skipped)
        reasons[fs::path(s.file).filename().string()] = s.reason;
    QCOMPARE(reasons.size(), std::size_t{5});
    QVERIFY(reasons["truncated.jpg"].find("truncated JPEG") != std::string::npos);
    QVERIFY(reasons["truncated.png"].find("truncated PNG") != std::string::npos);
    QVERIFY(reasons["notes.txt"].find("not an image file") != std::string::npos);
    QVERIFY(reasons["fake.jpg"].find("not an image") != std::string::npos);
    QVERIFY(reasons["1"].find("class folder '1' has no usable images") !=
            std::string::npos); // empty class
}

void TestFolderReader::unusualImagesDecode_data() {
    QTest::addColumn<QString>("name");
    QTest::addColumn<int>("kind");
    QTest::addColumn<int>("channels");
    QTest::addRow("png with alpha") << "alpha.png" << 0 << 3;
    QTest::addRow("grayscale jpeg") << "gray.jpg" << 1 << 1;
    QTest::addRow("16-bit png") << "deep.png" << 2 << 3;
}

void TestFolderReader::unusualImagesDecode() {
    QFETCH(QString, name);
    QFETCH(int, kind);
    QFETCH(int, channels);
    const fs::path path = root_ / "unusual" / name.toStdString();
    cv::Mat img;
    if (kind == 0) {
        img = cv::Mat(10, 12, CV_8UC4, cv::Scalar(10, 20, 30, 128));
    } else if (kind == 1) {
        img = cv::Mat(10, 12, CV_8UC1, cv::Scalar(77));
    } else {
        img = cv::Mat(10, 12, CV_16UC3, cv::Scalar(257 * 10, 257 * 20, 257 * 200));
    }
    fixtures::writeImage(path, img);
    QVERIFY(checkImageFile(path).empty());
    const cv::Mat decoded = decodeImageFile(path);
    QCOMPARE(decoded.depth(), CV_8U);
    QCOMPARE(decoded.channels(), channels);
    QCOMPARE(decoded.rows, 10);
    if (kind == 2) // 16-bit values scaled down to 8 bits
        QCOMPARE(decoded.at<cv::Vec3b>(0, 0), cv::Vec3b(10, 20, 200));
    if (kind == 0)
        QCOMPARE(decoded.at<cv::Vec3b>(0, 0), cv::Vec3b(10, 20, 30));
}

void TestFolderReader::pathThatDoesNotExist() {
    try {
        loadDataset((root_ / "missing").string(), {});
        QFAIL("expected InputError");
    } catch (const InputError& e) {
        QVERIFY(std::string(e.what()).find("no such file or folder") != std::string::npos);
        QCOMPARE(e.problems().front().file, (root_ / "missing").string());
    }
}

void TestFolderReader::folderWithoutClasses() {
    fs::create_directories(root_ / "empty");
    try {
        loadDataset((root_ / "empty").string(), {});
        QFAIL("expected InputError");
    } catch (const InputError& e) {
        QVERIFY(std::string(e.what()).find("no class folders") != std::string::npos);
    }
}

// The built-in RGB tasks on Debian's openclipart-png (an optional package: the benchmark
// task of the README, not needed by the rest of the suite).
void TestFolderReader::openClipartTasks() {
    if (!std::filesystem::is_directory(openClipartDir()))
        QSKIP("openclipart-png is not installed (apt-get install openclipart-png to run this)");
    const auto multi = loadDataset("openclipart");
    QCOMPARE(multi->classes.size(), std::size_t{7});
    QCOMPARE(multi->classes[3], std::string("people"));
    QVERIFY(multi->samples.size() > 2000);
    const double n = static_cast<double>(multi->samples.size());
    QVERIFY(std::abs(multi->count(Split::Train) / n - 0.7) < 0.05);
    QVERIFY(std::abs(multi->count(Split::Validation) / n - 0.2) < 0.05);
    for (const auto c : multi->perClass(multi->indices(Split::Validation)))
        QVERIFY(c > 0);
    const auto image = multi->images->load(multi->samples.front().image);
    QCOMPARE(image.channels(), 3);
    const auto people = loadDataset("openclipart:people");
    QVERIFY(people->binaryPersonTask);
    QCOMPARE(people->samples.size(), multi->samples.size());
    const auto perClass = people->perClass(people->indices(Split::Train));
    const auto multiPeople = multi->perClass(multi->indices(Split::Train))[3];
    QCOMPARE(perClass[1], multiPeople); // the same images, the same splits
}

QTEST_APPLESS_MAIN(TestFolderReader)
#include "tst_folder_reader.moc"
