#include <QtTest>

#include "common/error.h"
#include "data/dataset_loader.h"
#include "data/wake_vision_reader.h"
#include "support/image_fixtures.h"

using namespace dnas;
namespace fs = std::filesystem;

namespace {

const char* kValidationHeader = "filename,person,depiction,body_part,predominantly_female,"
                                "predominantly_male,gender_unknown,young,"
                                "middle_age,older,age_unknown,near,medium_distance,far,dark,normal_"
                                "lighting,bright,person_depiction,"
                                "non-person_depiction,non-person_non-depiction";

std::string validationRow(const std::string& file, const std::string& person, bool far) {
    // 18 flags after filename and person; `far` is the 12th flag (column 14).
    std::string row = file + "," + person;
    for (int flag = 0; flag < 18; ++flag)
        row += flag == 11 ? (far ? ",1" : ",0") : ",0";
    return row;
}

} // namespace

class TestWakeVisionReader : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void readsOfficialCsvs();
    void badRowsAreSkippedWithLine();
    void unknownHeaderSkipsTheFile();
    void csvSplitting();

private:
    QTemporaryDir dir_;
    fs::path root_;
};

void TestWakeVisionReader::initTestCase() {
    root_ = dir_.path().toStdString();
    // Images spread over nested folders, found by base name.
    for (int i = 0; i < 8; ++i)
        fixtures::writeImage(root_ / "images" / ("part" + std::to_string(i % 3)) /
                                 ("wv_" + std::to_string(i) + ".jpg"),
                             fixtures::pattern(50, 40, i));
}

void TestWakeVisionReader::readsOfficialCsvs() {
    const fs::path labels = root_ / "labels_ok";
    fixtures::writeText(labels / "wake_vision_train_large.csv",
                        "filename,person\nwv_0.jpg,1\nwv_1.jpg,0\n\nwv_2.jpg,1\n");
    fixtures::writeText(labels / "wake_vision_train_quality.csv",
                        "filename,person,depiction,body_part\nwv_3.jpg,0,1,0\n");
    fixtures::writeText(labels / "wake_vision_validation.csv",
                        std::string(kValidationHeader) + "\n" +
                            validationRow("wv_4.jpg", "1", true) + "\n" +
                            validationRow("wv_5.jpg", "0", false) + "\n");
    fixtures::writeText(labels / "wake_vision_test.csv", std::string(kValidationHeader) + "\r\n" +
                                                             validationRow("wv_6.jpg", "1", false) +
                                                             "\r\n");
    DatasetOptions options;
    options.imageDir = root_ / "images";
    const auto ds = loadDataset(labels.string(), options);
    QCOMPARE(ds->format, std::string("wake-vision-csv"));
    QVERIFY(ds->binaryPersonTask);
    QCOMPARE(ds->count(Split::Train), std::size_t{4});
    QCOMPARE(ds->count(Split::Validation), std::size_t{2});
    QCOMPARE(ds->count(Split::Test), std::size_t{1});
    QVERIFY2(ds->skipped.empty(), ds->skipped.empty() ? "" : ds->skipped.front().reason.c_str());
    QCOMPARE(ds->flagNames.size(), std::size_t{18});
    const auto farColumn = static_cast<std::size_t>(
        std::find(ds->flagNames.begin(), ds->flagNames.end(), "far") - ds->flagNames.begin());
    QVERIFY(farColumn < ds->flagNames.size());
    // The flags survive per sample: train_large rows have none (-1), validation has them.
    for (std::size_t i = 0; i < ds->samples.size(); ++i) {
        const auto key = fs::path(ds->images->key(ds->samples[i].image)).filename().string();
        const auto far = ds->flags[i * ds->flagNames.size() + farColumn];
        if (key == "wv_4.jpg")
            QCOMPARE(int(far), 1);
        else if (key == "wv_5.jpg" || key == "wv_6.jpg")
            QCOMPARE(int(far), 0);
        else
            QCOMPARE(int(far), -1);
    }
    const cv::Mat img = ds->images->load(ds->samples[0].image);
    QCOMPARE(img.cols, 50);
}

void TestWakeVisionReader::badRowsAreSkippedWithLine() {
    const fs::path labels = root_ / "labels_bad";
    fixtures::writeText(labels / "wake_vision_validation.csv",
                        "filename,person\n"  // line 1
                        "wv_0.jpg,1\n"       // 2 ok
                        "wv_1.jpg,-1\n"      // 3 person -1 (exists in the official data)
                        "\n"                 // 4 blank: ignored
                        "wv_2.jpg,yes\n"     // 5 not 0/1
                        "missing.jpg,0\n"    // 6 listed image does not exist
                        "wv_3.jpg,0,extra\n" // 7 wrong field count
                        "wv_7.jpg,0\n");     // 8 ok
    DatasetOptions options;
    options.imageDir = root_ / "images";
    const auto ds = loadDataset((labels / "wake_vision_validation.csv").string(), options);
    QCOMPARE(ds->samples.size(), std::size_t{2});
    QCOMPARE(ds->skipped.size(), std::size_t{4});
    const auto& s = ds->skipped;
    QCOMPARE(s[0].line, 3);
    QVERIFY(s[0].reason.find("person is '-1', not 0 or 1") != std::string::npos);
    QCOMPARE(s[1].line, 5);
    QCOMPARE(s[2].line, 6);
    QVERIFY(s[2].reason.find("'missing.jpg' not found") != std::string::npos);
    QCOMPARE(s[3].line, 7);
    QVERIFY(s[3].reason.find("expected 2 fields, found 3") != std::string::npos);
    for (const auto& item : s)
        QVERIFY(item.file.ends_with("wake_vision_validation.csv"));
}

void TestWakeVisionReader::unknownHeaderSkipsTheFile() {
    const fs::path labels = root_ / "labels_header";
    fixtures::writeText(labels / "wake_vision_train_large.csv", "image,label\nwv_0.jpg,1\n");
    fixtures::writeText(labels / "wake_vision_test.csv", "filename,person\nwv_1.jpg,1\n");
    DatasetOptions options;
    options.imageDir = root_ / "images";
    const auto ds = loadDataset(labels.string(), options);
    QCOMPARE(ds->samples.size(), std::size_t{1}); // the other CSV still loads
    QCOMPARE(ds->skipped.size(), std::size_t{1});
    QCOMPARE(ds->skipped[0].line, 1);
    QVERIFY(ds->skipped[0].reason.find("unknown CSV header 'image,label'") != std::string::npos);
    // With no readable CSV at all, loading fails and says why.
    fs::remove(labels / "wake_vision_test.csv");
    try {
        loadDataset(labels.string(), options);
        QFAIL("expected InputError");
    } catch (const InputError& e) {
        QVERIFY(std::string(e.what()).find("unknown CSV header") != std::string::npos);
    }
}

void TestWakeVisionReader::csvSplitting() {
    QCOMPARE(splitCsvLine("a,b,c"), (std::vector<std::string>{"a", "b", "c"}));
    QCOMPARE(splitCsvLine("\"x,y\",1\r"), (std::vector<std::string>{"x,y", "1"}));
    QCOMPARE(splitCsvLine("\"say \"\"hi\"\"\", 0 "), (std::vector<std::string>{"say \"hi\"", "0"}));
    QCOMPARE(splitCsvLine(""), (std::vector<std::string>{""}));
}

QTEST_APPLESS_MAIN(TestWakeVisionReader)
#include "tst_wake_vision_reader.moc"
