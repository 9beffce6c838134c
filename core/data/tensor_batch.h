#pragma once

#include <cstddef>

#include <torch/types.h>

#include "data/image_set.h"

namespace dnas {

// Rows [begin, end) of an ImageSet as a float tensor (N, C, H, W) scaled to [-1, 127/128]:
// (x - 128) / 128, so that an int8 model's input is exactly the pixel minus 128 (scale 1/128,
// zero point 0) and firmware needs no arithmetic beyond that. (The seed paper's x / 127.5 - 1
// has no exact int8 form.) Channels in the set's order (RGB for evaluation sets). With
// `channelsLast` the tensor's memory is NHWC (torch::MemoryFormat::ChannelsLast).
torch::Tensor imagesToTensor(const ImageSet& set, std::size_t begin, std::size_t end,
                             bool channelsLast = false);
// The rows rows[0..count) of an ImageSet, in that order, as imagesToTensor makes them.
torch::Tensor rowsToTensor(const ImageSet& set, const std::size_t* rows, std::size_t count,
                           bool channelsLast = false);
// Labels of rows [begin, end) as int64 (N).
torch::Tensor labelsToTensor(const ImageSet& set, std::size_t begin, std::size_t end);
// Raw HWC uint8 images (N x H x W x C, e.g. from trainTransform) in the same layout and scale.
torch::Tensor pixelsToTensor(const std::uint8_t* pixels, std::size_t count, int resolution,
                             int channels, bool channelsLast = false);

} // namespace dnas
