#include <set>

#include <QtTest>

#include <opencv2/imgproc.hpp>

#include "common/rng.h"
#include "data/transforms.h"

using namespace dnas;

class TestTransforms : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void evalResizesShorterSideAndCentreCrops();
    void rgbOrderAndLuma();
    void graySourceToRgbReplicates();
    void trainTransformIsSeededAndVaried();
};

void TestTransforms::evalResizesShorterSideAndCentreCrops() {
    // 40 x 20 (w x h): left quarter blue, middle half green, right quarter red (BGR).
    cv::Mat img(20, 40, CV_8UC3, cv::Scalar(0, 255, 0));
    img(cv::Rect(0, 0, 10, 20)).setTo(cv::Scalar(255, 0, 0));
    img(cv::Rect(30, 0, 10, 20)).setTo(cv::Scalar(0, 0, 255));
    const DataConfig config{10, ColourMode::Rgb};
    std::vector<std::uint8_t> out(bytesPerImage(config));
    evalTransform(img, config, out.data());
    // Shorter side 20 -> 10 makes it 20 x 10; the centre crop keeps x in [5, 15): all green.
    for (int p = 0; p < 100; ++p) {
        QCOMPARE(int(out[p * 3 + 0]), 0);
        QCOMPARE(int(out[p * 3 + 1]), 255);
        QCOMPARE(int(out[p * 3 + 2]), 0);
    }
}

void TestTransforms::rgbOrderAndLuma() {
    const cv::Mat red(8, 8, CV_8UC3, cv::Scalar(0, 0, 255)); // BGR red
    std::vector<std::uint8_t> rgb(bytesPerImage({8, ColourMode::Rgb}));
    evalTransform(red, {8, ColourMode::Rgb}, rgb.data());
    QCOMPARE(int(rgb[0]), 255); // R first
    QCOMPARE(int(rgb[1]), 0);
    QCOMPARE(int(rgb[2]), 0);
    std::vector<std::uint8_t> gray(bytesPerImage({8, ColourMode::Grayscale}));
    evalTransform(red, {8, ColourMode::Grayscale}, gray.data());
    QCOMPARE(int(gray[0]), 76);                                   // round(0.2989 x 255)
    const cv::Mat mixed(8, 8, CV_8UC3, cv::Scalar(200, 100, 50)); // B 200, G 100, R 50
    evalTransform(mixed, {4, ColourMode::Grayscale}, gray.data());
    QCOMPARE(int(gray[0]), int(std::lround(0.2989 * 50 + 0.5870 * 100 + 0.1140 * 200)));
}

void TestTransforms::graySourceToRgbReplicates() {
    const cv::Mat gray(28, 28, CV_8UC1, cv::Scalar(123));
    std::vector<std::uint8_t> out(bytesPerImage({32, ColourMode::Rgb}));
    evalTransform(gray, {32, ColourMode::Rgb}, out.data()); // 28 -> 32: enlarged
    for (std::size_t i = 0; i < out.size(); ++i)
        QCOMPARE(int(out[i]), 123);
}

void TestTransforms::trainTransformIsSeededAndVaried() {
    // Horizontal ramp: column x has value 4x, so crops and flips change the output.
    cv::Mat ramp(64, 64, CV_8UC1);
    for (int x = 0; x < 64; ++x)
        ramp.col(x).setTo(x * 4);
    const DataConfig config{16, ColourMode::Grayscale};
    std::vector<std::uint8_t> a(bytesPerImage(config)), b(bytesPerImage(config));
    Rng r1(5), r2(5);
    trainTransform(ramp, config, r1, a.data());
    trainTransform(ramp, config, r2, b.data());
    QCOMPARE(a, b); // same seed, same crop and flip
    int flipped = 0, plain = 0;
    std::set<std::string> distinct;
    Rng rng(11);
    for (int i = 0; i < 200; ++i) {
        trainTransform(ramp, config, rng, a.data());
        distinct.insert(std::string(a.begin(), a.end()));
        (a[0] > a[15] ? flipped : plain)++;
        // The crop covers at least 60 % of the area: never a sliver of one column.
        QVERIFY(std::abs(int(a[15]) - int(a[0])) > 4 * 20);
    }
    QVERIFY(flipped > 60 && plain > 60); // p = 0.5
    QVERIFY(distinct.size() > 100);
}

QTEST_APPLESS_MAIN(TestTransforms)
#include "tst_transforms.moc"
