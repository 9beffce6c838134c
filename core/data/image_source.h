#pragma once

#include <cstddef>
#include <string>

#include <opencv2/core/mat.hpp>

namespace dnas {

// Where a dataset's pixels come from: image files, or the records of an IDX file.
// load() is called from several threads at once and must be thread-safe.
class ImageSource {
public:
    virtual ~ImageSource() = default;
    virtual std::size_t size() const = 0;
    // Item `i` as 8-bit pixels, 1 channel (gray) or 3 (BGR, OpenCV's order). Throws
    // ImageDecodeError when the item cannot be decoded.
    virtual cv::Mat load(std::size_t i) const = 0;
    // A name for item `i` in messages: its path, or "<file> record N".
    virtual std::string key(std::size_t i) const = 0;
    // A name that does not change when the dataset folder moves (a path relative to the
    // dataset's root): what deterministic splits and fingerprints hash.
    virtual std::string stableKey(std::size_t i) const { return key(i); }
};

} // namespace dnas
