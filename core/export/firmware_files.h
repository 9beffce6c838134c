#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "export/export_graph.h"

namespace dnas {

// What model_settings.h tells firmware besides the graph itself.
struct FirmwareSettings {
    std::string modelName;            // shown in comments
    std::vector<std::string> classes; // label of each output, in order
    long long arenaEstimateBytes = 0; // the cost model's arena + persistent estimate
    double arenaMargin = 0.10;        // kTensorArenaSize = estimate x (1 + margin), 1 KiB rounded
    std::vector<std::string> resolverCalls; // tfliteMicroResolverCalls()
};

// model_data.cc: the .tflite bytes as `alignas(16) const unsigned char g_model_data[]` and
// `const unsigned int g_model_data_len`, 12 bytes per line.
std::string modelDataSource(std::string_view tflite);
// model_data.h: the declarations of both.
std::string modelDataHeader();

// model_settings.h: input shape and colour, the preprocessing (int8 = pixel - 128; RGB order,
// or BT.601 luma for grayscale; resize shorter side + centre crop), input and output scale
// and zero point, class names, the tensor arena size with its margin, and an inline function
// that registers the operators in a tflite::MicroMutableOpResolver<N>.
std::string modelSettingsHeader(const ExportGraph& graph, const FirmwareSettings& settings);

long long tensorArenaBytes(const FirmwareSettings& settings);

// One test vector: a validation image as the model's int8 input (N x H x W x C) and the int8
// output the exported model must produce for it.
struct TestVector {
    std::size_t sample = 0; // dataset sample index
    int label = 0;
    std::vector<std::int8_t> input;
    std::vector<std::int8_t> expected;
};

// test_vectors.h: the vectors as C arrays (g_test_input_K, g_test_expected_K, labels) with a
// note on the tolerance (an int8 step or two between runtimes).
std::string testVectorsHeader(const std::vector<TestVector>& vectors,
                              const std::vector<std::string>& classes);

} // namespace dnas
