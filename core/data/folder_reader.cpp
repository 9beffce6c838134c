#include "data/folder_reader.h"

#include <algorithm>
#include <map>
#include <set>

#include "common/error.h"
#include "data/file_image_source.h"
#include "data/image_decoder.h"

namespace dnas {
namespace {

std::optional<Split> splitOfFolder(const std::string& name) {
    if (name == "train" || name == "train_quality" || name == "train_large")
        return Split::Train;
    if (name == "val" || name == "validation")
        return Split::Validation;
    if (name == "test")
        return Split::Test;
    return std::nullopt;
}

// -1: negative (no person), 1: positive (person), 0: not a person-task name.
int personPolarity(const std::string& name) {
    if (name == "1" || name == "person")
        return 1;
    if (name == "0" || name == "no_person" || name == "non_person" || name == "background")
        return -1;
    return 0;
}

bool hidden(const std::filesystem::path& p) {
    return p.filename().string().starts_with('.');
}

std::vector<std::filesystem::path> sortedChildren(const std::filesystem::path& dir,
                                                  bool directories) {
    std::vector<std::filesystem::path> out;
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(dir, ec))
        if (!hidden(e.path()) && e.is_directory(ec) == directories)
            out.push_back(e.path());
    std::sort(out.begin(), out.end());
    return out;
}

struct ClassFolder {
    std::filesystem::path path;
    std::string name;
    std::optional<Split> split; // nullopt: no split folders, split by hash
};

} // namespace

Dataset readImageFolders(const std::filesystem::path& root, bool checkImages) {
    Dataset ds;
    ds.format = "image-folders";
    std::vector<ClassFolder> folders;
    const auto top = sortedChildren(root, true);
    const bool splitLayout = std::any_of(top.begin(), top.end(), [](const auto& p) {
        return splitOfFolder(p.filename().string()).has_value();
    });
    if (splitLayout) {
        for (const auto& dir : top) {
            const auto split = splitOfFolder(dir.filename().string());
            if (!split) {
                ds.skipped.push_back(
                    {dir.string(), 0,
                     "not a split folder (expected train, val, validation or test)"});
                continue;
            }
            for (const auto& cls : sortedChildren(dir, true))
                folders.push_back({cls, cls.filename().string(), split});
        }
    } else {
        for (const auto& cls : top)
            folders.push_back({cls, cls.filename().string(), std::nullopt});
    }
    if (folders.empty())
        throw InputError(
            {{root.string(),
              0,
              {},
              "no class folders found (expected <class>/*.jpg or <split>/<class>/*.jpg)"}});

    std::set<std::string> names;
    for (const auto& f : folders)
        names.insert(f.name);
    const bool binary = std::all_of(names.begin(), names.end(),
                                    [](const auto& n) { return personPolarity(n) != 0; }) &&
                        std::any_of(names.begin(), names.end(),
                                    [](const auto& n) { return personPolarity(n) > 0; }) &&
                        std::any_of(names.begin(), names.end(),
                                    [](const auto& n) { return personPolarity(n) < 0; });
    std::map<std::string, int> labelOf;
    if (binary) {
        ds.classes = {"no_person", "person"};
        ds.binaryPersonTask = true;
        for (const auto& n : names)
            labelOf[n] = personPolarity(n) > 0 ? 1 : 0;
    } else {
        ds.classes.assign(names.begin(), names.end());
        for (std::size_t i = 0; i < ds.classes.size(); ++i)
            labelOf[ds.classes[i]] = static_cast<int>(i);
    }

    std::vector<std::filesystem::path> paths;
    for (const auto& folder : folders) {
        std::size_t found = 0;
        std::vector<std::filesystem::path> files;
        std::error_code ec;
        for (auto it = std::filesystem::recursive_directory_iterator(folder.path, ec);
             it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
            if (ec)
                break;
            if (it->is_regular_file(ec) && !hidden(it->path()))
                files.push_back(it->path());
        }
        std::sort(files.begin(), files.end());
        for (const auto& file : files) {
            if (!hasImageExtension(file)) {
                ds.skipped.push_back(
                    {file.string(), 0,
                     "not an image file (extension " + file.extension().string() + ")"});
                continue;
            }
            if (checkImages) {
                if (auto problem = checkImageFile(file); !problem.empty()) {
                    ds.skipped.push_back({file.string(), 0, problem});
                    continue;
                }
            }
            Sample s;
            s.image = static_cast<std::uint32_t>(paths.size());
            s.label = static_cast<std::int16_t>(labelOf[folder.name]);
            if (folder.split) {
                s.split = *folder.split;
            } else {
                const auto rel = std::filesystem::relative(file, root).generic_string();
                const auto bucket = fnv1a(rel) % 100;
                s.split =
                    bucket < 80 ? Split::Train : (bucket < 90 ? Split::Validation : Split::Test);
            }
            paths.push_back(file);
            ds.samples.push_back(s);
            ++found;
        }
        if (found == 0)
            ds.skipped.push_back({folder.path.string(), 0,
                                  "class folder '" + folder.name + "' has no usable images"});
    }
    if (!splitLayout)
        ds.note = "no split folders: split by a hash of each image's path (80 % train, 10 % "
                  "validation, 10 % test)";
    ds.images = std::make_shared<FileImageSource>(std::move(paths), root);
    return ds;
}

} // namespace dnas
