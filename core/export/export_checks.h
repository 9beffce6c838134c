#pragma once

#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>
#include <torch/types.h>

#include "export/export_graph.h"
#include "export/firmware_files.h"
#include "export/tflite_writer.h"

namespace dnas {

// What the independent runtimes said about the exported files, for the model card.
struct RuntimeCheck {
    std::string runtime; // "Arm NN (libarmnn 22.0) CpuRef", "OpenCV 4.6.0 DNN"
    std::string file;
    std::size_t images = 0;
    double largestDifference = 0; // int8 steps (Arm NN) or absolute probability (float ONNX)
    // Arm NN: the same model cut after the fully connected layer, int8 steps on the logits
    // (saturated probabilities hide errors: a wrong padding moves logits by 7-12 steps and
    // probabilities by 1); negative when not measured. Reported: a step of difference in
    // the pooled features moves a logit by up to the layer's gain (sum of |weight| x scales).
    double largestLogitDifference = -1;
    // Arm NN: the pooled features (the model cut after global average pooling) against the
    // reference's - where rounding differences of the whole chain show, before the fully
    // connected layer amplifies them - and its logits against the reference's fully connected
    // layer applied to Arm NN's own pooled features (the layer alone).
    double largestFeatureDifference = -1;
    double largestClassifierDifference = -1;
    // Arm NN: its probabilities against the reference's softmax of Arm NN's own logits (the
    // softmax alone; the probabilities' difference from the reference is the logits'
    // difference amplified by the softmax, up to 256 x scale / 4 steps per logit step).
    double largestSoftmaxDifference = -1;
    // Arm NN: every op with one input written alone and run on the reference's int8 input to
    // it, against the reference's output (the largest over the ops, on the first 4 images).
    double largestOpDifference = -1;
    double tolerance = 0;
    std::size_t sameClass = 0; // images where the runtime's top class equals ours
};

void to_json(nlohmann::json& j, const RuntimeCheck& c);

// How a graph becomes TFLite bytes (tfliteModel; a test gives a writer with a defect injected,
// which then shows in every model the check writes, as a defect of the real writer would).
using TfliteWriter = std::function<std::string(const ExportGraph&, const std::string&)>;

// Runs `tflite` in Arm NN on every image of `x` (NCHW floats as imagesToTensor makes) and
// compares with the LibTorch int8 reference: the pooled features of the graph cut after its
// global average pooling (within 3 int8 steps), the logits against the reference's fully
// connected layer on Arm NN's own pooled features (within 1) and the probabilities against
// the reference's softmax of Arm NN's own logits (within 1), and every op with one input alone on
// the reference's input to it (within 1); the logits' and probabilities'
// differences from the reference are reported. Throws std::runtime_error naming the first op that
// differs by more than a step (a defect of the export, not of the user's input). Fills `vectors`
// with the first `count` images as test vectors (`samples`, `labels` per row). The cut models
// are written by `write`, as `tflite` was.
RuntimeCheck checkWithArmnn(const ExportGraph& graph, const std::string& tflite,
                            const torch::Tensor& x, const std::vector<std::size_t>& samples,
                            const std::vector<int>& labels, std::size_t count,
                            std::vector<TestVector>& vectors,
                            const TfliteWriter& write = tfliteModel);

// Loads the float ONNX model in OpenCV's DNN module, runs `x` and compares the probabilities
// with the float graph's; throws std::runtime_error above 1e-4.
RuntimeCheck checkWithOpenCv(const ExportGraph& graph, const std::string& onnx,
                             const torch::Tensor& x);

} // namespace dnas
