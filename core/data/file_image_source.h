#pragma once

#include <filesystem>
#include <vector>

#include "data/image_source.h"

namespace dnas {

// Images stored as files (JPEG, PNG, ...), decoded with OpenCV on each load().
class FileImageSource : public ImageSource {
public:
    // `root`: the dataset folder that stableKey() is relative to.
    FileImageSource(std::vector<std::filesystem::path> paths, std::filesystem::path root)
        : paths_(std::move(paths))
        , root_(std::move(root)) {}

    std::size_t size() const override { return paths_.size(); }
    cv::Mat load(std::size_t i) const override;
    std::string key(std::size_t i) const override { return paths_[i].string(); }
    std::string stableKey(std::size_t i) const override {
        return paths_[i].lexically_relative(root_).generic_string();
    }
    const std::filesystem::path& path(std::size_t i) const { return paths_[i]; }

private:
    std::vector<std::filesystem::path> paths_;
    std::filesystem::path root_;
};

} // namespace dnas
