#pragma once

#include <string>
#include <string_view>

#include "export/export_graph.h"

namespace dnas {

// The quantised graph (quantiseGraph) as an int8 TFLite flatbuffer for TensorFlow Lite Micro:
// schema version 3, identifier TFL3, buffer 0 empty, each constant in its own 16-byte
// aligned buffer; CONV_2D / DEPTHWISE_CONV_2D with SAME padding and fused RELU6, ADD,
// AVERAGE_POOL_2D over the whole map + RESHAPE, FULLY_CONNECTED, SOFTMAX; every operator with
// its options table; operator codes in both the old byte field and the int32 one. Input
// int8 1 x H x W x C, output int8 probabilities 1 x classes. `description` names the model.
std::string tfliteModel(const ExportGraph& graph, const std::string& description);

// Runs the flatbuffers verifier on `bytes` (offsets, sizes, alignment, identifier TFL3) and
// checks version 3; the first problem, or empty when the file is sound.
std::string tfliteProblem(std::string_view bytes);

// The TFLite Micro operator resolver `bytes` needs: one Add...() call per operator kind, in
// the order of first use ("AddConv2D", "AddDepthwiseConv2D", ...).
std::vector<std::string> tfliteMicroResolverCalls(std::string_view bytes);

} // namespace dnas
