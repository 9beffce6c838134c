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

// The largest image decoded (8192 x 8192): a "PNG bomb" declaring more is refused from its
// header, before any pixel memory is allocated.
inline constexpr std::uint64_t kMaxImagePixels = std::uint64_t{8192} * 8192;

// Empty, or why the width x height declared in `head` (PNG, JPEG, BMP) cannot be decoded.
std::string checkDeclaredSize(std::span<const std::uint8_t> head);
// Cheap structural check of an encoded image (signature, the end marker of JPEG and PNG,
// which truncated files lack, and the declared size). `head` is the file's first bytes (4 KiB
// suffice). Returns an empty string when it looks whole, else the reason.
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
