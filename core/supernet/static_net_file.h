#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "space/genome.h"
#include "supernet/static_net.h"

namespace dnas {

// What a model.pt file holds besides the weights: the architecture, the data configuration it
// takes, the class names and the dataset it was trained on.
struct StaticNetMeta {
    DataConfig data;
    std::vector<std::string> classes;
    std::string datasetName;
    std::string datasetFingerprint;
    nlohmann::json provenance = nlohmann::json::object(); // run, candidate, supernet
};

// model.pt: a LibTorch archive of the network's parameters and batch-norm statistics, its
// ArchitectureSpec and the metadata, with a fingerprint of the weights (kind
// "dnas-studio-model", schema_version 1). Returned as bytes so that exports write them
// atomically with the rest of their folder.
std::string staticNetBytes(StaticNetImpl& net, const StaticNetMeta& meta);

struct LoadedStaticNet {
    StaticNet net{nullptr};
    StaticNetMeta meta;
};

// Throws InputError naming the file when it is missing, not a DNAS Studio model, damaged
// (weights differ from their fingerprint) or holds non-finite weights. Eval mode.
LoadedStaticNet loadStaticNet(const std::filesystem::path& path);

} // namespace dnas
