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

} // namespace fixtures
