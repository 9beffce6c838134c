#include "data/wake_vision_reader.h"

#include <algorithm>
#include <fstream>
#include <unordered_map>

#include "common/error.h"
#include "common/strings.h"
#include "data/file_image_source.h"
#include "data/image_decoder.h"

namespace dnas {
namespace {

// A field as quoted in a message: a hostile 50 MB field is not echoed whole.
std::string shortened(const std::string& text) {
    constexpr std::size_t kShown = 60;
    return text.size() <= kShown
               ? text
               : text.substr(0, kShown) + "... (" + std::to_string(text.size()) + " characters)";
}

// Columns of the official CSVs besides filename and person (seed-method.md).
const std::vector<std::string> kKnownFlags = {"depiction",
                                              "body_part",
                                              "predominantly_female",
                                              "predominantly_male",
                                              "gender_unknown",
                                              "young",
                                              "middle_age",
                                              "older",
                                              "age_unknown",
                                              "near",
                                              "medium_distance",
                                              "far",
                                              "dark",
                                              "normal_lighting",
                                              "bright",
                                              "person_depiction",
                                              "non-person_depiction",
                                              "non-person_non-depiction"};

Split splitOfCsv(const std::filesystem::path& csv) {
    const auto name = csv.stem().string();
    if (name.find("validation") != std::string::npos || name.ends_with("_val"))
        return Split::Validation;
    if (name.find("test") != std::string::npos)
        return Split::Test;
    return Split::Train;
}

std::string trim(std::string s) {
    while (!s.empty() && (s.back() == '\r' || s.back() == ' ' || s.back() == '\t'))
        s.pop_back();
    std::size_t start = 0;
    while (start < s.size() && (s[start] == ' ' || s[start] == '\t'))
        ++start;
    return s.substr(start);
}

} // namespace

std::vector<std::string> splitCsvLine(std::string_view line) {
    std::vector<std::string> fields(1);
    bool quoted = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (quoted) {
            if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
                fields.back() += '"';
                ++i;
            } else if (c == '"') {
                quoted = false;
            } else {
                fields.back() += c;
            }
        } else if (c == '"') {
            quoted = true;
        } else if (c == ',') {
            fields.emplace_back();
        } else if (c != '\r') {
            fields.back() += c;
        }
    }
    for (auto& f : fields)
        f = trim(std::move(f));
    return fields;
}

Dataset readWakeVisionCsv(const std::vector<std::filesystem::path>& csvFiles,
                          const std::filesystem::path& imageDir, bool checkImages) {
    Dataset ds;
    ds.format = "wake-vision-csv";
    ds.classes = {"no_person", "person"};
    ds.binaryPersonTask = true;

    std::error_code ec;
    if (!std::filesystem::is_directory(imageDir, ec))
        throw InputError({{imageDir.string(), 0, {}, "image folder does not exist"}});
    // Index every image under the image folder by base name, once.
    std::unordered_map<std::string, std::filesystem::path> byName;
    for (auto it = std::filesystem::recursive_directory_iterator(imageDir, ec);
         it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
        if (ec)
            break;
        if (it->is_regular_file(ec) && hasImageExtension(it->path()))
            byName.emplace(it->path().filename().string(), it->path());
    }

    std::vector<std::filesystem::path> paths;
    std::unordered_map<std::string, std::size_t> flagColumn; // flag name -> index in flagNames
    std::vector<std::vector<std::int8_t>> rowFlags;          // per sample, flags known so far
    for (const auto& csv : csvFiles) {
        std::ifstream in(csv);
        if (!in) {
            ds.skipped.push_back({csv.string(), 0, "cannot be opened"});
            continue;
        }
        std::string line;
        int lineNo = 0;
        std::vector<std::string> header;
        while (header.empty() && std::getline(in, line)) {
            ++lineNo;
            if (lineNo == 1 && line.starts_with("\xEF\xBB\xBF"))
                line.erase(0, 3); // UTF-8 byte-order mark, as spreadsheet programs write it
            if (!trim(line).empty())
                header = splitCsvLine(line);
        }
        const auto filenameCol =
            std::find(header.begin(), header.end(), "filename") - header.begin();
        const auto personCol = std::find(header.begin(), header.end(), "person") - header.begin();
        if (header.empty() || filenameCol == static_cast<std::ptrdiff_t>(header.size()) ||
            personCol == static_cast<std::ptrdiff_t>(header.size())) {
            ds.skipped.push_back({csv.string(), lineNo,
                                  "unknown CSV header '" + shortened(trim(line)) +
                                      "' (expected Wake Vision's: filename,person[," +
                                      kKnownFlags[0] + ",...])"});
            continue;
        }
        // Every other column becomes a flag, shared across CSVs by name.
        std::vector<std::pair<std::size_t, std::size_t>> flagOfColumn; // column -> flag index
        for (std::size_t c = 0; c < header.size(); ++c) {
            if (static_cast<std::ptrdiff_t>(c) == filenameCol ||
                static_cast<std::ptrdiff_t>(c) == personCol)
                continue;
            auto [it, added] = flagColumn.emplace(header[c], ds.flagNames.size());
            if (added)
                ds.flagNames.push_back(header[c]);
            flagOfColumn.emplace_back(c, it->second);
        }
        const Split split = splitOfCsv(csv);
        while (std::getline(in, line)) {
            ++lineNo;
            if (trim(line).empty())
                continue; // blank lines occur in the official files
            const auto fields = splitCsvLine(line);
            if (fields.size() != header.size()) {
                ds.skipped.push_back({csv.string(), lineNo,
                                      "expected " + std::to_string(header.size()) +
                                          " fields, found " + std::to_string(fields.size())});
                continue;
            }
            const auto& person = fields[static_cast<std::size_t>(personCol)];
            if (person != "0" && person != "1") {
                ds.skipped.push_back(
                    {csv.string(), lineNo, "person is '" + shortened(person) + "', not 0 or 1"});
                continue;
            }
            const auto name = std::filesystem::path(fields[static_cast<std::size_t>(filenameCol)])
                                  .filename()
                                  .string();
            const auto found = byName.find(name);
            if (found == byName.end()) {
                ds.skipped.push_back(
                    {csv.string(), lineNo,
                     "image '" + shortened(name) + "' not found under " + imageDir.string()});
                continue;
            }
            if (checkImages) {
                if (auto problem = checkImageFile(found->second); !problem.empty()) {
                    ds.skipped.push_back({found->second.string(), 0,
                                          problem + " (listed in " + csv.filename().string() +
                                              " line " + std::to_string(lineNo) + ")"});
                    continue;
                }
            }
            Sample s;
            s.image = static_cast<std::uint32_t>(paths.size());
            s.label = person == "1" ? 1 : 0;
            s.split = split;
            paths.push_back(found->second);
            ds.samples.push_back(s);
            std::vector<std::int8_t> f(ds.flagNames.size(), -1);
            for (const auto& [column, flag] : flagOfColumn) {
                const auto& v = fields[column];
                f[flag] = v == "1" ? 1 : (v == "0" ? 0 : -1);
            }
            rowFlags.push_back(std::move(f));
        }
    }
    // CSVs may have different columns: pad every row to the final set of flags.
    ds.flags.reserve(rowFlags.size() * ds.flagNames.size());
    for (auto& f : rowFlags) {
        f.resize(ds.flagNames.size(), -1);
        ds.flags.insert(ds.flags.end(), f.begin(), f.end());
    }
    ds.images = std::make_shared<FileImageSource>(std::move(paths), imageDir);
    return ds;
}

} // namespace dnas
