#include "data/image_decoder.h"

#include <algorithm>
#include <array>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <optional>
#include <vector>

#include <opencv2/core/utils/logger.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

namespace dnas {
namespace {

// The core never prints: OpenCV's own warnings (libjpeg's "premature end of data", ...) are
// silenced, and problems are reported through exceptions instead.
void silenceOpenCv() {
    static std::once_flag once;
    std::call_once(once,
                   [] { cv::utils::logging::setLogLevel(cv::utils::logging::LOG_LEVEL_SILENT); });
}

bool startsWith(std::span<const std::uint8_t> bytes, std::initializer_list<std::uint8_t> prefix) {
    return bytes.size() >= prefix.size() && std::equal(prefix.begin(), prefix.end(), bytes.begin());
}

bool contains(std::span<const std::uint8_t> bytes, std::initializer_list<std::uint8_t> needle) {
    return std::search(bytes.begin(), bytes.end(), needle.begin(), needle.end()) != bytes.end();
}

constexpr std::size_t kTail = 1024;
constexpr std::size_t kHead = 4096; // enough for a PNG's IHDR and most JPEGs' frame header

std::uint32_t bigEndian(std::span<const std::uint8_t> b, std::size_t at, int bytes) {
    std::uint32_t v = 0;
    for (int i = 0; i < bytes; ++i)
        v = v << 8 | b[at + i];
    return v;
}

struct Size {
    std::uint64_t width = 0, height = 0;
};

// The width and height an encoded image declares in its header (PNG IHDR, JPEG start of
// frame, BMP info header), when `head` holds them.
std::optional<Size> declaredSize(std::span<const std::uint8_t> head) {
    if (startsWith(head, {0x89, 'P', 'N', 'G'}) && head.size() >= 24)
        return Size{bigEndian(head, 16, 4), bigEndian(head, 20, 4)};
    if (startsWith(head, {'B', 'M'}) && head.size() >= 26) {
        auto little = [&](std::size_t at) {
            return static_cast<std::int32_t>(head[at] | head[at + 1] << 8 | head[at + 2] << 16 |
                                             static_cast<std::uint32_t>(head[at + 3]) << 24);
        };
        return Size{static_cast<std::uint64_t>(std::abs(std::int64_t{little(18)})),
                    static_cast<std::uint64_t>(std::abs(std::int64_t{little(22)}))};
    }
    if (!startsWith(head, {0xFF, 0xD8}))
        return std::nullopt;
    std::size_t at = 2;
    while (at + 4 <= head.size() && head[at] == 0xFF) {
        const std::uint8_t marker = head[at + 1];
        if (marker == 0xFF) { // fill byte
            ++at;
            continue;
        }
        const bool frame =
            marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
        if (frame)
            return at + 9 <= head.size() ? std::optional<Size>(Size{bigEndian(head, at + 7, 2),
                                                                    bigEndian(head, at + 5, 2)})
                                         : std::nullopt;
        at += 2 + bigEndian(head, at + 2, 2);
    }
    return std::nullopt;
}

} // namespace

std::string checkDeclaredSize(std::span<const std::uint8_t> head) {
    const auto size = declaredSize(head);
    if (!size)
        return {};
    if (size->width == 0 || size->height == 0)
        return "corrupt image: its header declares " + std::to_string(size->width) + " x " +
               std::to_string(size->height) + " pixels";
    if (size->width * size->height <= kMaxImagePixels)
        return {};
    return "image too large: its header declares " + std::to_string(size->width) + " x " +
           std::to_string(size->height) + " pixels, more than the " +
           std::to_string(kMaxImagePixels) + " (8192 x 8192) that DNAS Studio decodes";
}

std::string checkEncodedImage(std::span<const std::uint8_t> head,
                              std::span<const std::uint8_t> tail, std::uintmax_t fileSize) {
    if (fileSize == 0)
        return "empty file";
    if (startsWith(head, {0xFF, 0xD8})) {
        if (!contains(tail, {0xFF, 0xD9}))
            return "truncated JPEG: no end-of-image marker";
        return checkDeclaredSize(head);
    }
    if (startsWith(head, {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'})) {
        if (!contains(tail, {'I', 'E', 'N', 'D'}))
            return "truncated PNG: no IEND chunk";
        return checkDeclaredSize(head);
    }
    if (startsWith(head, {'B', 'M'}) || startsWith(head, {'R', 'I', 'F', 'F'}) ||
        startsWith(head, {'I', 'I', '*', 0}) || startsWith(head, {'M', 'M', 0, '*'}) ||
        startsWith(head, {'P'}))
        return checkDeclaredSize(head); // BMP's size; WebP, TIFF, PNM: left to the decoder
    return "not an image (unknown file signature)";
}

std::string checkImageFile(const std::filesystem::path& path) {
    std::error_code ec;
    const auto size = std::filesystem::file_size(path, ec);
    if (ec)
        return "cannot be read (" + ec.message() + ")";
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return "cannot be opened";
    std::array<std::uint8_t, kHead> head{};
    in.read(reinterpret_cast<char*>(head.data()), head.size());
    const auto headSize = static_cast<std::size_t>(in.gcount());
    std::vector<std::uint8_t> tail(static_cast<std::size_t>(std::min<std::uintmax_t>(size, kTail)));
    in.clear();
    in.seekg(static_cast<std::streamoff>(size - tail.size()));
    in.read(reinterpret_cast<char*>(tail.data()), static_cast<std::streamsize>(tail.size()));
    return checkEncodedImage({head.data(), headSize}, tail, size);
}

cv::Mat decodeImage(std::span<const std::uint8_t> bytes) {
    silenceOpenCv();
    const auto head = bytes.first(std::min<std::size_t>(bytes.size(), kHead));
    const auto tail = bytes.last(std::min<std::size_t>(bytes.size(), kTail));
    if (auto problem = checkEncodedImage(head, tail, bytes.size()); !problem.empty())
        throw ImageDecodeError(problem);
    const cv::Mat encoded(1, static_cast<int>(bytes.size()), CV_8UC1,
                          const_cast<std::uint8_t*>(bytes.data()));
    cv::Mat image;
    try {
        image = cv::imdecode(encoded, cv::IMREAD_UNCHANGED);
    } catch (const cv::Exception& e) {
        throw ImageDecodeError(std::string("corrupt image: ") + e.err);
    }
    if (image.empty())
        throw ImageDecodeError("corrupt image: OpenCV cannot decode it");
    if (image.depth() == CV_16U)
        image.convertTo(image, CV_8U, 1.0 / 257.0);
    else if (image.depth() != CV_8U)
        image.convertTo(image, CV_8U);
    switch (image.channels()) {
    case 1:
    case 3:
        return image;
    case 2: { // gray + alpha
        cv::Mat gray;
        cv::extractChannel(image, gray, 0);
        return gray;
    }
    case 4: {
        cv::Mat bgr;
        cv::cvtColor(image, bgr, cv::COLOR_BGRA2BGR);
        return bgr;
    }
    default:
        throw ImageDecodeError("unsupported channel count " + std::to_string(image.channels()));
    }
}

cv::Mat decodeImageFile(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary | std::ios::ate);
    if (!in)
        throw ImageDecodeError("cannot be opened");
    const auto size = static_cast<std::size_t>(in.tellg());
    std::vector<std::uint8_t> bytes(size);
    in.seekg(0);
    in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(size));
    if (!in)
        throw ImageDecodeError("cannot be read");
    return decodeImage(bytes);
}

bool hasImageExtension(const std::filesystem::path& path) {
    std::string ext = path.extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    for (const char* known :
         {".jpg", ".jpeg", ".png", ".bmp", ".webp", ".tif", ".tiff", ".pgm", ".ppm", ".pnm"})
        if (ext == known)
            return true;
    return false;
}

} // namespace dnas
