#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "common/units.h"
#include "space/genome.h"

namespace dnas {

// Transformed uint8 images of some samples at one data configuration, row by row
// (resolution x resolution x channels, HWC; RGB or gray), with their labels. Immutable once
// built and shared between threads through std::shared_ptr<const ImageSet>.
struct ImageSet {
    DataConfig config;
    bool bgr = false; // channel order BGR (source sets for training crops) instead of RGB
    std::vector<std::size_t> samples; // dataset sample index of each row
    std::vector<std::int16_t> labels;
    std::vector<std::uint8_t> pixels;

    std::size_t rows() const { return samples.size(); }
    int channels() const { return channelsOf(config.colour); }
    std::size_t bytesPerImage() const {
        return static_cast<std::size_t>(config.resolution) *
               static_cast<std::size_t>(config.resolution) * static_cast<std::size_t>(channels());
    }
    const std::uint8_t* image(std::size_t row) const {
        return pixels.data() + row * bytesPerImage();
    }
    Bytes bytes() const {
        return static_cast<Bytes>(pixels.size() + samples.size() * sizeof(std::size_t) +
                                  labels.size() * 2);
    }
};

} // namespace dnas
