#include "data/image_cache.h"

#include <atomic>
#include <cstring>
#include <fstream>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "data/image_decoder.h"
#include "data/transforms.h"

namespace dnas {
namespace {

constexpr char kMagic[8] = {'D', 'N', 'A', 'S', 'I', 'M', 'G', '1'};

std::uint64_t hashIndices(const std::vector<std::size_t>& indices) {
    return fnv1a(std::string_view(reinterpret_cast<const char*>(indices.data()),
                                  indices.size() * sizeof(std::size_t)));
}

} // namespace

ImageCache::ImageCache(std::shared_ptr<const Dataset> dataset, Options options)
    : dataset_(std::move(dataset))
    , options_(std::move(options))
    , pool_(options_.threads) {}

std::shared_ptr<const ImageSet> ImageCache::get(const DataConfig& config,
                                                const std::vector<std::size_t>& sampleIndices) {
    const Key key{Kind::Eval, config.resolution, config.colour, hashIndices(sampleIndices),
                  sampleIndices.size()};
    return lookup(key, config, sampleIndices);
}

std::shared_ptr<const ImageSet> ImageCache::sources(int side,
                                                    const std::vector<std::size_t>& sampleIndices) {
    const DataConfig config{side, dataset_->grayImages ? ColourMode::Grayscale : ColourMode::Rgb};
    const Key key{Kind::Source, side, config.colour, hashIndices(sampleIndices),
                  sampleIndices.size()};
    return lookup(key, config, sampleIndices);
}

std::shared_ptr<const ImageSet> ImageCache::lookup(const Key& key, const DataConfig& config,
                                                   const std::vector<std::size_t>& sampleIndices) {
    {
        std::lock_guard lock(mutex_);
        if (const auto it = sets_.find(key); it != sets_.end()) {
            ++stats_.hits;
            recency_.remove(key);
            recency_.push_front(key);
            return it->second;
        }
    }
    std::lock_guard building(buildMutex_);
    { // another thread may have built it while this one waited
        std::lock_guard lock(mutex_);
        if (const auto it = sets_.find(key); it != sets_.end()) {
            ++stats_.hits;
            return it->second;
        }
        ++stats_.misses;
    }
    std::shared_ptr<ImageSet> set = readDisk(key, config);
    if (set) {
        std::lock_guard lock(mutex_);
        ++stats_.diskHits;
    } else {
        set = build(std::get<0>(key), config, sampleIndices);
        writeDisk(key, *set);
    }
    std::lock_guard lock(mutex_);
    insert(key, set);
    return set;
}

std::shared_ptr<ImageSet> ImageCache::build(Kind kind, const DataConfig& config,
                                            const std::vector<std::size_t>& sampleIndices) {
    auto set = std::make_shared<ImageSet>();
    set->config = config;
    set->bgr = kind == Kind::Source;
    const std::size_t stride = set->bytesPerImage();
    set->pixels.resize(stride * sampleIndices.size());
    std::vector<std::uint8_t> ok(sampleIndices.size(), 0);
    std::vector<std::string> reasons(sampleIndices.size());
    const auto& ds = *dataset_;
    pool_.parallelFor(sampleIndices.size(), [&](std::size_t row) {
        const auto& sample = ds.samples[sampleIndices[row]];
        try {
            const cv::Mat image = ds.images->load(sample.image);
            std::uint8_t* out = set->pixels.data() + row * stride;
            if (kind == Kind::Eval) {
                evalTransform(image, config, out);
            } else {
                // Square centre crop of the shorter side, resized, native channels in BGR.
                const int side = std::min(image.rows, image.cols);
                const cv::Mat square =
                    image(cv::Rect((image.cols - side) / 2, (image.rows - side) / 2, side, side));
                const int type = config.colour == ColourMode::Grayscale ? CV_8UC1 : CV_8UC3;
                cv::Mat dst(config.resolution, config.resolution, type, out);
                cv::Mat src = square;
                if (image.channels() != dst.channels())
                    cv::cvtColor(square, src,
                                 dst.channels() == 1 ? cv::COLOR_BGR2GRAY : cv::COLOR_GRAY2BGR);
                cv::resize(src, dst, dst.size(), 0, 0,
                           side > config.resolution ? cv::INTER_AREA : cv::INTER_LINEAR);
            }
            ok[row] = 1;
        } catch (const std::exception& e) {
            reasons[row] = e.what();
        }
    });
    // Keep the decodable rows, in order.
    std::size_t kept = 0;
    for (std::size_t row = 0; row < sampleIndices.size(); ++row) {
        const std::size_t sampleIndex = sampleIndices[row];
        if (!ok[row]) {
            std::lock_guard lock(mutex_);
            failures_.emplace(
                sampleIndex,
                SkippedItem{ds.images->key(ds.samples[sampleIndex].image), 0, reasons[row]});
            continue;
        }
        if (kept != row)
            std::memcpy(set->pixels.data() + kept * stride, set->pixels.data() + row * stride,
                        stride);
        set->samples.push_back(sampleIndex);
        set->labels.push_back(ds.samples[sampleIndex].label);
        ++kept;
    }
    set->pixels.resize(kept * stride);
    set->pixels.shrink_to_fit();
    return set;
}

std::filesystem::path ImageCache::diskPath(const Key& key) const {
    const auto& [kind, resolution, colour, hash, count] = key;
    char name[160];
    std::snprintf(name, sizeof name, "%s-%s-%d-%s-%016llx-%zu.dnasimg",
                  dataset_->fingerprint.c_str(), kind == Kind::Eval ? "eval" : "source", resolution,
                  colour == ColourMode::Rgb ? "rgb" : "gray", static_cast<unsigned long long>(hash),
                  count);
    return options_.diskDir / name;
}

std::shared_ptr<ImageSet> ImageCache::readDisk(const Key& key, const DataConfig& config) const {
    if (options_.diskDir.empty())
        return nullptr;
    std::ifstream in(diskPath(key), std::ios::binary);
    if (!in)
        return nullptr;
    char magic[8];
    std::uint64_t rows = 0;
    in.read(magic, 8);
    in.read(reinterpret_cast<char*>(&rows), sizeof rows);
    if (!in || std::memcmp(magic, kMagic, 8) != 0 || rows > std::get<4>(key))
        return nullptr; // not ours or damaged: rebuild
    auto set = std::make_shared<ImageSet>();
    set->config = config;
    set->bgr = std::get<0>(key) == Kind::Source;
    set->samples.resize(rows);
    set->labels.resize(rows);
    set->pixels.resize(rows * set->bytesPerImage());
    in.read(reinterpret_cast<char*>(set->samples.data()),
            static_cast<std::streamsize>(rows * sizeof(std::size_t)));
    in.read(reinterpret_cast<char*>(set->labels.data()),
            static_cast<std::streamsize>(rows * sizeof(std::int16_t)));
    in.read(reinterpret_cast<char*>(set->pixels.data()),
            static_cast<std::streamsize>(set->pixels.size()));
    if (!in || in.peek() != std::char_traits<char>::eof())
        return nullptr;
    return set;
}

void ImageCache::writeDisk(const Key& key, const ImageSet& set) {
    if (options_.diskDir.empty())
        return;
    const auto path = diskPath(key);
    const auto tmp = path.string() + ".tmp";
    std::error_code ec;
    std::filesystem::create_directories(options_.diskDir, ec);
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        const std::uint64_t rows = set.rows();
        out.write(kMagic, 8);
        out.write(reinterpret_cast<const char*>(&rows), sizeof rows);
        out.write(reinterpret_cast<const char*>(set.samples.data()),
                  static_cast<std::streamsize>(rows * sizeof(std::size_t)));
        out.write(reinterpret_cast<const char*>(set.labels.data()),
                  static_cast<std::streamsize>(rows * sizeof(std::int16_t)));
        out.write(reinterpret_cast<const char*>(set.pixels.data()),
                  static_cast<std::streamsize>(set.pixels.size()));
        out.flush();
        if (!out) {
            std::filesystem::remove(tmp, ec);
            std::lock_guard lock(mutex_);
            ++stats_.diskWriteErrors;
            lastDiskError_ =
                "cannot write " + tmp + " (disk full or no permission?); the cache stays in memory";
            return;
        }
    }
    std::filesystem::rename(tmp, path, ec);
    if (ec) {
        std::filesystem::remove(tmp, ec);
        std::lock_guard lock(mutex_);
        ++stats_.diskWriteErrors;
        lastDiskError_ = "cannot rename " + tmp + ": " + ec.message();
    }
}

void ImageCache::insert(const Key& key, std::shared_ptr<const ImageSet> set) {
    stats_.bytesInMemory += set->bytes();
    sets_[key] = std::move(set);
    recency_.remove(key);
    recency_.push_front(key);
    evict();
}

void ImageCache::evict() {
    // Never evict the most recent set: a set larger than the budget is still served.
    while (stats_.bytesInMemory > options_.memoryBudgetBytes && recency_.size() > 1) {
        const Key victim = recency_.back();
        recency_.pop_back();
        stats_.bytesInMemory -= sets_[victim]->bytes();
        sets_.erase(victim);
        ++stats_.evictions;
    }
    stats_.sets = sets_.size();
}

void ImageCache::setMemoryBudget(Bytes bytes) {
    std::lock_guard lock(mutex_);
    options_.memoryBudgetBytes = bytes;
    evict();
}

ImageCache::Stats ImageCache::stats() const {
    std::lock_guard lock(mutex_);
    return stats_;
}

std::vector<SkippedItem> ImageCache::failures() const {
    std::lock_guard lock(mutex_);
    std::vector<SkippedItem> out;
    for (const auto& [index, item] : failures_)
        out.push_back(item);
    return out;
}

std::string ImageCache::lastDiskError() const {
    std::lock_guard lock(mutex_);
    return lastDiskError_;
}

} // namespace dnas
