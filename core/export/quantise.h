#pragma once

#include "export/export_graph.h"

namespace dnas {

// The int8 input of every exported model: the image's pixel value minus 128 (the float
// network sees (pixel - 128) / 128), so firmware feeds `int8_t(pixel - 128)`.
inline constexpr double kInputScale = 1.0 / 128.0;
inline constexpr int kInputZeroPoint = 0;
// TFLite's fixed quantisation of int8 softmax outputs.
inline constexpr double kSoftmaxScale = 1.0 / 256.0;
inline constexpr int kSoftmaxZeroPoint = -128;

// Asymmetric int8 parameters covering [min, max] widened to include 0: scale (max - min) / 255,
// zero point round(-128 - min / scale) (so real 0 is exactly representable).
QuantParams activationQuant(float min, float max);

// Quantises a calibrated graph (calibrateGraph) the way TFLite Micro's int8 kernels expect:
// activations from their calibrated ranges (the input and softmax output fixed as above,
// average pooling keeping its input's parameters); convolution weights symmetric per output
// channel, fully connected weights per tensor, in [-127, 127] with zero point 0; int32
// biases with scale input scale x weight scale.
void quantiseGraph(ExportGraph& graph);

// Round half away from zero, as TFLite's reference kernels and Arm NN round.
double roundHalfAway(double v);

} // namespace dnas
