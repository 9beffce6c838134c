#include "export/export_checks.h"

#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>
#include <opencv2/dnn.hpp>
#include <torch/torch.h>

#include "common/error.h"
#include "export/armnn_runner.h"
#include "export/graph_builder.h"
#include "export/int8_reference.h"
#include "export/tflite_writer.h"

namespace dnas {

void to_json(nlohmann::json& j, const RuntimeCheck& c) {
    j = {{"runtime", c.runtime},
         {"file", c.file},
         {"images", c.images},
         {"largest_difference", c.largestDifference},
         {"tolerance", c.tolerance},
         {"largest_logit_difference", c.largestLogitDifference >= 0
                                          ? nlohmann::json(c.largestLogitDifference)
                                          : nlohmann::json()},
         {"largest_feature_difference", c.largestFeatureDifference >= 0
                                            ? nlohmann::json(c.largestFeatureDifference)
                                            : nlohmann::json()},
         {"largest_classifier_difference", c.largestClassifierDifference >= 0
                                               ? nlohmann::json(c.largestClassifierDifference)
                                               : nlohmann::json()},
         {"largest_op_difference",
          c.largestOpDifference >= 0 ? nlohmann::json(c.largestOpDifference) : nlohmann::json()},
         {"largest_softmax_difference", c.largestSoftmaxDifference >= 0
                                            ? nlohmann::json(c.largestSoftmaxDifference)
                                            : nlohmann::json()},
         {"same_top_class", c.sameClass}};
}

namespace {

std::vector<std::int8_t> nhwcRow(const torch::Tensor& q, std::int64_t row) {
    const auto t = q[row].permute({1, 2, 0}).contiguous();
    const auto* p = t.data_ptr<std::int8_t>();
    return {p, p + t.numel()};
}

std::int64_t topClass(const std::int8_t* v, std::size_t n) {
    std::size_t best = 0;
    for (std::size_t c = 1; c < n; ++c)
        if (v[c] > v[best])
            best = c;
    return static_cast<std::int64_t>(best);
}

// Pooled features of a deep network: Arm NN requantises each layer through float, our
// reference in double; each op agrees within a step given its inputs, and one-step differences
// add up over 20-50 layers: logits within 3 steps on the 20 demo frontier models (`dnas bench
// export`), while a wrong padding moves them by 7-12. The fully connected layer on Arm NN's own
// features and the softmax of its own logits must agree within 1: they are single kernels.
constexpr double kFeatureTolerance = 3;
constexpr double kClassifierTolerance = 1;
constexpr double kSoftmaxTolerance = 1;
// Each op alone, on the reference's own input to it: one kernel, within a step. The pooled
// features average a defect of the border out: a writer padding the stride-2 depthwise layers
// on the wrong side moved them by 16 steps at 16 px but 4 at 64 px (tst_tflite_export), the
// layers themselves by 184-198. Checked on the first few images (each op is a model to load).
constexpr double kOpTolerance = 1;
constexpr std::int64_t kOpImages = 4;

// Arm NN refusing a file the exporter wrote is a defect of the export, not of user input.
ArmnnTflite load(const std::string& bytes, const std::string& name) {
    try {
        return ArmnnTflite(bytes, name);
    } catch (const InputError& e) {
        throw std::runtime_error(std::string("export check failed: ") + e.what());
    }
}

// The graph cut after the op writing `tensor`, written and run like the real file.
ArmnnTflite cutModel(const ExportGraph& graph, int tensor, const std::string& what,
                     const TfliteWriter& write) {
    ExportGraph cut = graph;
    while (!cut.ops.empty() && cut.ops.back().output != tensor)
        cut.ops.pop_back();
    cut.output = tensor;
    return load(write(cut, what), "model_int8.tflite (cut at the " + what + ")");
}

const ExportOp& classifierOf(const ExportGraph& graph) {
    for (const auto& op : graph.ops)
        if (op.output == graph.logits)
            return op;
    throw std::runtime_error("export graph without a fully connected layer");
}

// The reference's fully connected layer on given int8 features: exact integer accumulation,
// rescaled by input scale x weight scale / output scale, rounded half away from zero.
std::vector<std::int8_t> referenceClassifier(const ExportGraph& graph, const ExportOp& fc,
                                             const std::vector<std::int8_t>& features) {
    const auto& in = graph.tensors[static_cast<std::size_t>(fc.inputs[0])].quant;
    const auto& out = graph.tensors[static_cast<std::size_t>(fc.output)].quant;
    const double scale = in.scale * fc.weightScales.front() / out.scale;
    const std::size_t inputs = features.size();
    std::vector<std::int8_t> logits(fc.qbias.size());
    for (std::size_t o = 0; o < logits.size(); ++o) {
        std::int64_t acc = fc.qbias[o];
        for (std::size_t i = 0; i < inputs; ++i)
            acc +=
                static_cast<std::int64_t>(features[i] - in.zeroPoint) * fc.qweights[o * inputs + i];
        const double q = std::round(static_cast<double>(acc) * scale) + out.zeroPoint;
        logits[o] = static_cast<std::int8_t>(std::clamp(q, -128.0, 127.0));
    }
    return logits;
}

double largestStep(const std::vector<std::int8_t>& got, const std::int8_t* want) {
    double worst = 0;
    for (std::size_t c = 0; c < got.size(); ++c)
        worst = std::max(worst, std::abs(static_cast<double>(got[c] - want[c])));
    return worst;
}

// A row of an int8 activation (NCHW feature map or N x C) as Arm NN takes and gives it.
std::vector<std::int8_t> rowOf(const torch::Tensor& v, std::int64_t row) {
    if (v.dim() == 4)
        return nhwcRow(v, row);
    const auto t = v[row].contiguous();
    const auto* p = t.data_ptr<std::int8_t>();
    return {p, p + t.numel()};
}

struct OpDifference {
    double steps = 0;
    std::string op; // the op with the largest difference
};

// Every op with one input (all but the residual additions, whose inputs the next ops check)
// written alone by `write` and run by Arm NN on the reference's int8 input to it.
OpDifference checkEachOp(const ExportGraph& graph, const torch::Tensor& q,
                         const TfliteWriter& write) {
    const auto images = q.slice(0, 0, std::min<std::int64_t>(q.size(0), kOpImages));
    std::vector<torch::Tensor> values(graph.tensors.size());
    values[static_cast<std::size_t>(graph.input)] = images.contiguous();
    runInt8Graph(graph, images, [&values](int id, const torch::Tensor& v) {
        values[static_cast<std::size_t>(id)] = v.to(torch::kInt8).contiguous();
    });
    OpDifference worst;
    ExportGraph alone = graph; // the tensors once; the op list holds one op at a time
    alone.ops.clear();
    for (const auto& op : graph.ops) {
        if (op.inputs.size() != 1)
            continue;
        alone.ops.assign(1, op);
        alone.input = op.inputs[0];
        alone.output = op.output;
        auto armnn = load(write(alone, op.name), "model_int8.tflite ('" + op.name + "' alone)");
        const auto& in = values[static_cast<std::size_t>(op.inputs[0])];
        const auto& out = values[static_cast<std::size_t>(op.output)];
        for (std::int64_t i = 0; i < images.size(0); ++i) {
            const double steps = largestStep(armnn.run(rowOf(in, i)), rowOf(out, i).data());
            if (steps > worst.steps)
                worst = {steps, op.name};
        }
    }
    return worst;
}

// Where Arm NN and the reference part: the first op (in execution order) whose output, run by
// Arm NN as the output of the graph cut after that op, differs from the reference by more than
// one int8 step on the first images of `q`. Only run when the whole model failed its check.
std::string firstDivergence(const ExportGraph& graph, const torch::Tensor& q,
                            const TfliteWriter& write) {
    const auto images = q.slice(0, 0, std::min<std::int64_t>(q.size(0), 8));
    std::vector<torch::Tensor> want(graph.tensors.size());
    runInt8Graph(graph, images, [&want](int id, const torch::Tensor& v) {
        want[static_cast<std::size_t>(id)] = v.dim() == 4 ? v.permute({0, 2, 3, 1}) : v;
    });
    ExportGraph cut = graph;
    cut.ops.clear();
    for (const auto& op : graph.ops) {
        cut.ops.push_back(op);
        cut.output = op.output;
        auto armnn = load(write(cut, "cut"), "model_int8.tflite (cut at " + op.name + ")");
        const auto expected =
            want[static_cast<std::size_t>(op.output)].to(torch::kInt8).contiguous();
        double worst = 0;
        for (std::int64_t i = 0; i < images.size(0); ++i)
            worst = std::max(worst, largestStep(armnn.run(nhwcRow(images, i)),
                                                expected[i].data_ptr<std::int8_t>()));
        if (worst > 1)
            return "; first at " + std::string(toString(op.kind)) + " '" + op.name + "' (" +
                   std::to_string(static_cast<int>(worst)) + " steps)";
    }
    return "; no single op differs by more than a step";
}

} // namespace

RuntimeCheck checkWithArmnn(const ExportGraph& graph, const std::string& tflite,
                            const torch::Tensor& x, const std::vector<std::size_t>& samples,
                            const std::vector<int>& labels, std::size_t count,
                            std::vector<TestVector>& vectors, const TfliteWriter& write) {
    RuntimeCheck check;
    check.runtime = ArmnnTflite::runtimeName();
    check.file = "model_int8.tflite";
    check.tolerance = kFeatureTolerance;
    auto armnn = load(tflite, check.file);
    auto logits = cutModel(graph, graph.logits, "logits", write);
    const auto& fc = classifierOf(graph);
    auto features = cutModel(graph, fc.inputs[0], "pooled features", write);
    const auto q = quantiseInput(graph, x);
    torch::Tensor pooled;
    const auto outputs = runInt8Graph(graph, q, [&](int id, const torch::Tensor& v) {
        if (id == fc.inputs[0])
            pooled = v.to(torch::kInt8).contiguous();
    });
    const auto reference = outputs.probabilities.contiguous();
    const auto referenceLogits = outputs.logits.contiguous();
    const auto classes = static_cast<std::size_t>(graph.classes);
    check.largestLogitDifference = 0;
    check.largestFeatureDifference = 0;
    check.largestClassifierDifference = 0;
    check.largestSoftmaxDifference = 0;
    for (std::int64_t i = 0; i < x.size(0); ++i) {
        const auto input = nhwcRow(q, i);
        const auto got = armnn.run(input);
        auto gotLogits = logits.run(input);
        const auto gotFeatures = features.run(input);
        check.largestFeatureDifference =
            std::max(check.largestFeatureDifference,
                     largestStep(gotFeatures, pooled[i].data_ptr<std::int8_t>()));
        check.largestClassifierDifference =
            std::max(check.largestClassifierDifference,
                     largestStep(gotLogits, referenceClassifier(graph, fc, gotFeatures).data()));
        const auto* want = reference[i].data_ptr<std::int8_t>();
        check.largestDifference = std::max(check.largestDifference, largestStep(got, want));
        check.largestLogitDifference =
            std::max(check.largestLogitDifference,
                     largestStep(gotLogits, referenceLogits[i].data_ptr<std::int8_t>()));
        const auto softmax =
            int8Softmax(graph,
                        torch::from_blob(gotLogits.data(), {1, static_cast<std::int64_t>(classes)},
                                         torch::kInt8))
                .contiguous();
        check.largestSoftmaxDifference = std::max(
            check.largestSoftmaxDifference, largestStep(got, softmax.data_ptr<std::int8_t>()));
        check.sameClass += topClass(got.data(), classes) == topClass(want, classes);
        ++check.images;
        if (vectors.size() < count)
            vectors.push_back({samples[static_cast<std::size_t>(i)],
                               labels[static_cast<std::size_t>(i)], input,
                               std::vector<std::int8_t>(want, want + classes)});
    }
    const auto steps = [](double v) {
        return std::to_string(static_cast<int>(v));
    };
    const auto eachOp = checkEachOp(graph, q, write);
    check.largestOpDifference = eachOp.steps;
    if (eachOp.steps > kOpTolerance)
        throw std::runtime_error("export check failed: Arm NN's output of '" + eachOp.op +
                                 "' alone, on the int8 reference's input to it, differs from the "
                                 "reference by " +
                                 steps(eachOp.steps) + " int8 steps (tolerance " +
                                 steps(kOpTolerance) + ")");
    if (check.largestFeatureDifference > kFeatureTolerance ||
        check.largestClassifierDifference > kClassifierTolerance ||
        check.largestSoftmaxDifference > kSoftmaxTolerance)
        throw std::runtime_error(
            "export check failed: Arm NN's pooled features differ from the int8 reference by " +
            steps(check.largestFeatureDifference) + " int8 steps (tolerance " +
            steps(kFeatureTolerance) + "), its fully connected layer on them by " +
            steps(check.largestClassifierDifference) + " (tolerance " +
            steps(kClassifierTolerance) + ") and its softmax of its logits by " +
            steps(check.largestSoftmaxDifference) + " (tolerance " + steps(kSoftmaxTolerance) +
            ")" + firstDivergence(graph, q, write));
    return check;
}

RuntimeCheck checkWithOpenCv(const ExportGraph& graph, const std::string& onnx,
                             const torch::Tensor& x) {
    RuntimeCheck check;
    check.runtime = std::string("OpenCV ") + CV_VERSION + " DNN";
    check.file = "model_fp32.onnx";
    check.tolerance = 1e-4;
    auto net = cv::dnn::readNetFromONNX(onnx.data(), onnx.size());
    net.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
    const auto expected = runFloatGraph(graph, x).contiguous();
    const auto input = x.contiguous();
    for (std::int64_t i = 0; i < x.size(0); ++i) {
        const int shape[4] = {1, static_cast<int>(x.size(1)), static_cast<int>(x.size(2)),
                              static_cast<int>(x.size(3))};
        cv::Mat blob(4, shape, CV_32F, const_cast<float*>(input[i].data_ptr<float>()));
        net.setInput(blob);
        const cv::Mat out = net.forward();
        const auto* want = expected[i].data_ptr<float>();
        const auto* got = out.ptr<float>();
        std::size_t bestGot = 0;
        std::size_t bestWant = 0;
        for (int c = 0; c < graph.classes; ++c) {
            const auto k = static_cast<std::size_t>(c);
            check.largestDifference =
                std::max(check.largestDifference, std::abs(static_cast<double>(got[k] - want[k])));
            bestGot = got[k] > got[bestGot] ? k : bestGot;
            bestWant = want[k] > want[bestWant] ? k : bestWant;
        }
        check.sameClass += bestGot == bestWant;
        ++check.images;
    }
    if (check.largestDifference > check.tolerance)
        throw std::runtime_error("export check failed: OpenCV's output of the float ONNX model "
                                 "differs from LibTorch's by " +
                                 std::to_string(check.largestDifference));
    return check;
}

} // namespace dnas
