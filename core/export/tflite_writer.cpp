#include "export/tflite_writer.h"

#include <map>

#include "tflite_subset_generated.h"

namespace dnas {
namespace {

namespace tfl = dnas_tflite;
using flatbuffers::FlatBufferBuilder;
using flatbuffers::Offset;

struct OpVersion {
    tfl::BuiltinOperator code;
    int version; // what the TFLite converter writes for int8 (per-channel) operators
};

class Writer {
public:
    explicit Writer(const ExportGraph& graph)
        : graph_(graph) {
        buffers_.push_back(tfl::CreateBuffer(fbb_)); // buffer 0: the empty sentinel
    }

    std::string finish(const std::string& description) {
        for (std::size_t t = 0; t < graph_.tensors.size(); ++t)
            activation(static_cast<int>(t));
        for (const auto& op : graph_.ops)
            write(op);
        const std::vector<int> inputs = {graph_.input};
        const std::vector<int> outputs = {graph_.output};
        const auto subgraph =
            tfl::CreateSubGraphDirect(fbb_, &tensors_, &inputs, &outputs, &operators_, "main");
        std::vector<Offset<tfl::SubGraph>> subgraphs = {subgraph};
        const auto model =
            tfl::CreateModelDirect(fbb_, 3, &codes_, &subgraphs, description.c_str(), &buffers_);
        tfl::FinishModelBuffer(fbb_, model);
        return {reinterpret_cast<const char*>(fbb_.GetBufferPointer()), fbb_.GetSize()};
    }

private:
    // Tensor ids in the file: activation tensors keep the graph's ids (added first), constants
    // follow.
    int addTensor(const std::vector<int>& shape, tfl::TensorType type, std::uint32_t buffer,
                  const std::string& name, Offset<tfl::QuantizationParameters> quant) {
        tensors_.push_back(
            tfl::CreateTensorDirect(fbb_, &shape, type, buffer, name.c_str(), quant));
        return static_cast<int>(tensors_.size()) - 1;
    }

    Offset<tfl::QuantizationParameters> quant(const std::vector<float>& scales,
                                              const std::vector<std::int64_t>& zeroPoints,
                                              int dimension) {
        return tfl::CreateQuantizationParametersDirect(fbb_, nullptr, nullptr, &scales, &zeroPoints,
                                                       tfl::QuantizationDetails::NONE, 0,
                                                       dimension);
    }

    Offset<tfl::QuantizationParameters> perTensor(const QuantParams& q) {
        return quant({static_cast<float>(q.scale)}, {q.zeroPoint}, 0);
    }

    void activation(int id) {
        const auto& t = graph_.tensors[static_cast<std::size_t>(id)];
        addTensor(t.shape, tfl::TensorType::INT8, 0, t.name, perTensor(t.quant));
    }

    std::uint32_t buffer(const void* data, std::size_t bytes) {
        const auto* p = static_cast<const std::uint8_t*>(data);
        const std::vector<std::uint8_t> v(p, p + bytes);
        buffers_.push_back(tfl::CreateBufferDirect(fbb_, &v));
        return static_cast<std::uint32_t>(buffers_.size() - 1);
    }

    // int8 weights, per output channel (dimension 0, or 3 for depthwise) or per tensor.
    int weights(const ExportOp& op) {
        const int dimension = op.kind == ExportOpKind::DepthwiseConv2d ? 3 : 0;
        std::vector<float> scales(op.weightScales.begin(), op.weightScales.end());
        const std::vector<std::int64_t> zeros(scales.size(), 0);
        return addTensor(op.weightShape, tfl::TensorType::INT8,
                         buffer(op.qweights.data(), op.qweights.size()), op.name + "_weights",
                         quant(scales, zeros, dimension));
    }

    // int32 bias with scale input scale x weight scale, zero point 0: per channel like the
    // weights, or one scale for per-tensor (fully connected) weights.
    int bias(const ExportOp& op) {
        const double inScale = graph_.tensors[static_cast<std::size_t>(op.inputs[0])].quant.scale;
        std::vector<float> scales;
        for (const double w : op.weightScales)
            scales.push_back(static_cast<float>(inScale * w));
        const std::vector<std::int64_t> zeros(scales.size(), 0);
        return addTensor({static_cast<int>(op.qbias.size())}, tfl::TensorType::INT32,
                         buffer(op.qbias.data(), op.qbias.size() * sizeof(std::int32_t)),
                         op.name + "_bias", quant(scales, zeros, 0));
    }

    std::uint32_t opcode(OpVersion v) {
        const auto key = static_cast<int>(v.code);
        if (const auto it = opcodes_.find(key); it != opcodes_.end())
            return it->second;
        // Arm NN 20.08 (and older runtimes) read only the byte field; newer ones the int32.
        codes_.push_back(tfl::CreateOperatorCodeDirect(fbb_, static_cast<std::int8_t>(key), nullptr,
                                                       v.version, v.code));
        const auto index = static_cast<std::uint32_t>(codes_.size() - 1);
        opcodes_[key] = index;
        return index;
    }

    void emit(OpVersion v, const std::vector<int>& inputs, const std::vector<int>& outputs,
              tfl::BuiltinOptions type, Offset<void> options) {
        operators_.push_back(
            tfl::CreateOperatorDirect(fbb_, opcode(v), &inputs, &outputs, type, options));
    }

    void write(const ExportOp& op);

    const ExportGraph& graph_;
    FlatBufferBuilder fbb_{1 << 16};
    std::vector<Offset<tfl::Tensor>> tensors_;
    std::vector<Offset<tfl::Buffer>> buffers_;
    std::vector<Offset<tfl::OperatorCode>> codes_;
    std::vector<Offset<tfl::Operator>> operators_;
    std::map<int, std::uint32_t> opcodes_;
};

void Writer::write(const ExportOp& op) {
    const int in = op.inputs[0];
    const auto act =
        op.relu6 ? tfl::ActivationFunctionType::RELU6 : tfl::ActivationFunctionType::NONE;
    switch (op.kind) {
    case ExportOpKind::Conv2d: {
        const std::vector<int> inputs = {in, weights(op), bias(op)};
        const auto o =
            tfl::CreateConv2DOptions(fbb_, tfl::Padding::SAME, op.stride, op.stride, act);
        emit({tfl::BuiltinOperator::CONV_2D, 3}, inputs, {op.output},
             tfl::BuiltinOptions::Conv2DOptions, o.Union());
        break;
    }
    case ExportOpKind::DepthwiseConv2d: {
        const std::vector<int> inputs = {in, weights(op), bias(op)};
        const auto o = tfl::CreateDepthwiseConv2DOptions(fbb_, tfl::Padding::SAME, op.stride,
                                                         op.stride, 1, act);
        emit({tfl::BuiltinOperator::DEPTHWISE_CONV_2D, 3}, inputs, {op.output},
             tfl::BuiltinOptions::DepthwiseConv2DOptions, o.Union());
        break;
    }
    case ExportOpKind::Add: {
        const auto o = tfl::CreateAddOptions(fbb_, tfl::ActivationFunctionType::NONE);
        emit({tfl::BuiltinOperator::ADD, 2}, {in, op.inputs[1]}, {op.output},
             tfl::BuiltinOptions::AddOptions, o.Union());
        break;
    }
    case ExportOpKind::GlobalAveragePool: {
        // AVERAGE_POOL_2D over the whole map (1 x 1 x 1 x C, same quantisation), then RESHAPE.
        const auto& shape = graph_.tensors[static_cast<std::size_t>(in)].shape;
        const auto& t = graph_.tensors[static_cast<std::size_t>(op.output)];
        const int channels = shape[3];
        const int pooled = addTensor({1, 1, 1, channels}, tfl::TensorType::INT8, 0,
                                     op.name + "_map", perTensor(t.quant));
        const auto pool = tfl::CreatePool2DOptions(fbb_, tfl::Padding::VALID, 1, 1, shape[2],
                                                   shape[1], tfl::ActivationFunctionType::NONE);
        emit({tfl::BuiltinOperator::AVERAGE_POOL_2D, 2}, {in}, {pooled},
             tfl::BuiltinOptions::Pool2DOptions, pool.Union());
        const std::vector<std::int32_t> newShape = {1, channels};
        const int shapeTensor = addTensor(
            {2}, tfl::TensorType::INT32,
            buffer(newShape.data(), newShape.size() * sizeof(std::int32_t)), op.name + "_shape", 0);
        const auto r = tfl::CreateReshapeOptionsDirect(fbb_, &newShape);
        emit({tfl::BuiltinOperator::RESHAPE, 1}, {pooled, shapeTensor}, {op.output},
             tfl::BuiltinOptions::ReshapeOptions, r.Union());
        break;
    }
    case ExportOpKind::FullyConnected: {
        const std::vector<int> inputs = {in, weights(op), bias(op)};
        const auto o = tfl::CreateFullyConnectedOptions(fbb_, tfl::ActivationFunctionType::NONE);
        emit({tfl::BuiltinOperator::FULLY_CONNECTED, 4}, inputs, {op.output},
             tfl::BuiltinOptions::FullyConnectedOptions, o.Union());
        break;
    }
    case ExportOpKind::Softmax: {
        const auto o = tfl::CreateSoftmaxOptions(fbb_, 1.0f);
        emit({tfl::BuiltinOperator::SOFTMAX, 2}, {in}, {op.output},
             tfl::BuiltinOptions::SoftmaxOptions, o.Union());
        break;
    }
    }
}

const char* resolverCall(tfl::BuiltinOperator code) {
    switch (code) {
    case tfl::BuiltinOperator::ADD:
        return "AddAdd";
    case tfl::BuiltinOperator::AVERAGE_POOL_2D:
        return "AddAveragePool2D";
    case tfl::BuiltinOperator::CONV_2D:
        return "AddConv2D";
    case tfl::BuiltinOperator::DEPTHWISE_CONV_2D:
        return "AddDepthwiseConv2D";
    case tfl::BuiltinOperator::FULLY_CONNECTED:
        return "AddFullyConnected";
    case tfl::BuiltinOperator::RESHAPE:
        return "AddReshape";
    case tfl::BuiltinOperator::SOFTMAX:
        return "AddSoftmax";
    }
    return "?";
}

} // namespace

std::string tfliteModel(const ExportGraph& graph, const std::string& description) {
    return Writer(graph).finish(description);
}

std::string tfliteProblem(std::string_view bytes) {
    const auto* data = reinterpret_cast<const std::uint8_t*>(bytes.data());
    flatbuffers::Verifier verifier(data, bytes.size());
    if (!tfl::VerifyModelBuffer(verifier))
        return "not a valid TFLite flatbuffer (the flatbuffers verifier refuses it)";
    const auto* model = tfl::GetModel(data);
    if (model->version() != 3)
        return "TFLite schema version " + std::to_string(model->version()) + ", expected 3";
    if (!model->subgraphs() || model->subgraphs()->size() != 1)
        return "expected exactly one subgraph";
    return {};
}

std::vector<std::string> tfliteMicroResolverCalls(std::string_view bytes) {
    const auto* model = tfl::GetModel(bytes.data());
    std::vector<std::string> calls;
    for (const auto* code : *model->operator_codes())
        calls.emplace_back(resolverCall(code->builtin_code()));
    return calls;
}

} // namespace dnas
