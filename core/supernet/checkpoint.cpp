#include "supernet/checkpoint.h"

#include <sstream>

#include <torch/torch.h>

#include "common/atomic_file.h"
#include "common/error.h"
#include "common/json_document.h"
#include "data/dataset.h"
#include "supernet/weights_fingerprint.h"

namespace dnas {
namespace {

constexpr const char* kMetaKey = "dnas_meta";
// Fingerprints of the weights, the metadata and the optimiser state, taken when the checkpoint
// was written (LibTorch does not check the CRCs of the zip archive it reads). Checkpoints
// written before it was stored have none; those are only checked for non-finite weights.
constexpr const char* kIntegrityKey = "dnas_integrity";
constexpr const char* kOptimizerKey = "optimizer_bytes";

// The space without its free-text description: renaming or re-describing a space file does
// not make its checkpoints unusable.
nlohmann::json comparableSpace(nlohmann::json space) {
    space.erase("description");
    return space;
}

// The optimiser's own archive, as bytes: nesting archives that were made separately does not
// round-trip its state in LibTorch 1.13.
std::string optimizerBytes(torch::optim::Optimizer& optimizer) {
    torch::serialize::OutputArchive archive;
    optimizer.save(archive);
    std::ostringstream bytes;
    archive.save_to(bytes);
    return bytes.str();
}

bool readString(torch::serialize::InputArchive& archive, const char* key, std::string& out) {
    c10::IValue value;
    if (!archive.try_read(key, value) || !value.isString())
        return false;
    out = value.toStringRef();
    return true;
}

[[noreturn]] void damaged(const std::filesystem::path& path, const std::string& part) {
    throw InputError({{path.string(),
                       0,
                       {},
                       "the checkpoint is damaged: the fingerprint of its " + part +
                           " does not match the one stored when it was written (a disk or copy "
                           "error?); use another copy or train it again"}});
}

nlohmann::json integrityOf(const std::string& text, const std::filesystem::path& path) {
    if (text.empty())
        return nlohmann::json::object();
    try {
        auto json = nlohmann::json::parse(text);
        if (json.is_object())
            return json;
    } catch (const nlohmann::json::exception&) {
    }
    throw InputError({{path.string(),
                       0,
                       {},
                       "the checkpoint is damaged: its record of fingerprints is unreadable; use "
                       "another copy or train it again"}});
}

// copy_ without its broadcasting: a tensor of another shape does not fit.
void copyExactly(const std::string& name, const torch::Tensor& from, torch::Tensor& to) {
    TORCH_CHECK(from.sizes() == to.sizes(), name, " has shape ", from.sizes(), ", not ",
                to.sizes());
    to.copy_(from);
}

void readWeights(torch::serialize::InputArchive& archive, SupernetImpl& supernet,
                 const std::filesystem::path& path) {
    torch::NoGradGuard noGrad;
    try {
        for (auto& p : supernet.named_parameters()) {
            torch::Tensor t;
            archive.read("param/" + p.key(), t);
            copyExactly(p.key(), t, p.value());
        }
        for (auto& b : supernet.named_buffers()) {
            torch::Tensor t;
            archive.read("buffer/" + b.key(), t);
            copyExactly(b.key(), t, b.value());
        }
    } catch (const c10::Error& e) {
        throw InputError({{path.string(),
                           0,
                           {},
                           std::string("checkpoint weights do not fit its search space: ") +
                               e.what_without_backtrace()}});
    }
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
        if (m.schemaVersion < kCheckpointSchemaVersion)
            throw InputError(
                {{origin,
                  0,
                  {},
                  "checkpoint schema version " + std::to_string(m.schemaVersion) +
                      " was trained with symmetric padding and x / 127.5 - 1 inputs, which an "
                      "exported int8 model cannot reproduce; train a new supernet "
                      "(dnas train-supernet)"}});
        if (m.schemaVersion > kCheckpointSchemaVersion)
            throw InputError({{origin,
                               0,
                               {},
                               "checkpoint schema version " + std::to_string(m.schemaVersion) +
                                   " is newer than this program understands (" +
                                   std::to_string(kCheckpointSchemaVersion) + ")"}});
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
    const std::string metaText = nlohmann::json(meta).dump();
    archive.write(kMetaKey, c10::IValue(metaText));
    nlohmann::json integrity = {{"weights", weightsFingerprint(supernet)},
                                {"meta", bytesFingerprint(metaText)}};
    if (optimizer) {
        const std::string data = optimizerBytes(*optimizer);
        archive.write(kOptimizerKey,
                      torch::from_blob(const_cast<char*>(data.data()),
                                       {static_cast<std::int64_t>(data.size())}, torch::kUInt8)
                          .clone());
        integrity["optimizer"] = bytesFingerprint(data);
    }
    archive.write(kIntegrityKey, c10::IValue(integrity.dump()));
    // Serialised in memory and written by us: LibTorch's own file writer ends the process
    // (std::terminate from its destructor) when the disk fills, and leaves its file behind.
    std::ostringstream bytes;
    archive.save_to(bytes);
    writeFileAtomically(path, bytes.view(), "checkpoint");
}

LoadedSupernet loadCheckpoint(const std::filesystem::path& path) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec))
        throw InputError({{path.string(), 0, {}, "checkpoint file does not exist"}});
    if (std::filesystem::is_directory(path, ec))
        throw InputError({{path.string(), 0, {}, "is a folder, expected a checkpoint file"}});
    if (!std::filesystem::is_regular_file(path, ec)) // a FIFO would block the reader
        throw InputError({{path.string(), 0, {}, "is not a regular file, expected a checkpoint"}});
    torch::serialize::InputArchive archive;
    std::string metaText;
    std::string integrityText;
    try {
        archive.load_from(path.string());
        if (!readString(archive, kMetaKey, metaText))
            throw InputError(
                {{path.string(), 0, {}, "not a DNAS Studio supernet checkpoint (no metadata)"}});
        readString(archive, kIntegrityKey, integrityText);
    } catch (const c10::Error& e) {
        throw InputError(
            {{path.string(),
              0,
              {},
              std::string("not a readable checkpoint: ") + e.what_without_backtrace()}});
    }
    const auto integrity = integrityOf(integrityText, path);
    if (integrity.contains("meta") && integrity["meta"] != bytesFingerprint(metaText))
        damaged(path, "metadata");
    nlohmann::json metaJson;
    try {
        metaJson = nlohmann::json::parse(metaText);
    } catch (const nlohmann::json::exception&) {
        throw InputError({{path.string(), 0, {}, "damaged checkpoint metadata"}});
    }
    LoadedSupernet loaded;
    loaded.meta = checkpointMetaFromJson(metaJson, path.string());
    const auto space = SearchSpace::fromDocument(
        JsonDocument::fromText(loaded.meta.space.dump(), path.string() + " (space)"));
    loaded.supernet = Supernet(space, loaded.meta.classes);
    readWeights(archive, *loaded.supernet, path);
    if (integrity.contains("weights") &&
        integrity["weights"] != weightsFingerprint(*loaded.supernet))
        damaged(path, "weights");
    if (const auto name = firstNonFiniteTensor(*loaded.supernet); !name.empty())
        throw InputError({{path.string(),
                           0,
                           {},
                           "the checkpoint holds non-finite weights (NaN or infinity) in " + name +
                               ": the training it comes from diverged; train it again (with a "
                               "lower --learning-rate)"}});
    return loaded;
}

bool loadOptimizerState(const std::filesystem::path& path, torch::optim::Optimizer& optimizer) {
    torch::serialize::InputArchive archive;
    torch::Tensor bytes;
    std::string integrityText;
    try {
        archive.load_from(path.string());
        if (!archive.try_read(kOptimizerKey, bytes))
            return false;
        readString(archive, kIntegrityKey, integrityText);
    } catch (const c10::Error& e) {
        throw InputError(
            {{path.string(),
              0,
              {},
              std::string("not a readable checkpoint: ") + e.what_without_backtrace()}});
    }
    const std::string data(reinterpret_cast<const char*>(bytes.data_ptr<std::uint8_t>()),
                           static_cast<std::size_t>(bytes.numel()));
    const auto integrity = integrityOf(integrityText, path);
    if (integrity.contains("optimizer") && integrity["optimizer"] != bytesFingerprint(data))
        damaged(path, "optimiser state");
    try {
        std::istringstream in(data);
        torch::serialize::InputArchive optimizerArchive;
        optimizerArchive.load_from(in);
        optimizer.load(optimizerArchive);
    } catch (const c10::Error& e) {
        throw InputError({{path.string(),
                           0,
                           {},
                           std::string("its optimiser state does not fit this training (another "
                                       "--optimizer?): ") +
                               e.what_without_backtrace()}});
    }
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
