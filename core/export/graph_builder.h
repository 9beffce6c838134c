#pragma once

#include <functional>

#include <torch/types.h>

#include "export/export_graph.h"
#include "supernet/static_net.h"

namespace dnas {

// The deployed form of `net` (eval-mode batch-norm statistics folded into each convolution's
// weights and bias, ReLU6 fused, SAME padding): its float outputs equal net.forward()'s
// softmax. Not quantised: see calibrateGraph() and quantiseGraph().
ExportGraph exportGraphOf(StaticNetImpl& net);

// Float forward of the graph on an NCHW batch (as imagesToTensor makes); returns the
// probabilities (N, classes). `each` sees every activation tensor once, by id (feature maps
// NCHW, the rest N x C), the input included.
using TensorVisitor = std::function<void(int tensor, const torch::Tensor& value)>;
torch::Tensor runFloatGraph(const ExportGraph& graph, const torch::Tensor& x,
                            const TensorVisitor& each = {});

// Widens every tensor's [min, max] (which starts at [0, 0]) to what the float graph computes on
// `x`; call once per calibration batch.
void calibrateGraph(ExportGraph& graph, const torch::Tensor& x);

} // namespace dnas
