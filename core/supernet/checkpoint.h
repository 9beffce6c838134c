#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "supernet/supernet.h"

namespace torch::optim {
class Optimizer;
}

namespace dnas {

class Dataset;

// What a supernet checkpoint records besides the weights: the search space it serves, the
// dataset it was trained on, and where training stood.
// 2: TFLite SAME padding and (x - 128) / 128 inputs (version 1 padded symmetrically and took
// x / 127.5 - 1; its weights do not fit the exported networks and are refused).
inline constexpr int kCheckpointSchemaVersion = 2;

struct CheckpointMeta {
    int schemaVersion = kCheckpointSchemaVersion;
    nlohmann::json space; // SearchSpace::toJson()
    int classes = 0;
    std::string datasetName;
    std::string datasetFingerprint;
    long long step = 0;       // optimiser steps done
    long long totalSteps = 0; // steps planned
    std::uint64_t seed = 0;
    nlohmann::json training; // the training options, for the record and for --resume
};

void to_json(nlohmann::json& j, const CheckpointMeta& m);
CheckpointMeta checkpointMetaFromJson(const nlohmann::json& j, const std::string& origin);

// Writes weights, batch-norm statistics, metadata, (optionally) the optimiser state and a
// fingerprint of each to `path` atomically (a temporary file renamed over it), so a killed run
// never leaves a half-written checkpoint. Throws InputError naming `path` when it cannot be
// written (disk full, read-only, missing directory, a directory): the temporary file is
// removed and a previous checkpoint at `path` stays as it was.
void saveCheckpoint(const std::filesystem::path& path, SupernetImpl& supernet,
                    const CheckpointMeta& meta, torch::optim::Optimizer* optimizer = nullptr);

struct LoadedSupernet {
    Supernet supernet{nullptr};
    CheckpointMeta meta;
};

// Reads a checkpoint; throws InputError naming the file when it is missing, not a DNAS Studio
// supernet checkpoint, damaged (weights or metadata differ from the fingerprints written with
// them) or holds a NaN or infinite weight.
LoadedSupernet loadCheckpoint(const std::filesystem::path& path);
// Restores the optimiser state saved with the checkpoint (false when it has none); InputError
// when it is damaged or does not fit `optimizer`.
bool loadOptimizerState(const std::filesystem::path& path, torch::optim::Optimizer& optimizer);

// Refuses (InputError naming both) a checkpoint trained for another search space or on
// another dataset than the ones given.
void checkCheckpointMatches(const CheckpointMeta& meta, const std::filesystem::path& path,
                            const SearchSpace& space, const Dataset& dataset);

} // namespace dnas
