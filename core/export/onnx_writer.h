#pragma once

#include <string>

#include "export/export_graph.h"

namespace dnas {

// What the written ONNX models contain beyond the deployed network.
struct OnnxOptions {
    // Also output the float logits (the fully connected layer's output) as a second graph
    // output "logits". Off for the exported files: a firmware importer (STM32Cube.AI) then
    // makes a buffer for the probabilities only.
    bool logitsOutput = false;
};

// Both models follow ONNX's conventions, not TFLite's: the input "input" is a float tensor
// 1 x C x H x W (NCHW) holding (pixel - 128) / 128, feature maps are NCHW, and the output
// "probabilities" is float 1 x classes after Softmax. SAME padding is written as explicit
// asymmetric Conv pads [top, left, bottom, right] (the odd pixel after, as TFLite pads), so
// no Pad operator is needed. The result is a serialised ModelProto; it passes
// checkOnnxModel().

// The float model, opset 10 (fused ReLU6 as Clip with min / max attributes; see the .cpp):
// loads in OpenCV 4.6's DNN module and in ONNX Runtime.
std::string onnxFloatModel(const ExportGraph& graph, const OnnxOptions& options = {});

// The int8 model in ONNX's QDQ form, opset 13 (per-axis DequantizeLinear): activations pass
// through QuantizeLinear / DequantizeLinear pairs with the graph's int8 scales and zero points;
// weights are int8 initializers dequantised per output channel (axis 0; fully connected per
// tensor), biases int32 with scale input scale x weight scale. This is the pattern ONNX
// Runtime fuses into its int8 kernels (QLinearConv, QLinearAdd, ...). Input and output stay
// float. Requires graph.quantised() (quantiseGraph()); throws std::invalid_argument otherwise.
std::string onnxQdqModel(const ExportGraph& graph, const OnnxOptions& options = {});

// Parses `bytes` as a ModelProto and runs ONNX's checker and strict shape inference. Throws
// std::runtime_error "<origin>: ..." with the checker's message: a model that fails is a
// defect of the writer or a damaged file, not input a user can correct (so not InputError).
void checkOnnxModel(const std::string& bytes, const std::string& origin);

} // namespace dnas
