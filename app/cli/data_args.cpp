#include "cli/data_args.h"

#include <CLI/CLI.hpp>

#include "data/dataset_loader.h"

namespace dnas::cli {

void DataArgs::add(CLI::App* app, bool required) {
    auto* opt = app->add_option("--dataset", dataset,
                                "Dataset: fashion-mnist, fashion-mnist:binary, openclipart, "
                                "openclipart:people, or a folder/CSV (see `dnas data inspect`)");
    datasetOption = opt;
    if (required)
        opt->required();
    else
        opt->capture_default_str();
    app->add_option("--images", images, "Wake Vision CSVs: folder with the images");
    app->add_option("--holdout", holdout,
                    "Share of train held out as validation when the dataset has none")
        ->capture_default_str()
        ->check(CLI::Range(0.0, 0.9));
    app->add_option("--cache-gb", cacheGb, "Memory budget of the image cache in GiB")
        ->capture_default_str()
        ->check(CLI::Range(0.05, 1024.0));
}

bool DataArgs::given() const {
    return datasetOption && datasetOption->count() > 0;
}

std::shared_ptr<Dataset> DataArgs::load() const {
    DatasetOptions options;
    options.imageDir = images;
    options.validationHoldout = holdout;
    auto loaded = loadDataset(dataset, options);
    checkTrainable(*loaded);
    return loaded;
}

ImageCache::Options DataArgs::cacheOptions() const {
    ImageCache::Options o;
    o.memoryBudgetBytes = static_cast<Bytes>(cacheGb * 1024 * 1024 * 1024);
    return o;
}

} // namespace dnas::cli
