#pragma once

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

// Real image files written at test time with OpenCV (no dataset images are committed).
namespace fixtures {

inline cv::Mat pattern(int width, int height, int seed, int channels = 3) {
    cv::Mat img(height, width, channels == 3 ? CV_8UC3 : CV_8UC1);
    cv::RNG rng(static_cast<std::uint64_t>(seed) + 1);
    rng.fill(img, cv::RNG::UNIFORM, 0, 256);
    return img;
}

inline std::filesystem::path writeImage(const std::filesystem::path& path, const cv::Mat& img) {
    std::filesystem::create_directories(path.parent_path());
    if (!cv::imwrite(path.string(), img))
        throw std::runtime_error("cannot write fixture " + path.string());
    return path;
}

inline std::vector<char> readBytes(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline void writeBytes(const std::filesystem::path& path, const std::vector<char>& bytes) {
    std::filesystem::create_directories(path.parent_path());
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// A copy of `source` cut to `keep` of its bytes (a truncated download).
inline void writeTruncated(const std::filesystem::path& source, const std::filesystem::path& target,
                           double keep) {
    auto bytes = readBytes(source);
    bytes.resize(static_cast<std::size_t>(static_cast<double>(bytes.size()) * keep));
    writeBytes(target, bytes);
}

// JPEG start and end markers around garbage: passes the structural check, fails to decode.
inline void writeCorruptJpeg(const std::filesystem::path& path) {
    std::vector<char> bytes = {'\xFF', '\xD8'};
    for (int i = 0; i < 200; ++i)
        bytes.push_back(static_cast<char>((i * 37) % 251));
    bytes.push_back('\xFF');
    bytes.push_back('\xD9');
    writeBytes(path, bytes);
}

inline void writeText(const std::filesystem::path& path, const std::string& text) {
    std::filesystem::create_directories(path.parent_path());
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
}

// Two classes a small network learns quickly: a bright square in the centre (class 1) or in a
// corner (class 0) of a noisy 20 x 20 image; PNG files in <root>/{train,val}/{0,1}/.
inline std::filesystem::path writeSquaresDataset(const std::filesystem::path& root, int train = 96,
                                                 int val = 40) {
    cv::RNG rng(3);
    for (const char* split : {"train", "val"}) {
        const int n = std::string(split) == "train" ? train : val;
        for (int i = 0; i < n; ++i) {
            cv::Mat img(20, 20, CV_8UC3);
            rng.fill(img, cv::RNG::UNIFORM, 0, 90);
            const int cls = i % 2;
            const cv::Point at =
                cls ? cv::Point(6, 6) : cv::Point(rng.uniform(0, 2) * 12, rng.uniform(0, 2) * 12);
            img(cv::Rect(at.x, at.y, 8, 8)).setTo(cv::Scalar(40, 220, 250));
            writeImage(root / split / std::to_string(cls) / (std::to_string(i) + ".png"), img);
        }
    }
    return root;
}

// A search space small enough to train a supernet in a test (12-16 px inputs).
inline const char* kTinySpaceJson = R"({
  "schema_version": 1, "name": "tiny",
  "data": {"resolutions": [12, 16], "colours": ["rgb", "grayscale"]},
  "width": {"values": [0.25, 0.5], "rounding": "make_divisible_8"},
  "stem": {"channels": 16, "kernel": 3, "stride": 2},
  "stages": [
    {"channels": 16, "stride": 1, "depth": [1, 1], "expansions": [1], "kernels": [3]},
    {"channels": 24, "stride": 2, "depth": [1, 2], "expansions": [2, 3], "kernels": [3, 5]},
    {"channels": 32, "stride": 1, "depth": [0, 1], "expansions": [2], "kernels": [3]}
  ],
  "head": {"last_channels": 32, "last_conv": "always"}
})";

} // namespace fixtures
