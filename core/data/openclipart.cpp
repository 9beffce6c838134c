#include "data/openclipart.h"

#include <algorithm>
#include <map>

#include "common/error.h"
#include "data/folder_reader.h"

namespace dnas {
namespace {

const std::vector<std::string> kCategories = {"animals", "buildings",  "food",          "people",
                                              "plants",  "recreation", "transportation"};

} // namespace

std::filesystem::path openClipartDir() {
    return "/usr/share/openclipart/png";
}

bool isOpenClipartSpec(const std::string& spec) {
    return spec == "openclipart" || spec == "openclipart:people";
}

Dataset readOpenClipart(const std::string& spec, bool checkImages) {
    const auto root = openClipartDir();
    std::error_code ec;
    if (!std::filesystem::is_directory(root, ec))
        throw InputError({{root.string(),
                           0,
                           {},
                           "openclipart-png is not installed; install the Debian package "
                           "openclipart-png to use '" +
                               spec + "'"}});
    Dataset all = readImageFolders(root, checkImages);
    const bool people = spec == "openclipart:people";
    std::map<std::int16_t, std::int16_t> relabel; // folder label -> task label
    for (std::size_t c = 0; c < all.classes.size(); ++c) {
        const auto it = std::find(kCategories.begin(), kCategories.end(), all.classes[c]);
        if (it == kCategories.end())
            continue;
        relabel[static_cast<std::int16_t>(c)] =
            people ? std::int16_t{all.classes[c] == "people"}
                   : static_cast<std::int16_t>(it - kCategories.begin());
    }
    Dataset ds;
    ds.format = all.format;
    ds.images = all.images;
    ds.classes = people ? std::vector<std::string>{"no_person", "person"} : kCategories;
    ds.binaryPersonTask = people;
    for (auto s : all.samples) {
        const auto it = relabel.find(s.label);
        if (it == relabel.end())
            continue;
        s.label = it->second;
        const auto bucket = fnv1a(ds.images->stableKey(s.image)) % 100;
        s.split = bucket < 70 ? Split::Train : (bucket < 90 ? Split::Validation : Split::Test);
        ds.samples.push_back(s);
    }
    for (const auto& item : all.skipped)
        for (const auto& category : kCategories)
            if (item.file.starts_with((root / category).string() + "/"))
                ds.skipped.push_back(item);
    ds.note = std::string("openclipart-png clip art (public domain), ") +
              (people ? "people = person, animals/buildings/food/plants/recreation/"
                        "transportation = no_person"
                      : "7 categories") +
              "; split by a hash of each image's path (70 % train, 20 % validation, 10 % test)";
    return ds;
}

} // namespace dnas
