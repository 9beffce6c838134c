#include "cli/bench_eval.h"

#include <algorithm>
#include <cstdio>
#include <sstream>
#include <sys/resource.h>
#include <thread>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include "cli/bench_support.h"
#include "cli/text_table.h"
#include "common/error.h"
#include "common/malloc_tuning.h"
#include "common/rng.h"
#include "data/image_cache.h"
#include "data/tensor_batch.h"
#include "eval/evaluator.h"
#include "report/statistics.h"

namespace dnas::cli {
namespace {

// How one pass of the bench scores: the evaluator's speed settings.
struct Setting {
    std::string name;
    int batchSize = 256;
    bool inferenceMode = true;
    bool channelsLast = false;
    bool tunedMalloc = true; // common/malloc_tuning.h; false: glibc's defaults (in a child)
    std::string spec;        // as given
};

struct Options {
    std::string supernet;
    std::string dataset = "fashion-mnist";
    std::string space = "default";
    double width = 1.0;
    std::vector<int> resolutions{32, 64, 96, 128, 160};
    int candidates = 3;
    std::size_t calibrationImages = 500;
    std::size_t valSubset = 1000;
    std::uint64_t seed = 1;
    std::vector<std::string> settings{"before", "now"};
    bool json = false;
};

// "before": the settings of DNAS Studio before issue 13; "now": EvalOptions' defaults with the
// tuned malloc; otherwise NAME:batch=B,inference=0|1,channels-last=0|1,malloc=glibc|tuned
// (unnamed keys keep "now"'s value).
Setting parseSetting(const std::string& text) {
    const EvalOptions defaults;
    Setting s{text, defaults.batchSize, defaults.inferenceMode, defaults.channelsLast, true, text};
    if (text == "before") {
        const auto b = withSpeedBefore(defaults);
        return {text, b.batchSize, b.inferenceMode, b.channelsLast, false, text};
    }
    if (text == "now")
        return s;
    const auto colon = text.find(':');
    if (colon == std::string::npos || colon == 0)
        throw InputError(
            {{"", 0, "--setting", "'" + text + "' is not before, now or NAME:key=value,..."}});
    s.name = text.substr(0, colon);
    std::stringstream rest(text.substr(colon + 1));
    std::string item;
    while (std::getline(rest, item, ',')) {
        const auto eq = item.find('=');
        const std::string key = item.substr(0, eq);
        const std::string value = eq == std::string::npos ? "" : item.substr(eq + 1);
        if (key == "batch" && !value.empty() && std::stoi(value) > 0)
            s.batchSize = std::stoi(value);
        else if (key == "inference" && (value == "0" || value == "1"))
            s.inferenceMode = value == "1";
        else if (key == "channels-last" && (value == "0" || value == "1"))
            s.channelsLast = value == "1";
        else if (key == "malloc" && (value == "glibc" || value == "tuned"))
            s.tunedMalloc = value == "tuned";
        else
            throw InputError({{"", 0, "--setting",
                               "'" + item +
                                   "' is not batch=N, inference=0|1, "
                                   "channels-last=0|1 or malloc=glibc|tuned"}});
    }
    return s;
}

double systemSeconds() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return static_cast<double>(u.ru_stime.tv_sec) + static_cast<double>(u.ru_stime.tv_usec) * 1e-6;
}

// The network's forward passes alone: a fixed batch in eval mode without autograd, the best
// of `repeats` - what LibTorch achieves on these layer shapes. Seconds per image.
double forwardSecondsPerImage(SupernetImpl& supernet, const Candidate& c, const Setting& s,
                              int repeats) {
    auto net = extractSubnet(supernet, c);
    net->eval();
    c10::InferenceMode inference;
    auto x = torch::randn(
        {s.batchSize, channelsOf(c.data.colour), c.data.resolution, c.data.resolution});
    if (s.channelsLast) {
        x = x.contiguous(torch::MemoryFormat::ChannelsLast);
        toChannelsLast(*net);
    }
    net->forward(x); // warm-up: oneDNN builds its kernels
    double best = 1e30;
    for (int r = 0; r < repeats; ++r) {
        const auto start = BenchClock::now();
        net->forward(x);
        best = std::min(best, secondsSince(start));
    }
    return best / s.batchSize;
}

struct Measured {
    Candidate candidate;
    double macs = 0; // per image
    EvalTimes times;
    double seconds = 0;
    double systemSeconds = 0;
    double forwardPerImage = 0;
    double accuracy = 0;
};

std::vector<Candidate> benchCandidates(const SearchSpace& space, const Options& o, int resolution) {
    Rng rng(o.seed);
    std::vector<Candidate> out;
    for (int i = 0; i < o.candidates; ++i) {
        auto c = space.sample(rng);
        c.data = {resolution, ColourMode::Rgb};
        if (o.width > 0)
            c.arch.width = o.width;
        out.push_back(space.canonical(c));
    }
    return out;
}

// One row of the bench: a setting at a resolution, medians over the candidates.
nlohmann::json measureRow(BenchTask& task, const Options& o, const Setting& s, int resolution,
                          std::ostream& err) {
    const auto& space = task.supernet->space();
    const auto candidates = benchCandidates(space, o, resolution);
    EvalOptions eo;
    eo.calibrationImages = o.calibrationImages;
    eo.valSubset = o.valSubset;
    eo.batchSize = s.batchSize;
    eo.inferenceMode = s.inferenceMode;
    eo.channelsLast = s.channelsLast;
    Evaluator evaluator(task.supernet, task.dataset, *task.cache, eo);
    std::vector<Measured> ms;
    // The first evaluation decodes the images and warms oneDNN: not timed.
    for (std::size_t i = 0; i <= candidates.size(); ++i) {
        const auto& c = candidates[i == 0 ? 0 : i - 1];
        Measured m;
        m.candidate = c;
        m.macs = networkMacs(space, c, task.supernet->classes());
        const double sys = systemSeconds();
        // On a worker thread, as the application's engine runs (glibc's malloc treats
        // threads other than the main one differently).
        EvalResult r;
        std::thread([&] { r = evaluator.evaluate(c); }).join();
        m.systemSeconds = systemSeconds() - sys;
        m.times = r.times;
        m.seconds = r.seconds;
        m.accuracy = r.metrics.accuracy;
        if (i == 0)
            continue;
        m.forwardPerImage = forwardSecondsPerImage(*task.supernet, c, s, 2);
        ms.push_back(m);
        err << s.name << ' ' << resolution << " px: " << fixed(m.seconds, 2) << " s\n";
    }
    auto med = [&](auto field) {
        std::vector<double> v;
        for (const auto& m : ms)
            v.push_back(field(m));
        return median(v);
    };
    double macImages = 0, computeSeconds = 0, fwdSeconds = 0;
    for (const auto& m : ms) {
        const auto images =
            static_cast<double>(m.times.calibrationImages + m.times.validationImages);
        macImages += m.macs * images;
        computeSeconds += m.times.calibrate + m.times.validate;
        fwdSeconds += m.forwardPerImage * images;
    }
    return {{"setting", s.name},
            {"batch_size", s.batchSize},
            {"inference_mode", s.inferenceMode},
            {"channels_last", s.channelsLast},
            {"tuned_malloc", mallocTuned()},
            {"resolution", resolution},
            {"seconds_per_candidate", med([](const Measured& m) { return m.seconds; })},
            {"extract", med([](const Measured& m) { return m.times.extract; })},
            {"images", med([](const Measured& m) { return m.times.images; })},
            {"tensors", med([](const Measured& m) { return m.times.tensors; })},
            {"calibrate", med([](const Measured& m) { return m.times.calibrate; })},
            {"validate", med([](const Measured& m) { return m.times.validate; })},
            {"system_seconds", med([](const Measured& m) { return m.systemSeconds; })},
            {"macs", med([](const Measured& m) { return m.macs; })},
            {"achieved_macs_per_second", macImages / std::max(1e-12, computeSeconds)},
            {"forward_macs_per_second", macImages / std::max(1e-12, fwdSeconds)}};
}

std::string shellQuoted(const std::string& s) {
    std::string q = "'";
    for (const char ch : s)
        q += ch == '\'' ? std::string("'\\''") : std::string(1, ch);
    return q + "'";
}

// The rows of a setting with glibc's default malloc: this command again, in a child process
// that does not tune it (`dnas --glibc-malloc ...`), printing JSON.
nlohmann::json untunedRows(const Options& o, const Setting& s) {
    std::string resolutions;
    for (const int r : o.resolutions)
        resolutions += (resolutions.empty() ? "" : ",") + std::to_string(r);
    // This process's executable, also when the file was replaced since it started.
    const auto self = "/proc/" + std::to_string(getpid()) + "/exe";
    std::string command = shellQuoted(self) + " --glibc-malloc bench eval --json" + " --dataset " +
                          shellQuoted(o.dataset) + " --space " + shellQuoted(o.space) +
                          " --width " + std::to_string(o.width) + " --resolutions " + resolutions +
                          " --candidates " + std::to_string(o.candidates) +
                          " --calibration-images " + std::to_string(o.calibrationImages) +
                          " --val-subset " + std::to_string(o.valSubset) + " --seed " +
                          std::to_string(o.seed) + " --setting " + shellQuoted(s.spec);
    if (!o.supernet.empty())
        command += " --supernet " + shellQuoted(o.supernet);
    FILE* pipe = popen(command.c_str(), "r");
    if (!pipe)
        throw std::runtime_error("cannot start " + command);
    std::string text;
    char buf[4096];
    while (const auto n = std::fread(buf, 1, sizeof buf, pipe))
        text.append(buf, n);
    if (pclose(pipe) != 0)
        throw std::runtime_error("the untuned child run failed: " + command);
    return nlohmann::json::parse(text).at("rows");
}

void printTable(std::ostream& out, const nlohmann::json& rows) {
    TextTable table;
    for (const char* h : {"setting", "px", "s/cand", "extract", "images", "tensors", "calibrate",
                          "validate", "sys s/cand", "MMAC", "GMAC/s", "fwd GMAC/s", "of fwd"})
        table.addColumn(h, TextTable::Align::Right);
    for (const auto& row : rows) {
        const double achieved = row["achieved_macs_per_second"];
        const double peak = row["forward_macs_per_second"];
        table.addRow(
            {row["setting"].get<std::string>(), std::to_string(row["resolution"].get<int>()),
             fixed(row["seconds_per_candidate"], 2), fixed(row["extract"], 3),
             fixed(row["images"], 3), fixed(row["tensors"], 3), fixed(row["calibrate"], 2),
             fixed(row["validate"], 2), fixed(row["system_seconds"], 2),
             fixed(row["macs"].get<double>() / 1e6, 1), fixed(achieved / 1e9, 1),
             fixed(peak / 1e9, 1), fixed(100 * achieved / std::max(1e-12, peak), 0) + " %"});
    }
    table.print(out);
}

} // namespace

Command addBenchEvalCommand(CLI::App& bench) {
    auto o = std::make_shared<Options>();
    auto* app = bench.add_subcommand(
        "eval", "Seconds per candidate of the bn evaluator and where they go, per resolution");
    app->add_option("--supernet", o->supernet,
                    "Supernet checkpoint (default: a freshly initialised one of --space; "
                    "evaluation takes the same time)");
    app->add_option("--dataset", o->dataset, "Dataset")->capture_default_str();
    app->add_option("--space", o->space, "Space without --supernet")->capture_default_str();
    app->add_option("--width", o->width, "Width multiplier of every candidate (0: sampled)")
        ->capture_default_str();
    app->add_option("--resolutions", o->resolutions, "Input resolutions")
        ->delimiter(',')
        ->capture_default_str();
    app->add_option("--candidates", o->candidates, "Candidates per resolution")
        ->capture_default_str()
        ->check(CLI::Range(1, 1000));
    app->add_option("--calibration-images", o->calibrationImages, "Recalibration images")
        ->capture_default_str();
    app->add_option("--val-subset", o->valSubset, "Validation images (0: the whole split)")
        ->capture_default_str();
    app->add_option("--seed", o->seed, "Seed of the candidates")->capture_default_str();
    app->add_option("--setting", o->settings,
                    "Speed settings to compare: before, now or NAME:batch=N,inference=0|1,"
                    "channels-last=0|1,malloc=glibc|tuned (repeatable; glibc: measured in a "
                    "child process without the tuning of common/malloc_tuning.h)")
        ->capture_default_str();
    app->add_flag("--json", o->json, "Print the figures as JSON");
    return {app, [o](std::ostream& out, std::ostream& err) {
                std::vector<Setting> settings;
                for (const auto& spec : o->settings)
                    settings.push_back(parseSetting(spec));
                auto task = loadBenchTask(o->dataset, o->supernet, o->space);
                const auto& space = task.supernet->space();
                // Rows by resolution, then in the settings' order.
                std::vector<nlohmann::json> untuned(settings.size());
                for (std::size_t k = 0; k < settings.size(); ++k)
                    if (!settings[k].tunedMalloc && mallocTuned())
                        untuned[k] = untunedRows(*o, settings[k]);
                nlohmann::json rows = nlohmann::json::array();
                for (std::size_t r = 0; r < o->resolutions.size(); ++r)
                    for (std::size_t k = 0; k < settings.size(); ++k)
                        rows.push_back(untuned[k].is_array() ? untuned[k].at(r)
                                                             : measureRow(task, *o, settings[k],
                                                                          o->resolutions[r], err));
                if (o->json) {
                    out << nlohmann::json{{"space", space.name},
                                          {"dataset", task.dataset->name},
                                          {"calibration_images", o->calibrationImages},
                                          {"validation_images", o->valSubset},
                                          {"candidates_per_resolution", o->candidates},
                                          {"threads", torch::get_num_threads()},
                                          {"rows", rows}}
                               .dump(2)
                        << '\n';
                    return 0;
                }
                out << "bn evaluator, space " << space.name << " (width " << o->width << "), "
                    << o->calibrationImages << " calibration + " << o->valSubset
                    << " validation images, " << o->candidates << " candidates per resolution, "
                    << torch::get_num_threads() << " threads; medians per candidate\n";
                printTable(out, rows);
                out << "GMAC/s: multiply-accumulates of calibration + validation over their "
                       "forward seconds; fwd GMAC/s: the same network's forward passes alone "
                       "(a fixed batch, no data, eval mode); of fwd: the ratio; sys: kernel time; "
                       "settings "
                       "with malloc=glibc ran in a child process without common/malloc_tuning.h\n";
                return 0;
            }};
}

} // namespace dnas::cli
