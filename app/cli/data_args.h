#pragma once

#include <memory>
#include <string>

#include "data/dataset.h"
#include "data/image_cache.h"

namespace CLI {
class App;
class Option;
} // namespace CLI

namespace dnas::cli {

// The dataset options shared by the commands that read one: --dataset, --images, --holdout,
// --cache-gb.
struct DataArgs {
    std::string dataset = "fashion-mnist";
    std::string images;
    double holdout = 0.1;
    double cacheGb = 2;
    CLI::Option* datasetOption = nullptr;

    // Adds the options; `required` makes --dataset mandatory, otherwise `dataset` is the
    // default.
    void add(CLI::App* app, bool required);
    // Whether --dataset was given (rather than left at its default).
    bool given() const;
    std::shared_ptr<Dataset> load() const;
    ImageCache::Options cacheOptions() const;
};

} // namespace dnas::cli
