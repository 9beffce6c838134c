#include "models/project.h"

#include "common/atomic_file.h"
#include "common/error.h"
#include "common/json_document.h"
#include "common/json_reader.h"

namespace dnas::ui {
namespace {

constexpr const char* kKind = "dnas-studio-project";

// A relative path in the file is relative to the project's folder. For a dataset or a space
// it may also be a built-in name ("fashion-mnist", "demo"), so there it is a path only when
// it names something in that folder.
std::string resolved(const std::string& value, const std::filesystem::path& folder,
                     bool orBuiltInName) {
    const std::filesystem::path p(value);
    if (value.empty() || p.is_absolute())
        return value;
    std::error_code ec;
    const auto there = (folder / p).lexically_normal();
    return !orBuiltInName || std::filesystem::exists(there, ec) ? there.string() : value;
}

// A path inside the project's folder written relative to it, so that the folder can be moved
// or shared as a whole; anything else as given.
std::string portable(const std::string& value, const std::filesystem::path& folder) {
    const std::filesystem::path p(value);
    if (value.empty() || !p.is_absolute() || folder.empty())
        return value;
    const auto relative = p.lexically_normal().lexically_relative(folder.lexically_normal());
    if (relative.empty() || *relative.begin() == "..")
        return value;
    return relative.string();
}

// A path as an absolute one, so that the project does not depend on the folder the window
// was started in; a dataset or space that names nothing here stays a built-in name.
std::string absolute(const std::string& value, bool orBuiltInName) {
    const std::filesystem::path p(value);
    std::error_code ec;
    if (value.empty() || p.is_absolute() || (orBuiltInName && !std::filesystem::exists(p, ec)))
        return value;
    return std::filesystem::absolute(p).lexically_normal().string();
}

} // namespace

void Project::save(const std::filesystem::path& path) const {
    auto search = job.config.toJson();
    search.erase("inputs"); // recorded with each run; the project names its inputs itself
    const auto folder = std::filesystem::absolute(path).parent_path();
    nlohmann::json j = {{"schema_version", kSchemaVersion},
                        {"kind", kKind},
                        {"dataset", portable(absolute(job.dataset, true), folder)},
                        {"space", portable(absolute(job.space, true), folder)},
                        {"mcu", job.mcu},
                        {"runtime", job.runtime},
                        {"store", portable(absolute(job.store.string(), false), folder)},
                        {"search", search}};
    if (!job.supernet.empty())
        j["supernet"] = portable(absolute(job.supernet.string(), false), folder);
    writeFileAtomically(path, j.dump(2) + "\n", "project");
}

Project Project::load(const std::filesystem::path& path) {
    const auto doc = JsonDocument::fromFile(path);
    JsonReader reader(doc);
    const auto& root = doc.root();
    if (!root.is_object())
        throw InputError({{path.string(), 1, {}, "is not a DNAS Studio project (not an object)"}});
    const auto kind = reader.string(root, "", "kind", Presence::Required);
    if (kind && *kind != kKind)
        reader.problem("kind", "is \"" + *kind + "\", not \"" + kKind + "\"");
    const auto version =
        reader.integer(root, "", "schema_version", Presence::Required, 1, 1'000'000);
    if (version && *version > kSchemaVersion)
        throw InputError({{path.string(), doc.lineOf("schema_version"), "schema_version",
                           "is " + std::to_string(*version) + ", newer than this DNAS Studio (" +
                               std::to_string(kSchemaVersion) + "); update DNAS Studio"}});
    reader.onlyKeys(root, "",
                    {"schema_version", "kind", "dataset", "space", "mcu", "runtime", "store",
                     "supernet", "search"});
    Project p;
    const auto folder = std::filesystem::absolute(path).parent_path();
    auto& job = p.job;
    if (const auto v = reader.string(root, "", "dataset", Presence::Required))
        job.dataset = resolved(*v, folder, true);
    if (const auto v = reader.string(root, "", "space", Presence::Required))
        job.space = resolved(*v, folder, true);
    if (const auto v = reader.string(root, "", "mcu", Presence::Required))
        job.mcu = *v;
    if (const auto v = reader.string(root, "", "runtime", Presence::Optional))
        job.runtime = *v;
    if (const auto v = reader.string(root, "", "store", Presence::Required))
        job.store = resolved(*v, folder, false);
    if (const auto v = reader.string(root, "", "supernet", Presence::Optional))
        job.supernet = resolved(*v, folder, false);
    const auto* search = reader.object(root, "", "search", Presence::Required);
    if (search) // a typo such as "fixed_dta" would otherwise be a default nobody asked for
        reader.onlyKeys(*search, "search",
                        {"mode", "strategy", "population", "cost_mode", "budgets", "objectives",
                         "max_evaluations", "generations", "time_limit_seconds", "seed",
                         "evaluator", "val_subset", "calibration_images", "racing", "fixed_data"});
    reader.throwIfProblems();
    try {
        job.config = SearchConfig::fromJson(*search, path.string());
    } catch (const InputError& e) { // its fields and lines, as they are in the project file
        auto problems = e.problems();
        for (auto& problem : problems) {
            problem.field =
                problem.field.empty() ? "search" : JsonReader::key("search", problem.field);
            problem.file = path.string();
            problem.line = doc.lineOf(problem.field);
        }
        throw InputError(std::move(problems));
    }
    // What the engine would refuse only at Start, refused when the file is opened.
    const auto& c = job.config;
    if (c.mode != "dnas" && c.mode != "hwnas" && c.mode != "compare")
        reader.problem("search.mode", "is '" + c.mode + "'; use dnas, hwnas or compare");
    if (c.strategy.name != "nsga2" && c.strategy.name != "paper-ga" && c.strategy.name != "random")
        reader.problem("search.strategy",
                       "is '" + c.strategy.name + "'; use nsga2, paper-ga or random");
    // The window's Run dock shows these ranges; anything else would change silently at Start.
    if (c.maxEvaluations < 1 || c.maxEvaluations > 1'000'000)
        reader.problem("search.max_evaluations", "must be between 1 and 1000000 in a project");
    if (c.seed > 2'147'483'647ULL)
        reader.problem("search.seed", "must be between 0 and 2147483647 in a project");
    if (c.eval.valSubset > 10'000'000)
        reader.problem("search.val_subset", "must be between 0 (all) and 10000000 in a project");
    reader.throwIfProblems();
    return p;
}

} // namespace dnas::ui
