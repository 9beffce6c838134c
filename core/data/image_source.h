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
    // A stable name for item `i`: its path, or "<file> record N". Used in messages and hashes.
    virtual std::string key(std::size_t i) const = 0;
};

} // namespace dnas
