#pragma once

#include <filesystem>
#include <string>

#include "data/dataset.h"

namespace dnas {

// Real RGB images from Debian's openclipart-png package (public-domain clip art in category
// folders), as two built-in tasks where colour carries information:
//   openclipart          7 categories: animals, buildings, food, people, plants, recreation,
//                        transportation (about 2,200 images)
//   openclipart:people   the same images as person / no-person (people = person)
// Read with the folder reader; split by a hash of each image's path, 70 % train, 20 %
// validation, 10 % test (the package has no splits, and a 10 % validation split would leave
// too few images to rank candidates by).
std::filesystem::path openClipartDir();
bool isOpenClipartSpec(const std::string& spec);
// Throws InputError when the package is not installed.
Dataset readOpenClipart(const std::string& spec, bool checkImages);

} // namespace dnas
