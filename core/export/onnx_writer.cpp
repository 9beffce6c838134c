#include "export/onnx_writer.h"

#include <bit>
#include <cstdint>
#include <set>
#include <stdexcept>
#include <utility>
#include <vector>

#include <onnx/checker.h>
#include <onnx/onnx_pb.h>
#include <onnx/shape_inference/implementation.h>

#include "space/architecture.h"

namespace dnas {
namespace {

// Opsets. The fused ReLU6 is a Clip to [0, 6] in both models, in the form each runtime
// reads:
// - float, opset 10: the last opset whose Clip takes min / max as attributes. OpenCV 4.6's
//   DNN module reads only that form (it maps Clip to its ReLU6 layer and fuses it into the
//   convolution; Clip with min / max inputs, opset >= 11, does not load there), and ONNX
//   Runtime and STM32Cube.AI read it too. One exact node that importers fuse as ReLU6.
//   (Relu + Min with a constant 6 at opset 13 would be exact too, but OpenCV 4.6 refuses a
//   Min with a constant input.)
// - QDQ, opset 13: needed for per-axis DequantizeLinear; Clip then takes min / max as
//   constant inputs, the form ONNX Runtime's QDQ optimiser folds into the QuantizeLinear
//   after it (the int8 range [zero point, 127] already clamps), leaving the DQ -> Conv -> Q
//   pattern of QLinearConv. OpenCV 4.6 does not load QDQ models at all.
constexpr int kFloatOpset = 10;
constexpr int kQdqOpset = 13;
constexpr int kLastAttributeClipOpset = 10;

// Initializers are written as raw_data, which ONNX defines as little-endian.
static_assert(std::endian::native == std::endian::little);

using Dims = std::vector<std::int64_t>;

template <typename T>
constexpr int onnxType();
template <>
constexpr int onnxType<float>() {
    return onnx::TensorProto::FLOAT;
}
template <>
constexpr int onnxType<std::int8_t>() {
    return onnx::TensorProto::INT8;
}
template <>
constexpr int onnxType<std::int32_t>() {
    return onnx::TensorProto::INT32;
}

// NHWC feature map {1, H, W, C} -> ONNX's NCHW {1, C, H, W}; {1, C} stays.
Dims onnxShape(const std::vector<int>& shape) {
    if (shape.size() == 4)
        return {shape[0], shape[3], shape[1], shape[2]};
    return {shape.begin(), shape.end()};
}

void setInt(onnx::NodeProto& node, const std::string& name, std::int64_t value) {
    auto* a = node.add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::INT);
    a->set_i(value);
}

void setFloat(onnx::NodeProto& node, const std::string& name, float value) {
    auto* a = node.add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::FLOAT);
    a->set_f(value);
}

void setInts(onnx::NodeProto& node, const std::string& name, const Dims& values) {
    auto* a = node.add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::INTS);
    for (const auto v : values)
        a->add_ints(v);
}

// One ModelProto under construction: nodes in execution order, initializers, inputs, outputs.
class ModelBuilder {
public:
    ModelBuilder(int opset, const std::string& doc) {
        model_.set_ir_version(onnx::IR_VERSION);
        model_.set_producer_name("DNAS Studio");
        model_.set_doc_string(doc);
        auto* op = model_.add_opset_import();
        op->set_domain("");
        op->set_version(opset);
        graph()->set_name("dnas_studio");
        metadata("input_layout", "NCHW");
        metadata("preprocessing", "(pixel - 128) / 128");
    }

    // A node named after its (single) output.
    onnx::NodeProto& node(const std::string& type, const std::vector<std::string>& inputs,
                          const std::string& output) {
        auto* n = graph()->add_node();
        n->set_op_type(type);
        n->set_name(output);
        for (const auto& in : inputs)
            n->add_input(in);
        n->add_output(output);
        return *n;
    }

    // An initializer (dims {} for a scalar); returns its name. Adding a name twice keeps the
    // first (shared constants).
    template <typename T>
    std::string constant(const std::string& name, const Dims& dims, const std::vector<T>& values) {
        if (!constants_.insert(name).second)
            return name;
        auto* t = graph()->add_initializer();
        t->set_name(name);
        t->set_data_type(onnxType<T>());
        for (const auto d : dims)
            t->add_dims(d);
        t->set_raw_data(values.data(), values.size() * sizeof(T));
        return name;
    }

    void input(const std::string& name, const Dims& dims) {
        valueInfo(graph()->add_input(), name, dims);
    }
    void output(const std::string& name, const Dims& dims) {
        valueInfo(graph()->add_output(), name, dims);
    }
    std::string bytes() const { return model_.SerializeAsString(); }

private:
    onnx::GraphProto* graph() { return model_.mutable_graph(); }

    void metadata(const std::string& key, const std::string& value) {
        auto* p = model_.add_metadata_props();
        p->set_key(key);
        p->set_value(value);
    }

    // A float tensor of fixed shape.
    static void valueInfo(onnx::ValueInfoProto* info, const std::string& name, const Dims& dims) {
        info->set_name(name);
        auto* type = info->mutable_type()->mutable_tensor_type();
        type->set_elem_type(onnx::TensorProto::FLOAT);
        for (const auto d : dims)
            type->mutable_shape()->add_dim()->set_dim_value(d);
    }

    onnx::ModelProto model_;
    std::set<std::string> constants_;
};

// ONNX's layout of an op's weights (float or int8) with its dims: Conv2d OHWI -> OIHW,
// DepthwiseConv2d 1 x KH x KW x C -> C x 1 x KH x KW (group = C), FullyConnected O x I as is
// (Gemm with transB).
template <typename T>
std::vector<T> onnxWeights(const ExportOp& op, const std::vector<T>& w, Dims& dims) {
    const auto& s = op.weightShape;
    if (op.kind == ExportOpKind::FullyConnected) {
        dims = {s[0], s[1]};
        return w;
    }
    const bool depthwise = op.kind == ExportOpKind::DepthwiseConv2d;
    const int outC = op.outChannels();
    const int inC = depthwise ? 1 : s[3];
    const int kh = s[1];
    const int kw = s[2];
    dims = {outC, inC, kh, kw};
    std::vector<T> out(w.size());
    for (int o = 0; o < outC; ++o)
        for (int i = 0; i < inC; ++i)
            for (int y = 0; y < kh; ++y)
                for (int x = 0; x < kw; ++x) {
                    const int from =
                        depthwise ? (y * kw + x) * outC + o : ((o * kh + y) * kw + x) * inC + i;
                    out[static_cast<std::size_t>(((o * inC + i) * kh + y) * kw + x)] =
                        w[static_cast<std::size_t>(from)];
                }
    return out;
}

// Writes one ExportGraph as a float (opset 10) or a QDQ int8 (opset 13) model. Every
// activation tensor has one ONNX name that its consumers read (names_); in the QDQ model the
// op writes raw(name) and a QuantizeLinear / DequantizeLinear pair turns it into name.
class OnnxGraphWriter {
public:
    OnnxGraphWriter(const ExportGraph& graph, bool qdq)
        : graph_(graph)
        , qdq_(qdq)
        , opset_(qdq ? kQdqOpset : kFloatOpset)
        , model_(opset_, qdq ? "DNAS Studio int8 QDQ model: input NCHW float (pixel - 128) / 128, "
                               "output class probabilities"
                             : "DNAS Studio float model: input NCHW float (pixel - 128) / 128, "
                               "output class probabilities") {
        for (const auto& t : graph.tensors)
            names_.push_back(t.name);
        names_[index(graph.logits)] = "logits";
        names_[index(graph.output)] = "probabilities";
    }

    std::string write(const OnnxOptions& options) {
        model_.input("input", onnxShape(tensor(graph_.input).shape));
        names_[index(graph_.input)] = "input";
        if (qdq_) { // the int8 input, dequantised for the first convolution
            quantDequant("input", tensor(graph_.input).quant, "input_dequantized");
            names_[index(graph_.input)] = "input_dequantized";
        }
        for (const auto& op : graph_.ops)
            writeOp(op);
        model_.output("probabilities", onnxShape(tensor(graph_.output).shape));
        if (options.logitsOutput)
            model_.output("logits", onnxShape(tensor(graph_.logits).shape));
        return model_.bytes();
    }

private:
    static std::size_t index(int id) { return static_cast<std::size_t>(id); }
    const ExportTensor& tensor(int id) const { return graph_.tensors[index(id)]; }

    // The value an op writes for tensor `name`: the name itself in the float model.
    std::string raw(const std::string& name) const { return qdq_ ? name + "_prequant" : name; }

    void writeOp(const ExportOp& op) {
        const std::string& in = names_[index(op.inputs[0])];
        const std::string& out = names_[index(op.output)];
        switch (op.kind) {
        case ExportOpKind::Conv2d:
        case ExportOpKind::DepthwiseConv2d:
            convolution(op, in, out);
            break;
        case ExportOpKind::Add:
            model_.node("Add", {in, names_[index(op.inputs[1])]}, raw(out));
            break;
        case ExportOpKind::GlobalAveragePool: // {1, C, 1, 1}, then flattened to {1, C}
            model_.node("GlobalAveragePool", {in}, raw(out + "_nchw"));
            quantise(out + "_nchw", tensor(op.output).quant);
            setInt(model_.node("Flatten", {out + "_nchw"}, raw(out)), "axis", 1);
            break;
        case ExportOpKind::FullyConnected: {
            const auto [weight, bias] = parameters(op);
            setInt(model_.node("Gemm", {in, weight, bias}, raw(out)), "transB", 1);
            break;
        }
        case ExportOpKind::Softmax:
            setInt(model_.node("Softmax", {in}, raw(out)), "axis", 1);
            break;
        }
        quantise(out, tensor(op.output).quant);
    }

    // Conv with TFLite's SAME padding as explicit pads [top, left, bottom, right].
    void convolution(const ExportOp& op, const std::string& in, const std::string& out) {
        const auto [weight, bias] = parameters(op);
        const std::string conv = op.relu6 ? out + "_conv" : raw(out);
        auto& node = model_.node("Conv", {in, weight, bias}, conv);
        const auto& shape = tensor(op.inputs[0]).shape; // 1 x H x W x C
        const Padding rows = samePadding(shape[1], op.kernel, op.stride);
        const Padding cols = samePadding(shape[2], op.kernel, op.stride);
        setInts(node, "kernel_shape", {op.kernel, op.kernel});
        setInts(node, "strides", {op.stride, op.stride});
        setInts(node, "dilations", {1, 1});
        setInts(node, "pads", {rows.before, cols.before, rows.after, cols.after});
        setInt(node, "group", op.kind == ExportOpKind::DepthwiseConv2d ? op.outChannels() : 1);
        if (op.relu6)
            relu6(conv, raw(out));
    }

    // Clip to [0, 6] in the form the opset has (see kFloatOpset).
    void relu6(const std::string& in, const std::string& out) {
        if (opset_ <= kLastAttributeClipOpset) {
            auto& clip = model_.node("Clip", {in}, out);
            setFloat(clip, "min", 0.0f);
            setFloat(clip, "max", 6.0f);
            return;
        }
        const auto min = model_.constant("relu6_min", {}, std::vector<float>{0.0f});
        const auto max = model_.constant("relu6_max", {}, std::vector<float>{6.0f});
        model_.node("Clip", {in, min, max}, out);
    }

    // The names of an op's weight and bias as its node reads them.
    std::pair<std::string, std::string> parameters(const ExportOp& op) {
        Dims dims;
        if (qdq_)
            return dequantisedParameters(op, onnxWeights(op, op.qweights, dims), dims);
        const auto weights = onnxWeights(op, op.weights, dims);
        const Dims biasDims{static_cast<std::int64_t>(op.bias.size())};
        return {model_.constant(op.name + "_weight", dims, weights),
                model_.constant(op.name + "_bias", biasDims, op.bias)};
    }

    // int8 weights and int32 bias initializers, each with its DequantizeLinear: per output
    // channel along axis 0 for convolutions, per tensor for fully connected. The bias scale is
    // input scale x weight scale and both zero points are 0, as ONNX Runtime's fusion expects.
    std::pair<std::string, std::string>
    dequantisedParameters(const ExportOp& op, const std::vector<std::int8_t>& q, const Dims& dims) {
        const bool perChannel = op.kind != ExportOpKind::FullyConnected;
        const std::size_t n = op.weightScales.size();
        const Dims scaleDims = perChannel ? Dims{static_cast<std::int64_t>(n)} : Dims{};
        const double inScale = tensor(op.inputs[0]).quant.scale;
        std::vector<float> weightScales;
        std::vector<float> biasScales;
        for (const double s : op.weightScales) {
            weightScales.push_back(static_cast<float>(s));
            biasScales.push_back(static_cast<float>(inScale * s));
        }
        const std::string w = op.name + "_weight";
        const auto wq = model_.constant(w + "_int8", dims, q);
        model_.constant(w + "_scale", scaleDims, weightScales);
        model_.constant(w + "_zero_point", scaleDims, std::vector<std::int8_t>(n, 0));
        const std::string b = op.name + "_bias";
        const Dims biasDims{static_cast<std::int64_t>(op.qbias.size())};
        const auto bq = model_.constant(b + "_int32", biasDims, op.qbias);
        model_.constant(b + "_scale", scaleDims, biasScales);
        model_.constant(b + "_zero_point", scaleDims, std::vector<std::int32_t>(n, 0));
        return {dequantise(w, wq, perChannel), dequantise(b, bq, perChannel)};
    }

    // DequantizeLinear of `values` with the initializers "<name>_scale" and
    // "<name>_zero_point", as `name`.
    std::string dequantise(const std::string& name, const std::string& values, bool perChannel) {
        auto& node =
            model_.node("DequantizeLinear", {values, name + "_scale", name + "_zero_point"}, name);
        if (perChannel)
            setInt(node, "axis", 0);
        return name;
    }

    // QDQ model only: raw(name) quantised with `q` and dequantised as `name`.
    void quantise(const std::string& name, const QuantParams& q) {
        if (qdq_)
            quantDequant(raw(name), q, name);
    }

    // `real` -> QuantizeLinear -> "<out>_int8" -> DequantizeLinear -> `out`, int8 with q's
    // scale (as float32) and zero point.
    void quantDequant(const std::string& real, const QuantParams& q, const std::string& out) {
        const auto scale =
            model_.constant(out + "_scale", {}, std::vector<float>{static_cast<float>(q.scale)});
        const auto zero =
            model_.constant(out + "_zero_point", {},
                            std::vector<std::int8_t>{static_cast<std::int8_t>(q.zeroPoint)});
        model_.node("QuantizeLinear", {real, scale, zero}, out + "_int8");
        model_.node("DequantizeLinear", {out + "_int8", scale, zero}, out);
    }

    const ExportGraph& graph_;
    bool qdq_;
    int opset_;
    ModelBuilder model_;
    std::vector<std::string> names_; // by tensor id: the name consumers read
};

} // namespace

std::string onnxFloatModel(const ExportGraph& graph, const OnnxOptions& options) {
    return OnnxGraphWriter(graph, false).write(options);
}

std::string onnxQdqModel(const ExportGraph& graph, const OnnxOptions& options) {
    if (!graph.quantised())
        throw std::invalid_argument("onnxQdqModel: the graph is not quantised (quantiseGraph())");
    return OnnxGraphWriter(graph, true).write(options);
}

void checkOnnxModel(const std::string& bytes, const std::string& origin) {
    onnx::ModelProto model;
    if (!model.ParseFromString(bytes))
        throw std::runtime_error(origin + ": not an ONNX model (the protobuf does not parse)");
    try {
        onnx::checker::check_model(model);
        // Strict: a node whose shapes do not infer, or disagree with the declared outputs, fails.
        onnx::shape_inference::InferShapes(model, onnx::OpSchemaRegistry::Instance(),
                                           onnx::ShapeInferenceOptions(true, 1, false));
    } catch (const std::exception& e) {
        throw std::runtime_error(origin + ": ONNX check failed: " + e.what());
    }
}

} // namespace dnas
