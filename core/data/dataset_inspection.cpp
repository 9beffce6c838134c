#include "data/dataset_inspection.h"

#include "data/dataset.h"

namespace dnas {
namespace {

nlohmann::json perClassJson(const Dataset& ds, const std::vector<std::size_t>& indices) {
    nlohmann::json j = nlohmann::json::object();
    const auto counts = ds.perClass(indices);
    for (std::size_t c = 0; c < ds.classes.size(); ++c)
        j[ds.classes[c]] = counts[c];
    return j;
}

} // namespace

nlohmann::json inspectDataset(const Dataset& ds) {
    nlohmann::json splits = nlohmann::json::object();
    for (const Split split : {Split::Train, Split::Validation, Split::Test}) {
        const auto source = ds.sourceIndices(split);
        const auto used = ds.indices(split);
        if (split == Split::Validation) {
            if (used.empty())
                continue;
            nlohmann::json v = {{"count", used.size()}, {"per_class", perClassJson(ds, used)}};
            if (source.empty())
                v["held_out_from"] = "train";
            splits["validation"] = std::move(v);
            continue;
        }
        if (source.empty())
            continue;
        nlohmann::json s = {{"count", source.size()}, {"per_class", perClassJson(ds, source)}};
        if (used.size() != source.size()) {
            s["held_out_as_validation"] = source.size() - used.size();
            s["used_for_training"] = used.size();
        }
        splits[std::string(toString(split))] = std::move(s);
    }
    nlohmann::json skipped = nlohmann::json::array();
    for (const auto& s : ds.skipped)
        skipped.push_back({{"file", s.file}, {"line", s.line}, {"reason", s.reason}});
    return {{"name", ds.name},
            {"format", ds.format},
            {"classes", ds.classes},
            {"binary_person_task", ds.binaryPersonTask},
            {"stand_in", ds.standIn},
            {"note", ds.note},
            {"flags", ds.flagNames},
            {"fingerprint", ds.fingerprint},
            {"validation_holdout", ds.validationHoldout},
            {"samples", ds.samples.size()},
            {"splits", std::move(splits)},
            {"skipped", std::move(skipped)}};
}

} // namespace dnas
