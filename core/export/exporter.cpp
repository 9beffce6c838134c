#include "export/exporter.h"

#include <algorithm>
#include <chrono>

#include <torch/torch.h>

#include "common/error.h"
#include "common/malloc_tuning.h"
#include "common/utc_time.h"
#include "cost/cost_model.h"
#include "cost/network.h"
#include "data/dataset.h"
#include "data/image_cache.h"
#include "data/tensor_batch.h"
#include "eval/evaluator.h"
#include "export/export_checks.h"
#include "export/export_folder.h"
#include "export/graph_builder.h"
#include "export/int8_reference.h"
#include "export/onnx_writer.h"
#include "export/quantise.h"
#include "export/tflite_writer.h"
#include "supernet/static_net_file.h"

namespace dnas {
namespace {

struct Images {
    torch::Tensor x;
    std::vector<std::size_t> samples;
    std::vector<int> labels;
};

Images imagesOf(ImageCache& cache, const DataConfig& config, std::vector<std::size_t> indices,
                std::size_t limit) {
    if (indices.size() > limit)
        indices.resize(limit);
    const auto set = cache.get(config, indices);
    Images out;
    out.x = imagesToTensor(*set, 0, set->rows());
    out.samples = set->samples;
    out.labels.assign(set->labels.begin(), set->labels.end());
    return out;
}

// Float and int8 accuracy of the same split.
nlohmann::json splitAccuracy(Evaluator& evaluator, StaticNetImpl& net, const ExportGraph& graph,
                             const DataConfig& config) {
    const auto floatMetrics = evaluator.validate(net, config);
    const auto int8Metrics = evaluator.validate(
        [&graph](const torch::Tensor& x) {
            return runInt8Graph(graph, quantiseInput(graph, x)).probabilities;
        },
        config);
    return {{"float", floatMetrics},
            {"int8", int8Metrics},
            {"int8_minus_float", int8Metrics.accuracy - floatMetrics.accuracy}};
}

void calibrate(ExportGraph& graph, ImageCache& cache, const Dataset& dataset,
               const Candidate& candidate, std::size_t images, std::uint64_t seed) {
    const auto train = dataset.count(Split::Train);
    const auto indices = dataset.subset(Split::Train, std::min(images, train), seed + 3);
    const auto set = cache.get(candidate.data, indices);
    for (std::size_t b = 0; b < set->rows(); b += 64)
        calibrateGraph(graph, imagesToTensor(*set, b, std::min(set->rows(), b + 64)));
    quantiseGraph(graph);
}

const RuntimeProfile& runtimeOn(const McuProfile& mcu, const RuntimeProfile& wanted) {
    for (const auto& r : mcu.runtimes)
        if (r.id == wanted.id)
            return r;
    for (const auto& r : mcu.runtimes)
        if (r.id == mcu.defaultRuntime)
            return r;
    return mcu.runtimes.front();
}

// What TensorFlow Lite Micro needs on the search's MCU, whatever the search's cost mode and
// runtime: the arena as TFLM plans it (no in-place depthwise) with the runtime's kernels when
// it is a TFLM one (reference or CMSIS-NN), else the MCU's first TFLM runtime.
CostReport tflmCosts(const ExportJob& job, const ArchitectureSpec& spec) {
    const auto mcu = std::find_if(job.mcus.begin(), job.mcus.end(),
                                  [&job](const McuProfile& m) { return m.id == job.mcuId; });
    if (mcu == job.mcus.end())
        throw InputError("--mcu", "no MCU profile '" + job.mcuId + "' for the arena estimate");
    const RuntimeProfile* runtime =
        job.runtime.kind != RuntimeKind::TinyEngine ? &job.runtime : nullptr;
    for (const auto& r : mcu->runtimes)
        if (!runtime && r.kind != RuntimeKind::TinyEngine)
            runtime = &r;
    if (!runtime)
        runtime = &job.runtime;
    CostModel model;
    return model.estimate(buildNetwork(spec), *mcu, *runtime, CostMode::Tflm, job.budgets);
}

nlohmann::json costsOn(const ExportJob& job, const ArchitectureSpec& spec) {
    CostModel model;
    const auto network = buildNetwork(spec);
    nlohmann::json costs = nlohmann::json::array();
    for (const auto& mcu : job.mcus) {
        if (mcu.runtimes.empty())
            continue;
        const auto& runtime = runtimeOn(mcu, job.runtime);
        const auto report = model.estimate(network, mcu, runtime, job.costMode, job.budgets);
        const auto own =
            model.estimate(network, mcu, runtime, job.costMode, CostModel::budgetsOf(mcu));
        costs.push_back({{"mcu", mcu.id},
                         {"name", mcu.name},
                         {"runtime", runtime.id},
                         {"peak_sram_bytes", report.peakSramBytes},
                         {"flash_bytes", report.flashBytes},
                         {"latency_ms", report.latencyMs},
                         {"energy_mj", report.energyMj},
                         {"fits_budgets", report.fits},
                         {"fits_mcu", own.fits}});
    }
    return costs;
}

// The folded graph computes what the network computes (or the export is wrong).
void checkFolding(const ExportGraph& graph, StaticNetImpl& net, const torch::Tensor& x) {
    const auto expected = torch::softmax(net.forward(x), 1);
    const double gap = (runFloatGraph(graph, x) - expected).abs().max().item<double>();
    if (gap > 1e-4)
        throw std::runtime_error("export check failed: the folded network differs from the "
                                 "trained one by " +
                                 std::to_string(gap));
}

nlohmann::json quantJson(const QuantParams& q) {
    return {{"scale", q.scale}, {"zero_point", q.zeroPoint}};
}

} // namespace

ExportResult exportCandidate(Supernet supernet, std::shared_ptr<const Dataset> dataset,
                             ImageCache& cache, const ExportJob& job, const ExportOptions& options,
                             const ExportLog& log) {
    const auto start = std::chrono::steady_clock::now();
    const FreeMemoryAtEnd freeMemory;
    const auto say = [&log](const std::string& s) {
        if (log)
            log(s);
    };
    checkExportFolder(options.outDir, options.overwrite);
    if (options.calibrationImages == 0 || options.checkImages == 0)
        throw InputError("--calibration-images", "the export needs at least one calibration "
                                                 "and one check image");
    const auto& candidate = job.candidate;
    EvalOptions valOptions = job.eval;
    valOptions.split = Split::Validation;
    Evaluator val(supernet, dataset, cache, valOptions);
    std::optional<Evaluator> test;
    if (dataset->count(Split::Test) > 0) {
        EvalOptions t = job.eval;
        t.split = Split::Test;
        t.valSubset = 0;
        test.emplace(supernet, dataset, cache, t);
    }
    say("extracting the subnet and recalibrating its batch norm");
    auto net = val.prepare(candidate); // trains, for runs scored by fine-tuning or from scratch
    torch::NoGradGuard noGrad;
    nlohmann::json card;
    if (options.finetuneEpochs > 0) {
        nlohmann::json before = {{"validation", val.validate(*net, candidate.data)}};
        if (test)
            before["test"] = test->validate(*net, candidate.data);
        const auto trainImages = static_cast<long long>(dataset->count(Split::Train));
        const long long steps = options.finetuneEpochs *
                                std::max<long long>(1, (trainImages + job.eval.trainBatchSize - 1) /
                                                           job.eval.trainBatchSize);
        say("fine-tuning for " + std::to_string(options.finetuneEpochs) + " epochs (" +
            std::to_string(steps) + " steps)");
        {
            torch::AutoGradMode grad(true);
            val.train(*net, candidate.data, steps);
        }
        val.recalibrateBatchNorm(*net, candidate.data);
        card["finetune"] = {
            {"epochs", options.finetuneEpochs}, {"steps", steps}, {"before", before}};
    }
    say("folding batch norm and quantising to int8");
    auto graph = exportGraphOf(*net);
    const auto checks = imagesOf(cache, candidate.data, val.validationIndices(),
                                 std::max(options.checkImages, options.testVectors));
    checkFolding(graph, *net, checks.x);
    calibrate(graph, cache, *dataset, candidate, options.calibrationImages, job.eval.seed);
    say("measuring float and int8 accuracy");
    card["accuracy"]["validation"] = splitAccuracy(val, *net, graph, candidate.data);
    if (test)
        card["accuracy"]["test"] = splitAccuracy(*test, *net, graph, candidate.data);

    say("writing the model files and checking them in Arm NN and OpenCV");
    const auto tflite = tfliteModel(graph, "DNAS Studio: " + job.name);
    if (const auto problem = tfliteProblem(tflite); !problem.empty())
        throw std::runtime_error("export check failed: model_int8.tflite: " + problem);
    std::vector<TestVector> vectors;
    const auto armnn = checkWithArmnn(graph, tflite, checks.x, checks.samples, checks.labels,
                                      options.testVectors, vectors);
    const auto onnx = onnxFloatModel(graph);
    checkOnnxModel(onnx, "model_fp32.onnx");
    const auto opencv = checkWithOpenCv(graph, onnx, checks.x);
    const auto qdq = onnxQdqModel(graph);
    checkOnnxModel(qdq, "model_int8_qdq.onnx");

    card["costs"] = costsOn(job, net->spec());
    const auto searchCosts = tflmCosts(job, net->spec()); // the firmware's arena and size
    FirmwareSettings firmware;
    firmware.modelName = job.name;
    firmware.classes = dataset->classes;
    firmware.arenaEstimateBytes = searchCosts.arenaBytes + searchCosts.persistentBytes;
    firmware.resolverCalls = tfliteMicroResolverCalls(tflite);

    StaticNetMeta meta;
    meta.data = candidate.data;
    meta.classes = dataset->classes;
    meta.datasetName = dataset->name;
    meta.datasetFingerprint = dataset->fingerprint;
    meta.provenance = job.provenance;
    std::vector<ExportFile> files = {
        {"model_int8.tflite", tflite},
        {"model_fp32.onnx", onnx},
        {"model_int8_qdq.onnx", qdq},
        {"model_data.cc", modelDataSource(tflite)},
        {"model_data.h", modelDataHeader()},
        {"model_settings.h", modelSettingsHeader(graph, firmware)},
        {"test_vectors/test_vectors.h", testVectorsHeader(vectors, dataset->classes)},
        {"model.pt", staticNetBytes(*net, meta)},
    };
    for (std::size_t k = 0; k < vectors.size(); ++k) {
        const auto& v = vectors[k];
        files.push_back({"test_vectors/input_" + std::to_string(k) + ".bin",
                         std::string(v.input.begin(), v.input.end())});
        files.push_back({"test_vectors/expected_" + std::to_string(k) + ".bin",
                         std::string(v.expected.begin(), v.expected.end())});
    }

    card["kind"] = "dnas-studio-model-card";
    card["schema_version"] = 1;
    card["name"] = job.name;
    card["created"] = utcNow();
    card["candidate"] = candidate;
    card["architecture"] = net->spec();
    card["classes"] = dataset->classes;
    card["dataset"] = {{"name", dataset->name}, {"fingerprint", dataset->fingerprint}};
    card["data"] = {{"resolution", candidate.data.resolution},
                    {"colour", toString(candidate.data.colour)},
                    {"input_shape", graph.tensors[static_cast<std::size_t>(graph.input)].shape},
                    {"preprocessing", "resize the shorter side, crop the centre square, " +
                                          std::string(candidate.data.colour == ColourMode::Grayscale
                                                          ? "gray (0.2989 R + 0.5870 G + 0.1140 B)"
                                                          : "RGB") +
                                          "; int8 input = pixel - 128"}};
    card["quantisation"] = {
        {"calibration_images", std::min(options.calibrationImages, dataset->count(Split::Train))},
        {"input", quantJson(graph.tensors[static_cast<std::size_t>(graph.input)].quant)},
        {"output", quantJson(graph.tensors[static_cast<std::size_t>(graph.output)].quant)},
        {"weights", "int8 symmetric per output channel (fully connected per tensor)"}};
    card["budgets"] = {{"mcu", job.mcuId},
                       {"runtime", job.runtime.id},
                       {"sram_bytes", job.budgets.sramBytes},
                       {"flash_bytes", job.budgets.flashBytes},
                       {"latency_ms", job.budgets.latencyMs ? nlohmann::json(*job.budgets.latencyMs)
                                                            : nlohmann::json()}};
    card["tflite"] = {
        {"bytes", tflite.size()},
        {"cost_model_bytes", searchCosts.weightBytes + searchCosts.modelOverheadBytes},
        {"operators", firmware.resolverCalls}};
    card["tensor_arena"] = {{"estimate_bytes", firmware.arenaEstimateBytes},
                            {"margin", firmware.arenaMargin},
                            {"size_bytes", tensorArenaBytes(firmware)}};
    card["checks"] = {armnn, opencv};
    card["provenance"] = job.provenance;
    card["seconds"] =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    nlohmann::json listing = nlohmann::json::array();
    for (const auto& f : files)
        listing.push_back({{"path", f.path}, {"bytes", f.bytes.size()}});
    card["files"] = listing;
    files.push_back({"model_card.json", card.dump(2) + "\n"});
    files.push_back(
        {"report.html",
         reportHtml(card, frontierSvg(job.frontier, static_cast<double>(job.budgets.sramBytes)))});
    say("writing " + options.outDir.string());
    writeExportFolder(options.outDir, files, options.overwrite);
    return {options.outDir, card,
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count()};
}

} // namespace dnas
