#pragma once

#include <cstddef>
#include <cstdint>

#include <opencv2/core/mat.hpp>

#include "space/genome.h"

namespace dnas {

class Rng;

// Bytes of one transformed image: resolution x resolution x (1 or 3), uint8, HWC.
inline std::size_t bytesPerImage(const DataConfig& c) {
    return static_cast<std::size_t>(c.resolution) * static_cast<std::size_t>(c.resolution) *
           static_cast<std::size_t>(channelsOf(c.colour));
}

// The evaluation transform of a data configuration: shorter side resized to the resolution
// (area interpolation when shrinking, bilinear when enlarging), centre crop, then colour:
// RGB channel order, or gray by luma weights 0.2989 R + 0.5870 G + 0.1140 B; a gray source
// asked for RGB is replicated. `image` is 8-bit gray or BGR; writes bytesPerImage(config)
// bytes to `out`.
void evalTransform(const cv::Mat& image, const DataConfig& config, std::uint8_t* out);

// Training augmentation: random resized crop (area share and log-uniform aspect ratio as
// below, as in the seed paper's Inception-style crop) and horizontal flip, then the colour
// step of evalTransform.
struct TrainAugment {
    double minArea = 0.6;
    double maxArea = 1.0;
    double minAspect = 3.0 / 4.0;
    double maxAspect = 4.0 / 3.0;
    double flipProbability = 0.5;
};
void trainTransform(const cv::Mat& image, const DataConfig& config, Rng& rng, std::uint8_t* out,
                    const TrainAugment& augment = {});

// The random part of trainTransform(): the cropped (and maybe flipped) patch, to be resized
// to several data configurations (the sandwich rule's subnets see the same patch).
cv::Mat randomCropAndFlip(const cv::Mat& image, Rng& rng, const TrainAugment& augment = {});

// Square crop resized to resolution x resolution and converted to the colour mode.
void resizeAndConvert(const cv::Mat& crop, const DataConfig& config, std::uint8_t* out);

} // namespace dnas
