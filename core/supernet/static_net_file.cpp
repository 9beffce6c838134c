#include "supernet/static_net_file.h"

#include <sstream>

#include <torch/torch.h>

#include "common/error.h"
#include "common/json_document.h"
#include "supernet/weights_fingerprint.h"

namespace dnas {
namespace {

constexpr const char* kMetaKey = "dnas_model";
constexpr const char* kFingerprintKey = "dnas_weights_fingerprint";

[[noreturn]] void refuse(const std::filesystem::path& path, const std::string& message) {
    throw InputError({{path.string(), 0, {}, message}});
}

nlohmann::json metaJson(const StaticNetImpl& net, const StaticNetMeta& meta) {
    return {{"kind", "dnas-studio-model"},
            {"schema_version", 1},
            {"architecture", net.spec()},
            {"data", meta.data},
            {"classes", meta.classes},
            {"dataset", {{"name", meta.datasetName}, {"fingerprint", meta.datasetFingerprint}}},
            {"provenance", meta.provenance}};
}

StaticNetMeta metaFrom(const nlohmann::json& j) {
    StaticNetMeta m;
    m.data.resolution = j.at("data").at("resolution").get<int>();
    const auto colour = parseColourMode(j.at("data").at("colour").get<std::string>());
    if (!colour)
        throw std::invalid_argument("unknown colour");
    m.data.colour = *colour;
    m.classes = j.at("classes").get<std::vector<std::string>>();
    m.datasetName = j.at("dataset").at("name").get<std::string>();
    m.datasetFingerprint = j.at("dataset").at("fingerprint").get<std::string>();
    m.provenance = j.value("provenance", nlohmann::json::object());
    return m;
}

} // namespace

std::string staticNetBytes(StaticNetImpl& net, const StaticNetMeta& meta) {
    torch::serialize::OutputArchive archive;
    for (const auto& p : net.named_parameters())
        archive.write("param/" + p.key(), p.value());
    for (const auto& b : net.named_buffers())
        archive.write("buffer/" + b.key(), b.value());
    archive.write(kMetaKey, c10::IValue(metaJson(net, meta).dump()));
    archive.write(kFingerprintKey, c10::IValue(weightsFingerprint(net)));
    std::ostringstream bytes;
    archive.save_to(bytes);
    return bytes.str();
}

LoadedStaticNet loadStaticNet(const std::filesystem::path& path) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec))
        refuse(path, std::filesystem::exists(path, ec) ? "is not a regular file, expected model.pt"
                                                       : "model file does not exist");
    torch::serialize::InputArchive archive;
    c10::IValue metaValue;
    c10::IValue fingerprint;
    try {
        archive.load_from(path.string());
    } catch (const c10::Error&) {
        refuse(path, "not a LibTorch archive (expected a model.pt written by dnas export)");
    }
    if (!archive.try_read(kMetaKey, metaValue) || !metaValue.isString())
        refuse(path, "not a DNAS Studio model (no metadata; a supernet checkpoint is read "
                     "with --supernet)");
    LoadedStaticNet out;
    ArchitectureSpec spec;
    try {
        const auto doc = JsonDocument::fromText(metaValue.toStringRef(), path.string());
        const auto& j = doc.root();
        if (j.value("kind", "") != "dnas-studio-model")
            refuse(path, "not a DNAS Studio model");
        if (j.value("schema_version", 0) != 1)
            refuse(path, "model schema version " +
                             j.value("schema_version", nlohmann::json()).dump() +
                             " is not one this program reads (1)");
        spec = readArchitecture(
            JsonDocument::fromText(j.at("architecture").dump(), path.string() + " (architecture)"));
        out.meta = metaFrom(j);
    } catch (const nlohmann::json::exception& e) {
        refuse(path, std::string("damaged model metadata: ") + e.what());
    } catch (const std::invalid_argument& e) {
        refuse(path, std::string("damaged model metadata: ") + e.what());
    }
    out.net = StaticNet(spec);
    torch::NoGradGuard noGrad;
    try {
        for (auto& p : out.net->named_parameters()) {
            torch::Tensor t;
            archive.read("param/" + p.key(), t);
            TORCH_CHECK(t.sizes() == p.value().sizes(), p.key(), " has shape ", t.sizes());
            p.value().copy_(t);
        }
        for (auto& b : out.net->named_buffers()) {
            torch::Tensor t;
            archive.read("buffer/" + b.key(), t);
            TORCH_CHECK(t.sizes() == b.value().sizes(), b.key(), " has shape ", t.sizes());
            b.value().copy_(t);
        }
    } catch (const c10::Error& e) {
        refuse(path, std::string("weights do not fit the stored architecture: ") +
                         e.what_without_backtrace());
    }
    if (!archive.try_read(kFingerprintKey, fingerprint) || !fingerprint.isString() ||
        fingerprint.toStringRef() != weightsFingerprint(*out.net))
        refuse(path, "the model is damaged: its weights do not match the fingerprint stored with "
                     "them");
    if (const auto bad = firstNonFiniteTensor(*out.net); !bad.empty())
        refuse(path, "non-finite weights (NaN or infinity) in " + bad);
    out.net->eval();
    return out;
}

} // namespace dnas
