#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cost/cost_report.h"
#include "cost/mcu_profile.h"
#include "eval/eval_options.h"
#include "export/model_card.h"
#include "space/genome.h"
#include "supernet/supernet.h"

namespace dnas {

class Dataset;
class ImageCache;

// What to export and what the model card compares it with.
struct ExportJob {
    Candidate candidate;
    std::string name;             // e.g. "run 3 dnas candidate 57"
    EvalOptions eval;             // the search's: recalibration images, validation subset, seed
    std::vector<McuProfile> mcus; // every profile the card costs the model on
    RuntimeProfile runtime;
    CostMode costMode = CostMode::Tflm;
    std::string mcuId; // the search's MCU (the arena estimate in model_settings.h)
    Budgets budgets;   // the search's
    nlohmann::json provenance = nlohmann::json::object(); // store, run, candidate, fingerprints
    std::vector<FrontierPoint> frontier; // the run's candidates, for the picture (may be empty)
};

struct ExportOptions {
    std::filesystem::path outDir;
    bool overwrite = false; // replace an existing folder (only once the new one is done)
    int finetuneEpochs = 0; // train the subnet further before quantising
    std::size_t calibrationImages = 500; // training images for the int8 ranges
    std::size_t testVectors = 5;         // validation images written as int8 test vectors
    std::size_t checkImages = 100;       // validation images run through Arm NN and OpenCV
};

struct ExportResult {
    std::filesystem::path folder;
    nlohmann::json card; // model_card.json
    double seconds = 0;
};

using ExportLog = std::function<void(const std::string&)>;

// Exports `job.candidate` of `supernet` into options.outDir: the subnet as evaluated during
// the search (extracted, batch norm recalibrated; optionally fine-tuned), folded and quantised
// to int8, written as model_int8.tflite, model_fp32.onnx, model_int8_qdq.onnx, model_data.cc/.h,
// model_settings.h, test_vectors/, model.pt, model_card.json and report.html. Every file is
// checked before anything is written: the flatbuffers verifier and Arm NN (checkWithArmnn, on
// options.checkImages validation images), the ONNX checker
// and OpenCV's DNN module (within 1e-4 of LibTorch). The folder appears complete or not at all
// (written beside it, then renamed); InputError when it cannot be written, leaving nothing.
ExportResult exportCandidate(Supernet supernet, std::shared_ptr<const Dataset> dataset,
                             ImageCache& cache, const ExportJob& job, const ExportOptions& options,
                             const ExportLog& log = {});

} // namespace dnas
