#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <stdexcept>
#include <string>

#include <opencv2/core/mat.hpp>

namespace dnas {

// An image that cannot be used; what() says why ("truncated JPEG: no end-of-image marker").
class ImageDecodeError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Cheap structural check of an encoded image (signature, and the end marker of JPEG and PNG,
// which truncated files lack). Returns an empty string when it looks whole, else the reason.
std::string checkEncodedImage(std::span<const std::uint8_t> head,
                              std::span<const std::uint8_t> tail, std::uintmax_t fileSize);
// Reads just the head and tail of a file for checkEncodedImage().
std::string checkImageFile(const std::filesystem::path& path);

// Decodes to 8-bit pixels with 1 (gray) or 3 (BGR) channels: 16-bit images are scaled to
// 8 bits, an alpha channel is dropped, gray+alpha keeps the gray. Throws ImageDecodeError.
cv::Mat decodeImage(std::span<const std::uint8_t> bytes);
cv::Mat decodeImageFile(const std::filesystem::path& path);

// True for file names whose extension OpenCV decodes (.jpg, .jpeg, .png, .bmp, ...).
bool hasImageExtension(const std::filesystem::path& path);

} // namespace dnas
