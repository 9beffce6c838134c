#pragma once

#include <torch/types.h>

#include "export/export_graph.h"
#include "export/graph_builder.h"

namespace dnas {

// The int8 input of a quantised graph for an NCHW float batch from imagesToTensor
// ((pixel - 128) / 128): round(x / scale) + zero point, clamped; int8 NCHW.
torch::Tensor quantiseInput(const ExportGraph& graph, const torch::Tensor& x);

struct Int8Outputs {
    torch::Tensor logits;        // int8 (N, classes), the fully connected layer's output
    torch::Tensor probabilities; // int8 (N, classes), softmax: probability = (q + 128) / 256
};

// The quantised graph computed with the arithmetic of TFLite's int8 reference kernels: exact
// integer accumulation of (q - zero point) x int8 weights plus the int32 bias (in float32:
// exact while sums stay below 2^24, otherwise off by a relative 6e-8), rescaled by
// input scale x weight scale / output scale, rounded half away from zero, offset by the
// output zero point and clamped (ReLU6: to the quantised [0, 6]); additions and softmax
// through real values; average pooling rounding the mean of the raw int8 values. An
// independent runtime running the exported file should agree within an int8 step or two.
// `each` sees every op's output (integer values as float32, NCHW feature maps).
// The graph's softmax of int8 logits (N, classes) as the reference computes it: through real
// values, rounded to the output's 1/256 steps; int8.
torch::Tensor int8Softmax(const ExportGraph& graph, const torch::Tensor& logits);

Int8Outputs runInt8Graph(const ExportGraph& graph, const torch::Tensor& qinput,
                         const TensorVisitor& each = {});

} // namespace dnas
