#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <vector>

#include "data/image_source.h"

namespace dnas {

// The records of an IDX image file (MNIST family): n x rows x cols unsigned bytes, gray.
class IdxImageSource : public ImageSource {
public:
    IdxImageSource(std::string name, int rows, int cols, std::vector<std::uint8_t> pixels);

    std::size_t size() const override { return count_; }
    cv::Mat load(std::size_t i) const override;
    std::string key(std::size_t i) const override;
    // Appends another file's records (train + test files share one source).
    void append(const IdxImageSource& other);
    int rows() const { return rows_; }
    int cols() const { return cols_; }

private:
    std::string name_;
    int rows_ = 0;
    int cols_ = 0;
    std::size_t count_ = 0;
    std::vector<std::uint8_t> pixels_;
    std::vector<std::pair<std::size_t, std::string>> parts_; // first record, file name
};

// Reads an IDX file, gzipped or not. Throws InputError naming the file for a wrong magic
// number, a header that does not match the file size, or a truncated file.
std::unique_ptr<IdxImageSource> readIdxImages(const std::filesystem::path& path);
std::vector<std::uint8_t> readIdxLabels(const std::filesystem::path& path);

} // namespace dnas
