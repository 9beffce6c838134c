#include "data/tensor_batch.h"

#include <array>

#include <torch/torch.h>

namespace dnas {

namespace {

// (v - 128) / 128 for every uint8 value.
const std::array<float, 256>& pixelTable() {
    static const auto table = [] {
        std::array<float, 256> t{};
        for (int v = 0; v < 256; ++v)
            t[static_cast<std::size_t>(v)] = static_cast<float>(v - 128) / 128.0f;
        return t;
    }();
    return table;
}

// One HWC uint8 image of `plane` pixels x `c` channels into `dst`: HWC (channels last or one
// channel: a linear pass) or CHW, through the table in one pass - several times faster than
// permute + to(float) + arithmetic + contiguous, which each make a full pass.
void convertImage(const std::uint8_t* src, std::size_t plane, std::size_t c, bool hwc, float* dst) {
    const auto& table = pixelTable();
    if (hwc || c == 1) {
        for (std::size_t i = 0; i < plane * c; ++i)
            dst[i] = table[src[i]];
        return;
    }
    for (std::size_t p = 0; p < plane; ++p)
        for (std::size_t k = 0; k < c; ++k)
            dst[k * plane + p] = table[src[p * c + k]];
}

torch::Tensor emptyBatch(std::size_t count, int resolution, int channels, bool channelsLast) {
    return torch::empty({static_cast<std::int64_t>(count), channels, resolution, resolution},
                        torch::TensorOptions(torch::kFloat32)
                            .memory_format(channelsLast ? torch::MemoryFormat::ChannelsLast
                                                        : torch::MemoryFormat::Contiguous));
}

} // namespace

torch::Tensor pixelsToTensor(const std::uint8_t* pixels, std::size_t count, int resolution,
                             int channels, bool channelsLast) {
    auto out = emptyBatch(count, resolution, channels, channelsLast);
    const auto size = static_cast<std::size_t>(resolution) * static_cast<std::size_t>(resolution) *
                      static_cast<std::size_t>(channels);
    float* dst = out.data_ptr<float>();
    for (std::size_t img = 0; img < count; ++img)
        convertImage(pixels + img * size, size / static_cast<std::size_t>(channels),
                     static_cast<std::size_t>(channels), channelsLast, dst + img * size);
    return out;
}

torch::Tensor rowsToTensor(const ImageSet& set, const std::size_t* rows, std::size_t count,
                           bool channelsLast) {
    const int channels = set.channels();
    const int resolution = set.config.resolution;
    auto out = emptyBatch(count, resolution, channels, channelsLast);
    const auto size = static_cast<std::size_t>(resolution) * static_cast<std::size_t>(resolution) *
                      static_cast<std::size_t>(channels);
    float* dst = out.data_ptr<float>();
    for (std::size_t i = 0; i < count; ++i) {
        TORCH_CHECK(rows[i] < set.rows(), "row ", rows[i], " outside the set of ", set.rows());
        convertImage(set.image(rows[i]), size / static_cast<std::size_t>(channels),
                     static_cast<std::size_t>(channels), channelsLast, dst + i * size);
    }
    return out;
}

torch::Tensor imagesToTensor(const ImageSet& set, std::size_t begin, std::size_t end,
                             bool channelsLast) {
    TORCH_CHECK(begin <= end && end <= set.rows(), "rows [", begin, ", ", end,
                ") outside the set of ", set.rows());
    return pixelsToTensor(set.image(begin), end - begin, set.config.resolution, set.channels(),
                          channelsLast);
}

torch::Tensor labelsToTensor(const ImageSet& set, std::size_t begin, std::size_t end) {
    TORCH_CHECK(begin <= end && end <= set.rows(), "rows [", begin, ", ", end,
                ") outside the set of ", set.rows());
    auto labels = torch::empty({static_cast<std::int64_t>(end - begin)}, torch::kInt64);
    auto* out = labels.data_ptr<std::int64_t>();
    for (std::size_t i = begin; i < end; ++i)
        out[i - begin] = set.labels[i];
    return labels;
}

} // namespace dnas
