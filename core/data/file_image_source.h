#pragma once

#include <filesystem>
#include <vector>

#include "data/image_source.h"

namespace dnas {

// Images stored as files (JPEG, PNG, ...), decoded with OpenCV on each load().
class FileImageSource : public ImageSource {
public:
    explicit FileImageSource(std::vector<std::filesystem::path> paths)
        : paths_(std::move(paths)) {}

    std::size_t size() const override { return paths_.size(); }
    cv::Mat load(std::size_t i) const override;
    std::string key(std::size_t i) const override { return paths_[i].string(); }
    const std::filesystem::path& path(std::size_t i) const { return paths_[i]; }

private:
    std::vector<std::filesystem::path> paths_;
};

} // namespace dnas
