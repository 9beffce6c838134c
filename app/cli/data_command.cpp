#include "cli/data_command.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "cli/text_table.h"
#include "common/strings.h"
#include "common/thread_pool.h"
#include "data/dataset_inspection.h"
#include "data/dataset_loader.h"

namespace dnas::cli {
namespace {

struct InspectOptions {
    std::string spec;
    DatasetOptions dataset;
    std::string imageDir;
    bool decode = false;
    bool json = false;
};

std::string thousands(std::size_t n) {
    const std::string digits = std::to_string(n);
    std::string out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0)
            out += ',';
        out += digits[i];
    }
    return out;
}

// Decodes every image (on all cores); failures join the dataset's skipped list.
void decodeAll(Dataset& ds) {
    ThreadPool pool;
    std::vector<std::string> reasons(ds.samples.size());
    pool.parallelFor(ds.samples.size(), [&](std::size_t i) {
        try {
            ds.images->load(ds.samples[i].image);
        } catch (const std::exception& e) {
            reasons[i] = e.what();
        }
    });
    for (std::size_t i = 0; i < reasons.size(); ++i)
        if (!reasons[i].empty())
            ds.skipped.push_back({ds.images->key(ds.samples[i].image), 0, reasons[i]});
}

void printText(const Dataset& ds, std::ostream& out) {
    out << "Dataset      " << ds.name << "  (format " << ds.format << ", fingerprint "
        << ds.fingerprint << ")\n";
    if (ds.standIn)
        out << "             *** " << ds.note << " ***\n";
    else if (!ds.note.empty())
        out << "             " << ds.note << "\n";
    out << "Classes      " << join(ds.classes)
        << (ds.binaryPersonTask ? "  (binary person task)" : "") << "\n";
    if (!ds.flagNames.empty())
        out << "Flags        " << join(ds.flagNames) << "\n";
    out << "\n";
    using A = TextTable::Align;
    TextTable table;
    table.addColumn("split", A::Left);
    table.addColumn("images", A::Right);
    for (const auto& c : ds.classes)
        table.addColumn(c, A::Right);
    table.addColumn("", A::Left);
    for (const Split split : {Split::Train, Split::Validation, Split::Test}) {
        const auto source = ds.sourceIndices(split);
        const auto used = ds.indices(split);
        const auto& shown = split == Split::Validation ? used : source;
        if (shown.empty())
            continue;
        std::vector<std::string> row = {std::string(toString(split)), thousands(shown.size())};
        for (const auto n : ds.perClass(shown))
            row.push_back(thousands(n));
        if (split == Split::Train && used.size() != source.size())
            row.push_back("(" + thousands(source.size() - used.size()) +
                          " held out as validation)");
        else if (split == Split::Validation && source.empty())
            row.push_back("(held out from train)");
        else
            row.push_back("");
        table.addRow(std::move(row));
    }
    table.print(out);
    out << "\nSkipped      " << ds.skipped.size() << (ds.skipped.size() == 1 ? " item" : " items")
        << "\n";
    constexpr std::size_t kShown = 20;
    for (std::size_t i = 0; i < ds.skipped.size() && i < kShown; ++i) {
        const auto& s = ds.skipped[i];
        out << "  " << s.file << (s.line > 0 ? ":" + std::to_string(s.line) : "") << ": "
            << s.reason << "\n";
    }
    if (ds.skipped.size() > kShown)
        out << "  ... and " << ds.skipped.size() - kShown << " more (--json lists all)\n";
}

} // namespace

void addDataCommands(CLI::App& parent, std::vector<Command>& commands) {
    auto* data = parent.add_subcommand("data", "Datasets: inspect what a dataset holds");
    data->require_subcommand(1);
    auto o = std::make_shared<InspectOptions>();
    auto* app = data->add_subcommand(
        "inspect",
        "Detected format, classes, counts per split and class, and skipped items with reasons");
    app->add_option(
           "dataset", o->spec,
           "A folder or file (IDX files, a folder per class, Wake Vision CSVs), or a built-in "
           "name: fashion-mnist, fashion-mnist:binary")
        ->required();
    app->add_option("--format", o->dataset.format, "auto, idx, image-folders or wake-vision-csv")
        ->capture_default_str();
    app->add_option("--images", o->imageDir,
                    "Wake Vision CSVs: folder searched for the images (default: the CSVs' folder)");
    app->add_option(
           "--holdout", o->dataset.validationHoldout,
           "Share of train held out as validation when the dataset has no validation split")
        ->capture_default_str()
        ->check(CLI::Range(0.0, 0.9));
    app->add_flag("--decode", o->decode,
                  "Decode every image with OpenCV (slower; finds corrupt images that look whole)");
    app->add_flag("--json", o->json, "Print the report as JSON");
    commands.push_back({app, [o](std::ostream& out, std::ostream&) {
                            o->dataset.imageDir = o->imageDir;
                            const auto loaded = loadDataset(o->spec, o->dataset);
                            Dataset ds = *loaded;
                            if (o->decode)
                                decodeAll(ds);
                            if (o->json)
                                out << inspectDataset(ds).dump(2) << '\n';
                            else
                                printText(ds, out);
                            return 0;
                        }});
}

} // namespace dnas::cli
