#include "supernet/checkpoint.h"

#include <sstream>

#include <torch/torch.h>

#include "common/error.h"
#include "common/json_document.h"
#include "data/dataset.h"

namespace dnas {
namespace {

constexpr const char* kMetaKey = "dnas_meta";

// The space without its free-text description: renaming or re-describing a space file does
// not make its checkpoints unusable.
nlohmann::json comparableSpace(nlohmann::json space) {
    space.erase("description");
    return space;
}

} // namespace

void to_json(nlohmann::json& j, const CheckpointMeta& m) {
    j = {{"schema_version", m.schemaVersion},
         {"kind", "dnas-studio-supernet"},
         {"space", m.space},
         {"classes", m.classes},
         {"dataset", {{"name", m.datasetName}, {"fingerprint", m.datasetFingerprint}}},
         {"step", m.step},
         {"total_steps", m.totalSteps},
         {"seed", m.seed},
         {"training", m.training}};
}

CheckpointMeta checkpointMetaFromJson(const nlohmann::json& j, const std::string& origin) {
    try {
        if (j.value("kind", "") != "dnas-studio-supernet")
            throw InputError({{origin, 0, {}, "not a DNAS Studio supernet checkpoint"}});
        CheckpointMeta m;
        m.schemaVersion = j.at("schema_version").get<int>();
        if (m.schemaVersion != 1)
            throw InputError({{origin,
                               0,
                               {},
                               "checkpoint schema version " + std::to_string(m.schemaVersion) +
                                   " is newer than this program understands (1)"}});
        m.space = j.at("space");
        m.classes = j.at("classes").get<int>();
        m.datasetName = j.at("dataset").at("name").get<std::string>();
        m.datasetFingerprint = j.at("dataset").at("fingerprint").get<std::string>();
        m.step = j.at("step").get<long long>();
        m.totalSteps = j.at("total_steps").get<long long>();
        m.seed = j.at("seed").get<std::uint64_t>();
        m.training = j.value("training", nlohmann::json::object());
        return m;
    } catch (const nlohmann::json::exception& e) {
        throw InputError(
            {{origin, 0, {}, std::string("damaged checkpoint metadata: ") + e.what()}});
    }
}

void saveCheckpoint(const std::filesystem::path& path, SupernetImpl& supernet,
                    const CheckpointMeta& meta, torch::optim::Optimizer* optimizer) {
    torch::serialize::OutputArchive archive;
    for (const auto& p : supernet.named_parameters())
        archive.write("param/" + p.key(), p.value());
    for (const auto& b : supernet.named_buffers())
        archive.write("buffer/" + b.key(), b.value());
    const nlohmann::json metaJson = meta;
    archive.write(kMetaKey, c10::IValue(metaJson.dump()));
    if (optimizer) {
        // The optimiser's own archive, stored as bytes: nesting archives that were made
        // separately does not round-trip its state in LibTorch 1.13.
        torch::serialize::OutputArchive optimizerArchive;
        optimizer->save(optimizerArchive);
        std::ostringstream bytes;
        optimizerArchive.save_to(bytes);
        const std::string data = bytes.str();
        archive.write("optimizer_bytes",
                      torch::from_blob(const_cast<char*>(data.data()),
                                       {static_cast<std::int64_t>(data.size())}, torch::kUInt8)
                          .clone());
    }
    if (path.has_parent_path())
        std::filesystem::create_directories(path.parent_path());
    const auto tmp = path.string() + ".tmp";
    try {
        archive.save_to(tmp);
    } catch (const c10::Error& e) {
        std::error_code ec;
        std::filesystem::remove(tmp, ec);
        throw std::runtime_error("cannot write checkpoint " + tmp +
                                 " (disk full or no permission?): " + e.what_without_backtrace());
    }
    std::filesystem::rename(tmp, path);
}

LoadedSupernet loadCheckpoint(const std::filesystem::path& path) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec))
        throw InputError({{path.string(), 0, {}, "checkpoint file does not exist"}});
    torch::serialize::InputArchive archive;
    c10::IValue metaValue;
    try {
        archive.load_from(path.string());
        if (!archive.try_read(kMetaKey, metaValue) || !metaValue.isString())
            throw InputError(
                {{path.string(), 0, {}, "not a DNAS Studio supernet checkpoint (no metadata)"}});
    } catch (const c10::Error& e) {
        throw InputError(
            {{path.string(),
              0,
              {},
              std::string("not a readable checkpoint: ") + e.what_without_backtrace()}});
    }
    nlohmann::json metaJson;
    try {
        metaJson = nlohmann::json::parse(metaValue.toStringRef());
    } catch (const nlohmann::json::exception&) {
        throw InputError({{path.string(), 0, {}, "damaged checkpoint metadata"}});
    }
    LoadedSupernet loaded;
    loaded.meta = checkpointMetaFromJson(metaJson, path.string());
    const auto space = SearchSpace::fromDocument(
        JsonDocument::fromText(loaded.meta.space.dump(), path.string() + " (space)"));
    loaded.supernet = Supernet(space, loaded.meta.classes);
    torch::NoGradGuard noGrad;
    try {
        for (auto& p : loaded.supernet->named_parameters()) {
            torch::Tensor t;
            archive.read("param/" + p.key(), t);
            p.value().copy_(t);
        }
        for (auto& b : loaded.supernet->named_buffers()) {
            torch::Tensor t;
            archive.read("buffer/" + b.key(), t);
            b.value().copy_(t);
        }
    } catch (const c10::Error& e) {
        throw InputError({{path.string(),
                           0,
                           {},
                           std::string("checkpoint weights do not fit its search space: ") +
                               e.what_without_backtrace()}});
    }
    return loaded;
}

bool loadOptimizerState(const std::filesystem::path& path, torch::optim::Optimizer& optimizer) {
    torch::serialize::InputArchive archive;
    archive.load_from(path.string());
    torch::Tensor bytes;
    if (!archive.try_read("optimizer_bytes", bytes))
        return false;
    std::istringstream in(std::string(reinterpret_cast<const char*>(bytes.data_ptr<std::uint8_t>()),
                                      static_cast<std::size_t>(bytes.numel())));
    torch::serialize::InputArchive optimizerArchive;
    optimizerArchive.load_from(in);
    optimizer.load(optimizerArchive);
    return true;
}

void checkCheckpointMatches(const CheckpointMeta& meta, const std::filesystem::path& path,
                            const SearchSpace& space, const Dataset& dataset) {
    std::vector<InputProblem> problems;
    if (comparableSpace(meta.space) != comparableSpace(space.toJson()))
        problems.push_back({path.string(), 0, "space",
                            "the checkpoint was trained for search space '" +
                                meta.space.value("name", std::string("?")) +
                                "', which differs from '" + space.name +
                                "' (train a supernet for this space)"});
    if (meta.datasetFingerprint != dataset.fingerprint)
        problems.push_back({path.string(), 0, "dataset",
                            "the checkpoint was trained on dataset '" + meta.datasetName +
                                "' (fingerprint " + meta.datasetFingerprint + "), not on '" +
                                dataset.name + "' (fingerprint " + dataset.fingerprint + ")"});
    if (meta.classes != static_cast<int>(dataset.classes.size()))
        problems.push_back({path.string(), 0, "classes",
                            "the checkpoint has " + std::to_string(meta.classes) +
                                " classes, the dataset " + std::to_string(dataset.classes.size())});
    if (!problems.empty())
        throw InputError(std::move(problems));
}

} // namespace dnas
