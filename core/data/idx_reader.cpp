#include "data/idx_reader.h"

#include <zlib.h>

#include <opencv2/core.hpp>

#include "common/error.h"

namespace dnas {
namespace {

// Whole file through zlib, which reads plain files unchanged.
std::vector<std::uint8_t> readMaybeGzipped(const std::filesystem::path& path) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec))
        throw InputError({{path.string(), 0, {}, "file does not exist"}});
    gzFile f = gzopen(path.string().c_str(), "rb");
    if (!f)
        throw InputError({{path.string(), 0, {}, "cannot be opened"}});
    std::vector<std::uint8_t> out;
    std::vector<std::uint8_t> chunk(1 << 20);
    for (;;) {
        const int n = gzread(f, chunk.data(), static_cast<unsigned>(chunk.size()));
        if (n < 0) {
            int code = 0;
            const std::string message = gzerror(f, &code);
            gzclose(f);
            throw InputError({{path.string(), 0, {}, "cannot be decompressed (" + message + ")"}});
        }
        if (n == 0)
            break;
        out.insert(out.end(), chunk.begin(), chunk.begin() + n);
    }
    gzclose(f);
    return out;
}

std::uint32_t bigEndian(const std::vector<std::uint8_t>& b, std::size_t at) {
    return (std::uint32_t{b[at]} << 24) | (std::uint32_t{b[at + 1]} << 16) |
           (std::uint32_t{b[at + 2]} << 8) | std::uint32_t{b[at + 3]};
}

[[noreturn]] void bad(const std::filesystem::path& path, const std::string& message) {
    throw InputError({{path.string(), 0, {}, message}});
}

} // namespace

IdxImageSource::IdxImageSource(std::string name, int rows, int cols,
                               std::vector<std::uint8_t> pixels)
    : name_(std::move(name))
    , rows_(rows)
    , cols_(cols)
    , count_(pixels.size() / (static_cast<std::size_t>(rows) * static_cast<std::size_t>(cols)))
    , pixels_(std::move(pixels)) {
    parts_.emplace_back(0, name_);
}

cv::Mat IdxImageSource::load(std::size_t i) const {
    const std::size_t size = static_cast<std::size_t>(rows_) * static_cast<std::size_t>(cols_);
    cv::Mat view(rows_, cols_, CV_8UC1, const_cast<std::uint8_t*>(pixels_.data() + i * size));
    return view.clone();
}

std::string IdxImageSource::key(std::size_t i) const {
    auto part = parts_.begin();
    for (auto it = parts_.begin(); it != parts_.end() && it->first <= i; ++it)
        part = it;
    return part->second + " record " + std::to_string(i - part->first);
}

void IdxImageSource::append(const IdxImageSource& other) {
    if (other.rows_ != rows_ || other.cols_ != cols_)
        throw InputError({{other.name_,
                           0,
                           {},
                           "image size " + std::to_string(other.rows_) + "x" +
                               std::to_string(other.cols_) + " differs from " + name_}});
    parts_.emplace_back(count_, other.name_);
    pixels_.insert(pixels_.end(), other.pixels_.begin(), other.pixels_.end());
    count_ += other.count_;
}

std::unique_ptr<IdxImageSource> readIdxImages(const std::filesystem::path& path) {
    auto bytes = readMaybeGzipped(path);
    if (bytes.size() < 16)
        bad(path, "too short for an IDX image header (" + std::to_string(bytes.size()) + " bytes)");
    if (bigEndian(bytes, 0) != 0x00000803)
        bad(
            path, "not an IDX image file (magic number 0x" + [&] {
                char hex[16];
                std::snprintf(hex, sizeof hex, "%08x", bigEndian(bytes, 0));
                return std::string(hex);
            }() + ", expected 0x00000803)");
    const std::size_t n = bigEndian(bytes, 4);
    const std::size_t rows = bigEndian(bytes, 8);
    const std::size_t cols = bigEndian(bytes, 12);
    if (rows == 0 || cols == 0 || rows > 4096 || cols > 4096)
        bad(path, "implausible image size " + std::to_string(rows) + "x" + std::to_string(cols));
    const std::size_t expected = 16 + n * rows * cols;
    if (bytes.size() != expected)
        bad(path, "header announces " + std::to_string(n) + " images of " + std::to_string(rows) +
                      "x" + std::to_string(cols) + " (" + std::to_string(expected) +
                      " bytes) but the file has " + std::to_string(bytes.size()) +
                      " bytes (truncated?)");
    std::vector<std::uint8_t> pixels(bytes.begin() + 16, bytes.end());
    return std::make_unique<IdxImageSource>(path.filename().string(), static_cast<int>(rows),
                                            static_cast<int>(cols), std::move(pixels));
}

std::vector<std::uint8_t> readIdxLabels(const std::filesystem::path& path) {
    auto bytes = readMaybeGzipped(path);
    if (bytes.size() < 8)
        bad(path, "too short for an IDX label header");
    if (bigEndian(bytes, 0) != 0x00000801)
        bad(path, "not an IDX label file (expected magic number 0x00000801)");
    const std::size_t n = bigEndian(bytes, 4);
    if (bytes.size() != 8 + n)
        bad(path, "header announces " + std::to_string(n) + " labels but the file has " +
                      std::to_string(bytes.size() - 8) + " (truncated?)");
    return {bytes.begin() + 8, bytes.end()};
}

} // namespace dnas
