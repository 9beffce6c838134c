#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "data/dataset.h"

namespace dnas {

struct DatasetOptions {
    // "auto" (detect), "idx", "image-folders" or "wake-vision-csv".
    std::string format = "auto";
    // Wake Vision CSVs: where the images are (searched recursively by base file name);
    // empty: the folder of the CSV files.
    std::filesystem::path imageDir;
    // Share of the train split held out as validation when the source has no validation split.
    double validationHoldout = 0.1;
    // Check every image file's signature and end marker while indexing (cheap: reads the
    // first and last bytes); failures are skipped with the reason.
    bool checkImages = true;
};

// Where Debian's dataset-fashion-mnist package puts its files.
std::filesystem::path fashionMnistDir();

// Opens a dataset by name or path:
//   fashion-mnist          Fashion-MNIST, 10 classes (Debian package dataset-fashion-mnist)
//   fashion-mnist:binary   the same images as a person / no-person stand-in: upper-body
//                          garments (T-shirt/top, pullover, dress, coat, shirt) = person
//   openclipart[:people]   real RGB clip art, 7 categories or person / no-person (Debian
//                          package openclipart-png; see data/openclipart.h)
//   DIR or FILE            IDX files, a folder per class (optionally in split folders), or
//                          Wake Vision label CSVs with their images
// Throws InputError for a path that does not exist, an unknown format, or a dataset with no
// usable sample; unusable items are listed in Dataset::skipped.
std::shared_ptr<Dataset> loadDataset(const std::string& spec, const DatasetOptions& options = {});
// Throws InputError unless `dataset` can train and score a classifier: at least 2 classes,
// and training and validation images (inspecting a dataset needs none of this).
void checkTrainable(const Dataset& dataset);

// The format loadDataset() would pick for a path ("idx", "image-folders", "wake-vision-csv").
std::string detectDatasetFormat(const std::filesystem::path& path);

} // namespace dnas
