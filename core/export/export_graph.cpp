#include "export/export_graph.h"

namespace dnas {

const char* toString(ExportOpKind kind) {
    switch (kind) {
    case ExportOpKind::Conv2d:
        return "conv2d";
    case ExportOpKind::DepthwiseConv2d:
        return "depthwise_conv2d";
    case ExportOpKind::Add:
        return "add";
    case ExportOpKind::GlobalAveragePool:
        return "global_average_pool";
    case ExportOpKind::FullyConnected:
        return "fully_connected";
    case ExportOpKind::Softmax:
        return "softmax";
    }
    return "?";
}

int ExportOp::outChannels() const {
    if (weightShape.empty())
        return 0;
    return weightShape[kind == ExportOpKind::DepthwiseConv2d ? 3 : 0];
}

bool ExportGraph::quantised() const {
    for (const auto& t : tensors)
        if (t.quant.scale <= 0)
            return false;
    return true;
}

} // namespace dnas
