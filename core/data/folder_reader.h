#pragma once

#include <filesystem>

#include "data/dataset.h"

namespace dnas {

// A folder per class, optionally inside split folders (train, train_quality, train_large,
// val, validation, test), as the Wake Vision download script writes `<split>/{0,1}/*.jpg`.
// Class folders 0/1, person/no_person/non_person/background form the binary person task;
// other names sort alphabetically. Without split folders each image's split is fixed by a
// hash of its relative path (80 % train, 10 % validation, 10 % test).
Dataset readImageFolders(const std::filesystem::path& root, bool checkImages);

} // namespace dnas
