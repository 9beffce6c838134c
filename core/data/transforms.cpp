#include "data/transforms.h"

#include <algorithm>
#include <cmath>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "common/rng.h"

namespace dnas {
namespace {

void convertColour(const cv::Mat& resized, ColourMode colour, std::uint8_t* out) {
    const int r = resized.rows;
    if (colour == ColourMode::Grayscale) {
        cv::Mat dst(r, r, CV_8UC1, out);
        if (resized.channels() == 1) {
            resized.copyTo(dst);
        } else {
            // BGR order: weights for B, G, R.
            static const cv::Matx13f luma(0.1140f, 0.5870f, 0.2989f);
            cv::transform(resized, dst, luma);
        }
    } else {
        cv::Mat dst(r, r, CV_8UC3, out);
        cv::cvtColor(resized, dst,
                     resized.channels() == 1 ? cv::COLOR_GRAY2RGB : cv::COLOR_BGR2RGB);
    }
}

int interpolationFor(int from, int to) {
    return to < from ? cv::INTER_AREA : cv::INTER_LINEAR;
}

} // namespace

void resizeAndConvert(const cv::Mat& crop, const DataConfig& config, std::uint8_t* out) {
    const int r = config.resolution;
    cv::Mat resized;
    if (crop.rows == r && crop.cols == r)
        resized = crop;
    else
        cv::resize(crop, resized, cv::Size(r, r), 0, 0,
                   interpolationFor(std::min(crop.rows, crop.cols), r));
    convertColour(resized, config.colour, out);
}

void evalTransform(const cv::Mat& image, const DataConfig& config, std::uint8_t* out) {
    const int r = config.resolution;
    const int shorter = std::min(image.rows, image.cols);
    const double scale = static_cast<double>(r) / shorter;
    const int w = std::max(r, static_cast<int>(std::lround(image.cols * scale)));
    const int h = std::max(r, static_cast<int>(std::lround(image.rows * scale)));
    cv::Mat resized;
    if (w == image.cols && h == image.rows)
        resized = image;
    else
        cv::resize(image, resized, cv::Size(w, h), 0, 0, interpolationFor(shorter, r));
    const cv::Rect centre((w - r) / 2, (h - r) / 2, r, r);
    convertColour(resized(centre), config.colour, out);
}

cv::Mat randomCropAndFlip(const cv::Mat& image, Rng& rng, const TrainAugment& augment) {
    const double area = static_cast<double>(image.rows) * image.cols;
    cv::Rect crop;
    for (int attempt = 0; attempt < 10 && crop.empty(); ++attempt) {
        const double share = augment.minArea + (augment.maxArea - augment.minArea) * rng.uniform();
        const double logRatio =
            std::log(augment.minAspect) +
            (std::log(augment.maxAspect) - std::log(augment.minAspect)) * rng.uniform();
        const double ratio = std::exp(logRatio);
        const int cw = static_cast<int>(std::lround(std::sqrt(share * area * ratio)));
        const int ch = static_cast<int>(std::lround(std::sqrt(share * area / ratio)));
        if (cw >= 1 && ch >= 1 && cw <= image.cols && ch <= image.rows)
            crop =
                cv::Rect(rng.between(0, image.cols - cw), rng.between(0, image.rows - ch), cw, ch);
    }
    if (crop.empty()) { // fall back to the central square
        const int side = std::min(image.rows, image.cols);
        crop = cv::Rect((image.cols - side) / 2, (image.rows - side) / 2, side, side);
    }
    cv::Mat patch = image(crop);
    if (rng.chance(augment.flipProbability)) {
        cv::Mat flipped;
        cv::flip(patch, flipped, 1);
        return flipped;
    }
    return patch;
}

void trainTransform(const cv::Mat& image, const DataConfig& config, Rng& rng, std::uint8_t* out,
                    const TrainAugment& augment) {
    resizeAndConvert(randomCropAndFlip(image, rng, augment), config, out);
}

} // namespace dnas
