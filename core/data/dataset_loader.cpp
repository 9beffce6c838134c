#include "data/dataset_loader.h"

#include <algorithm>
#include <fstream>

#include "common/error.h"
#include "data/folder_reader.h"
#include "data/idx_reader.h"
#include "data/openclipart.h"
#include "data/wake_vision_reader.h"

namespace dnas {
namespace {

const std::vector<std::string> kFashionMnistClasses = {
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
    "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};

bool isIdxImages(const std::filesystem::path& p) {
    return p.filename().string().find("-images-idx3-ubyte") != std::string::npos;
}

std::vector<std::filesystem::path> filesIn(const std::filesystem::path& dir) {
    std::vector<std::filesystem::path> out;
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(dir, ec))
        if (e.is_regular_file(ec))
            out.push_back(e.path());
    std::sort(out.begin(), out.end());
    return out;
}

std::vector<std::filesystem::path> csvFilesIn(const std::filesystem::path& dir) {
    std::vector<std::filesystem::path> out;
    for (const auto& f : filesIn(dir))
        if (f.extension() == ".csv")
            out.push_back(f);
    return out;
}

std::filesystem::path labelsFor(const std::filesystem::path& images) {
    auto name = images.filename().string();
    name.replace(name.find("-images-idx3-ubyte"), 18, "-labels-idx1-ubyte");
    return images.parent_path() / name;
}

Dataset readIdxDataset(const std::vector<std::filesystem::path>& imageFiles,
                       const std::vector<std::string>& classNames) {
    Dataset ds;
    ds.format = "idx";
    std::shared_ptr<IdxImageSource> source;
    int maxLabel = -1;
    for (const auto& file : imageFiles) {
        auto images = readIdxImages(file);
        const auto labelFile = labelsFor(file);
        const auto labels = readIdxLabels(labelFile);
        if (labels.size() != images->size())
            throw InputError(
                {{labelFile.string(),
                  0,
                  {},
                  std::to_string(labels.size()) + " labels for " + std::to_string(images->size()) +
                      " images in " + file.filename().string()}});
        const auto name = file.filename().string();
        const Split split =
            name.starts_with("t10k") || name.starts_with("test") ? Split::Test : Split::Train;
        const std::size_t first = source ? source->size() : 0;
        if (!source)
            source = std::move(images);
        else
            source->append(*images);
        for (std::size_t i = 0; i < labels.size(); ++i) {
            ds.samples.push_back({static_cast<std::uint32_t>(first + i),
                                  static_cast<std::int16_t>(labels[i]), split, false});
            maxLabel = std::max<int>(maxLabel, labels[i]);
        }
    }
    if (!classNames.empty() && maxLabel < static_cast<int>(classNames.size())) {
        ds.classes = classNames;
    } else {
        for (int c = 0; c <= maxLabel; ++c)
            ds.classes.push_back(std::to_string(c));
    }
    ds.images = source;
    ds.grayImages = true;
    return ds;
}

Dataset readIdxFolder(const std::filesystem::path& dir,
                      const std::vector<std::string>& classNames) {
    std::vector<std::filesystem::path> imageFiles;
    for (const auto& f : filesIn(dir))
        if (isIdxImages(f))
            imageFiles.push_back(f);
    // Training file first, so that record numbers are stable.
    std::stable_partition(imageFiles.begin(), imageFiles.end(),
                          [](const auto& p) { return p.filename().string().starts_with("train"); });
    if (imageFiles.empty())
        throw InputError({{dir.string(), 0, {}, "no *-images-idx3-ubyte[.gz] file"}});
    return readIdxDataset(imageFiles, classNames);
}

// Fashion-MNIST as the person / no-person stand-in: classes that cover the upper body.
void toPersonStandIn(Dataset& ds) {
    for (auto& s : ds.samples) {
        const int c = s.label;
        s.label = (c == 0 || c == 2 || c == 3 || c == 4 || c == 6) ? 1 : 0;
    }
    ds.classes = {"no_person", "person"};
    ds.binaryPersonTask = true;
    ds.standIn = true;
    ds.note =
        "STAND-IN for person / no-person: Fashion-MNIST upper-body garments (T-shirt/top, "
        "pullover, "
        "dress, coat, shirt) are labelled person, the other items (trouser, sandal, sneaker, bag, "
        "ankle boot) no_person";
}

} // namespace

std::filesystem::path fashionMnistDir() {
    return "/usr/share/datasets/fashion-mnist";
}

std::string detectDatasetFormat(const std::filesystem::path& path) {
    std::error_code ec;
    if (std::filesystem::is_regular_file(path, ec)) {
        if (path.extension() == ".csv")
            return "wake-vision-csv";
        if (isIdxImages(path))
            return "idx";
        throw InputError(
            {{path.string(),
              0,
              {},
              "not a dataset: expected a folder, a Wake Vision CSV or an IDX image file"}});
    }
    const auto files = filesIn(path);
    if (std::any_of(files.begin(), files.end(), isIdxImages))
        return "idx";
    if (!csvFilesIn(path).empty())
        return "wake-vision-csv";
    return "image-folders";
}

std::shared_ptr<Dataset> loadDataset(const std::string& spec, const DatasetOptions& options) {
    auto ds = std::make_shared<Dataset>();
    const bool fashion = spec == "fashion-mnist" || spec == "fashion-mnist:binary";
    if (fashion) {
        const auto dir = fashionMnistDir();
        std::error_code ec;
        if (!std::filesystem::is_directory(dir, ec))
            throw InputError({{dir.string(),
                               0,
                               {},
                               "Fashion-MNIST is not installed; install the Debian package "
                               "dataset-fashion-mnist (packaging/setup.sh does)"}});
        *ds = readIdxFolder(dir, kFashionMnistClasses);
        if (spec == "fashion-mnist:binary")
            toPersonStandIn(*ds);
    } else if (isOpenClipartSpec(spec)) {
        *ds = readOpenClipart(spec, options.checkImages);
    } else {
        const std::filesystem::path path(spec);
        std::error_code ec;
        if (!std::filesystem::exists(path, ec))
            throw InputError({{spec,
                               0,
                               {},
                               "no such file or folder, and not a built-in dataset (fashion-mnist, "
                               "fashion-mnist:binary, openclipart, openclipart:people)"}});
        const std::string format =
            options.format == "auto" ? detectDatasetFormat(path) : options.format;
        const bool isFile = std::filesystem::is_regular_file(path, ec);
        if (format == "idx") {
            *ds = isFile ? readIdxDataset({path}, {}) : readIdxFolder(path, {});
        } else if (format == "image-folders") {
            if (isFile)
                throw InputError({{spec, 0, {}, "image-folders needs a folder"}});
            *ds = readImageFolders(path, options.checkImages);
        } else if (format == "wake-vision-csv") {
            const auto csvs = isFile ? std::vector<std::filesystem::path>{path} : csvFilesIn(path);
            if (csvs.empty())
                throw InputError({{spec, 0, {}, "no *.csv label file"}});
            const auto imageDir =
                !options.imageDir.empty() ? options.imageDir : (isFile ? path.parent_path() : path);
            *ds = readWakeVisionCsv(csvs, imageDir.empty() ? std::filesystem::path(".") : imageDir,
                                    options.checkImages);
        } else {
            throw InputError("--format", "unknown dataset format '" + format +
                                             "' (use auto, idx, image-folders or wake-vision-csv)");
        }
    }
    ds->name = spec;
    if (ds->samples.empty()) {
        std::string why = ds->skipped.empty() ? ""
                                              : " (first problem: " + ds->skipped.front().file +
                                                    ": " + ds->skipped.front().reason + ")";
        throw InputError({{spec, 0, {}, "no usable sample" + why}});
    }
    ds->holdOutValidation(options.validationHoldout);
    return ds;
}

void checkTrainable(const Dataset& dataset) {
    std::vector<InputProblem> problems;
    if (dataset.classes.size() < 2)
        problems.push_back({dataset.name,
                            0,
                            {},
                            "has " + std::to_string(dataset.classes.size()) +
                                " class(es); a classifier needs at least 2"});
    if (dataset.count(Split::Train) == 0)
        problems.push_back({dataset.name, 0, {}, "has no usable training images"});
    if (dataset.count(Split::Validation) == 0)
        problems.push_back({dataset.name,
                            0,
                            {},
                            "has no validation images to score on (add a validation split, or "
                            "hold out more of train with --holdout)"});
    if (!problems.empty())
        throw InputError(std::move(problems));
}

} // namespace dnas
