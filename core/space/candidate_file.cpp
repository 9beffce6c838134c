#include "space/candidate_file.h"

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "common/json_document.h"
#include "common/json_reader.h"

namespace dnas {

std::vector<Candidate> readCandidateFile(const std::string& file, const SearchSpace& space) {
    const auto doc = JsonDocument::fromFile(file);
    JsonReader reader(doc);
    std::vector<Candidate> out;
    const auto& root = doc.root();
    if (root.is_object() && root.contains("candidates")) {
        const auto* list = reader.array(root, "", "candidates", Presence::Required);
        for (std::size_t i = 0; list && i < list->size(); ++i) {
            const auto path = JsonReader::index("candidates", i);
            const auto& item = (*list)[i];
            // Accept both {"candidate": {...}} (our eval output) and a bare candidate.
            const bool wrapped = item.is_object() && item.contains("candidate");
            if (auto c = readCandidate(reader, wrapped ? item["candidate"] : item,
                                       wrapped ? JsonReader::key(path, "candidate") : path))
                out.push_back(*c);
        }
    } else if (auto c = readCandidate(reader, root, "")) {
        out.push_back(*c);
    }
    for (std::size_t i = 0; i < out.size(); ++i)
        for (const auto& problem : space.check(out[i]))
            reader.problem(root.contains("candidates") ? JsonReader::index("candidates", i) : "",
                           "not in search space '" + space.name + "': " + problem);
    reader.throwIfProblems();
    if (out.empty())
        throw InputError({{file, 0, {}, "no candidate in the file"}});
    return out;
}

} // namespace dnas
