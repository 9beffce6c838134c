#include "cli/bench_data.h"

#include <chrono>
#include <thread>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "cli/text_table.h"
#include "common/rng.h"
#include "data/dataset_loader.h"
#include "data/image_cache.h"
#include "data/tensor_batch.h"

namespace dnas::cli {
namespace {

struct Options {
    std::string dir;
    int images = 2000;
    int width = 320;
    int height = 240;
    int resolution = 96;
    int batch = 128;
    double seconds = 2.0;
    bool json = false;
};

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

// Writes `count` JPEGs with random shapes over noise into <dir>/train/{0,1}/, unless a
// previous run left exactly that many there.
void generateFolder(const std::filesystem::path& dir, const Options& o) {
    std::size_t existing = 0;
    std::error_code ec;
    for (auto it = std::filesystem::recursive_directory_iterator(dir, ec);
         it != std::filesystem::recursive_directory_iterator(); it.increment(ec))
        existing += it->path().extension() == ".jpg";
    if (existing == static_cast<std::size_t>(o.images))
        return;
    std::filesystem::remove_all(dir, ec);
    Rng rng(7);
    for (int i = 0; i < o.images; ++i) {
        const auto classDir = dir / "train" / std::to_string(i % 2);
        std::filesystem::create_directories(classDir);
        cv::Mat img(o.height, o.width, CV_8UC3);
        cv::randu(img, cv::Scalar::all(0), cv::Scalar::all(255));
        cv::GaussianBlur(img, img, cv::Size(7, 7), 0);
        for (int s = 0; s < 6; ++s) {
            const cv::Scalar colour(rng.between(0, 255), rng.between(0, 255), rng.between(0, 255));
            const cv::Point centre(rng.between(0, o.width - 1), rng.between(0, o.height - 1));
            cv::circle(img, centre, rng.between(5, o.height / 3), colour, cv::FILLED);
        }
        char name[32];
        std::snprintf(name, sizeof name, "img_%05d.jpg", i);
        if (!cv::imwrite((classDir / name).string(), img, {cv::IMWRITE_JPEG_QUALITY, 90}))
            throw std::runtime_error("cannot write " + (classDir / name).string());
    }
}

} // namespace

Command addBenchDataCommand(CLI::App& bench) {
    auto o = std::make_shared<Options>();
    auto* app = bench.add_subcommand(
        "data", "Decode + resize throughput (cold) and cached batches per second (warm)");
    app->add_option("--dir", o->dir,
                    "Folder for the generated images (default: a folder in the temp directory)");
    app->add_option("--images", o->images, "Images to generate")
        ->capture_default_str()
        ->check(CLI::Range(10, 1000000));
    app->add_option("--resolution", o->resolution, "Data configuration resolution")
        ->capture_default_str()
        ->check(CLI::Range(8, 1024));
    app->add_option("--batch", o->batch, "Batch size of the warm measurement")
        ->capture_default_str()
        ->check(CLI::Range(1, 100000));
    app->add_option("--seconds", o->seconds, "Duration of the warm measurement")
        ->capture_default_str()
        ->check(CLI::Range(0.01, 3600.0));
    app->add_flag("--json", o->json, "Print the figures as JSON");
    return {
        app, [o](std::ostream& out, std::ostream&) {
            const std::filesystem::path dir =
                o->dir.empty() ? std::filesystem::temp_directory_path() /
                                     ("dnas-bench-data-" + std::to_string(o->images))
                               : std::filesystem::path(o->dir);
            const auto genStart = Clock::now();
            generateFolder(dir, *o);
            const double generateSeconds = secondsSince(genStart);
            auto dataset = loadDataset(dir.string(), {});
            const auto all = [&] {
                std::vector<std::size_t> v(dataset->samples.size());
                for (std::size_t i = 0; i < v.size(); ++i)
                    v[i] = i;
                return v;
            }();
            const DataConfig config{o->resolution, ColourMode::Rgb};
            const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));

            auto cold = [&](int threads) {
                ImageCache cache(dataset, {4LL << 30, {}, threads});
                const auto start = Clock::now();
                const auto set = cache.get(config, all);
                return std::pair{static_cast<double>(set->rows()) / secondsSince(start),
                                 set->rows()};
            };
            const auto [coldOne, rowsOne] = cold(1);
            const auto [coldAll, rowsAll] = cold(cores);

            ImageCache cache(dataset, {4LL << 30, {}, cores});
            cache.get(config, all); // fill
            long long batches = 0;
            double checksum = 0;
            const std::size_t batch =
                std::min<std::size_t>(static_cast<std::size_t>(o->batch), all.size());
            const auto start = Clock::now();
            double elapsed = 0;
            while (elapsed < o->seconds) {
                const auto set = cache.get(config, all);
                for (std::size_t b = 0; b + batch <= set->rows(); b += batch) {
                    const auto t = imagesToTensor(*set, b, b + batch);
                    checksum += t[0][0][0][0].item<double>();
                    ++batches;
                }
                elapsed = secondsSince(start);
            }
            const double warmBatches = static_cast<double>(batches) / elapsed;
            const double warmImages = warmBatches * static_cast<double>(batch);
            if (o->json) {
                out << nlohmann::json{{"images", rowsAll},
                                      {"source_size", {o->width, o->height}},
                                      {"resolution", o->resolution},
                                      {"threads", cores},
                                      {"cold_images_per_second_1_thread", coldOne},
                                      {"cold_images_per_second", coldAll},
                                      {"warm_batches_per_second", warmBatches},
                                      {"warm_images_per_second", warmImages},
                                      {"batch", batch},
                                      {"warm_vs_cold", warmImages / coldAll},
                                      {"generate_seconds", generateSeconds},
                                      {"checksum", checksum}}
                           .dump(2)
                    << '\n';
                return 0;
            }
            out << "dnas bench data: " << rowsAll << " JPEGs of " << o->width << "x" << o->height
                << " in " << dir.string() << " -> " << o->resolution << " px RGB\n\n";
            TextTable table;
            table.addColumn("measurement", TextTable::Align::Left);
            table.addColumn("per second", TextTable::Align::Right);
            auto fmt = [](double v) {
                char b[32];
                std::snprintf(b, sizeof b, "%.0f", v);
                return std::string(b);
            };
            table.addRow({"cold: decode + resize, 1 thread (images)", fmt(coldOne)});
            table.addRow({"cold: decode + resize, " + std::to_string(cores) + " threads (images)",
                          fmt(coldAll)});
            table.addRow({"warm: cached batches of " + std::to_string(batch) + " as float tensors",
                          fmt(warmBatches)});
            table.addRow({"warm: images in those batches", fmt(warmImages)});
            table.print(out);
            char ratio[64];
            std::snprintf(ratio, sizeof ratio, "%.1fx", warmImages / coldAll);
            out << "\n  warm / cold (all threads): " << ratio << "   (" << rowsOne
                << " images decoded per cold run)\n";
            return 0;
        }};
}

} // namespace dnas::cli
