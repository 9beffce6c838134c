#include "cli/cost_command.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "cli/mcus_command.h"
#include "cli/text_table.h"
#include "common/error.h"
#include "common/format.h"
#include "common/json_document.h"
#include "common/strings.h"
#include "cost/budgets.h"
#include "cost/cost_model.h"
#include "cost/mcu_catalog.h"
#include "cost/network.h"

namespace dnas::cli {
namespace {

std::string shapeText(const TensorShape& s) {
    return std::to_string(s.height) + "x" + std::to_string(s.width) + "x" +
           std::to_string(s.channels);
}

std::string percentOf(double value, double limit) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.0f%%", limit > 0 ? 100.0 * value / limit : 0.0);
    return buf;
}

ArchitectureSpec resolveArchitecture(const CostRequest& q) {
    std::vector<InputProblem> problems;
    auto bad = [&](std::string option, std::string message) {
        problems.push_back({{}, 0, std::move(option), std::move(message)});
    };
    if (q.classes && *q.classes <= 0)
        bad("--classes",
            "must be a positive number of classes, found " + std::to_string(*q.classes));
    if (q.channels && *q.channels != 1 && *q.channels != 3)
        bad("--channels", "must be 1 (grayscale) or 3 (RGB), found " + std::to_string(*q.channels));
    const bool shortcut = q.archFile.empty();
    if (shortcut) {
        if (!q.width || !q.resolution)
            bad("--mobilenetv2", "give either --arch FILE or --mobilenetv2 W --resolution R");
        else {
            if (!(*q.width > 0) || *q.width > 4)
                bad("--mobilenetv2",
                    "width multiplier must be in (0, 4], found " + std::to_string(*q.width));
            if (*q.resolution <= 0)
                bad("--resolution",
                    "must be a positive number of pixels, found " + std::to_string(*q.resolution));
        }
    }
    if (!problems.empty())
        throw InputError(std::move(problems));

    ArchitectureSpec spec = shortcut ? mobileNetV2(*q.width, *q.resolution, q.classes.value_or(2),
                                                   q.channels.value_or(3))
                                     : readArchitecture(JsonDocument::fromFile(q.archFile));
    if (!shortcut && q.resolution) {
        if (*q.resolution <= 0)
            throw InputError("--resolution", "must be a positive number of pixels, found " +
                                                 std::to_string(*q.resolution));
        spec.resolution = *q.resolution;
    }
    if (q.classes)
        spec.classes = *q.classes;
    if (q.channels)
        spec.inputChannels = *q.channels;
    try {
        validateArchitecture(spec, shortcut ? std::string() : q.archFile);
    } catch (const InputError& e) {
        auto located = e.problems();
        for (auto& p : located)
            if (shortcut && p.field == "input.resolution")
                p.field = "--resolution";
        throw InputError(std::move(located));
    }
    return spec;
}

} // namespace

CostResult computeCost(const CostRequest& q, std::ostream& warnings) {
    CostResult result;
    result.spec = resolveArchitecture(q);
    const auto catalog = loadMcuCatalog(warnings, q.mcuFiles);
    result.mcu = catalog.find(q.mcu);
    const std::string runtimeId = q.runtime.empty() ? result.mcu.defaultRuntime : q.runtime;
    const RuntimeProfile* runtime = result.mcu.runtime(runtimeId);
    if (!runtime) {
        throw InputError("--runtime", "MCU '" + result.mcu.id + "' has no runtime '" + runtimeId +
                                          "' (runtimes: " + join(result.mcu.runtimeIds()) + ")");
    }
    const auto mode = parseCostMode(q.mode);
    if (!mode)
        throw InputError("--mode",
                         "unknown cost mode '" + q.mode + "' (use tflm, inplace or paper)");
    const Budgets budgets =
        resolveBudgets(q.sramBudget, q.flashBudget, q.latencyBudgetMs, result.mcu);
    const Network net = buildNetwork(result.spec);
    CostModel model;
    result.report = model.estimate(net, result.mcu, *runtime, *mode, budgets);
    return result;
}

nlohmann::json costJson(const CostResult& r) {
    nlohmann::json j = r.report;
    j["mcu_name"] = r.mcu.name;
    j["architecture"] = r.spec;
    return j;
}

void printCostText(const CostResult& r, std::ostream& out) {
    const auto& rep = r.report;
    const auto* runtime = r.mcu.runtime(rep.runtimeId);
    out << "Network  " << (r.spec.name.empty() ? "(unnamed)" : r.spec.name) << "  input "
        << r.spec.resolution << "x" << r.spec.resolution << "x" << r.spec.inputChannels << ", "
        << r.spec.classes << " classes, " << rep.layers.size() << " ops\n";
    out << "MCU      " << r.mcu.name << " (" << r.mcu.core << ", " << r.mcu.clockHz / 1e6
        << " MHz)  runtime " << (runtime ? runtime->name : rep.runtimeId) << "  mode "
        << toString(rep.mode) << "\n\n";

    using A = TextTable::Align;
    TextTable table;
    for (const auto& [h, a] :
         std::initializer_list<std::pair<const char*, A>>{{"#", A::Right},
                                                          {"op", A::Left},
                                                          {"kind", A::Left},
                                                          {"input", A::Right},
                                                          {"output", A::Right},
                                                          {"k/s", A::Right},
                                                          {"MACs", A::Right},
                                                          {"params", A::Right},
                                                          {"flash", A::Right},
                                                          {"SRAM live", A::Right},
                                                          {"latency", A::Right}})
        table.addColumn(h, a);
    for (std::size_t i = 0; i < rep.layers.size(); ++i) {
        const auto& L = rep.layers[i];
        const bool strided = L.kind != OpKind::Add && L.kind != OpKind::FullyConnected &&
                             L.kind != OpKind::GlobalAveragePool;
        table.addRow({std::to_string(i) + (static_cast<int>(i) == rep.peakLayer ? "*" : ""), L.name,
                      std::string(toString(L.kind)), shapeText(L.input), shapeText(L.output),
                      strided ? std::to_string(L.kernel) + "/" + std::to_string(L.stride) : "",
                      formatCount(static_cast<double>(L.macs)),
                      formatCount(static_cast<double>(L.params)),
                      formatBytes(static_cast<double>(L.flashBytes)),
                      formatBytes(static_cast<double>(L.liveBytes)), formatMs(L.latencyMs)});
    }
    table.print(out);
    out << "  (* = op at which the SRAM peak occurs)\n\n";

    const auto& b = rep.budgets;
    out << "Totals\n";
    out << "  MACs        " << formatCount(static_cast<double>(rep.macs)) << "\n";
    out << "  parameters  " << formatCount(static_cast<double>(rep.params)) << "\n";
    out << "  flash       " << formatBytes(static_cast<double>(rep.flashBytes)) << "  of "
        << formatBytes(static_cast<double>(b.flashBytes)) << " ("
        << percentOf(static_cast<double>(rep.flashBytes), static_cast<double>(b.flashBytes))
        << ")   weights " << formatBytes(static_cast<double>(rep.weightBytes))
        << ", model overhead " << formatBytes(static_cast<double>(rep.modelOverheadBytes))
        << ", runtime code " << formatBytes(static_cast<double>(rep.codeBytes)) << "\n";
    out << "  peak SRAM   " << formatBytes(static_cast<double>(rep.peakSramBytes)) << "  of "
        << formatBytes(static_cast<double>(b.sramBytes)) << " ("
        << percentOf(static_cast<double>(rep.peakSramBytes), static_cast<double>(b.sramBytes))
        << ")   arena " << formatBytes(static_cast<double>(rep.arenaBytes)) << ", persistent "
        << formatBytes(static_cast<double>(rep.persistentBytes)) << ", runtime "
        << formatBytes(static_cast<double>(rep.runtimeSramBytes));
    if (rep.peakLayer >= 0)
        out << ", peak at " << rep.layers[rep.peakLayer].name;
    out << "\n";
    out << "  latency     " << formatMs(rep.latencyMs);
    if (b.latencyMs)
        out << "  of " << formatMs(*b.latencyMs) << " (" << percentOf(rep.latencyMs, *b.latencyMs)
            << ")";
    out << "\n";
    char energy[32];
    std::snprintf(energy, sizeof energy, "%.3f mJ", rep.energyMj);
    out << "  energy      " << energy << " per inference\n\n";

    if (rep.fits) {
        out << "Verdict: FITS " << r.mcu.id << "\n";
        return;
    }
    out << "Verdict: DOES NOT FIT " << r.mcu.id << "\n";
    for (const auto& v : rep.violations) {
        const bool latency = v.resource == BudgetViolation::Resource::Latency;
        const auto text = [&](double x) {
            return latency ? formatMs(x) : formatBytes(x);
        };
        out << "  "
            << (v.resource == BudgetViolation::Resource::Sram ? "peak SRAM" : toString(v.resource))
            << " " << text(v.value) << " exceeds the budget " << text(v.limit) << " by "
            << text(v.value - v.limit) << "\n";
    }
}

Command addCostCommand(CLI::App& parent) {
    auto q = std::make_shared<CostRequest>();
    auto json = std::make_shared<bool>(false);
    auto* app = parent.add_subcommand(
        "cost",
        "Estimate MACs, parameters, flash, peak SRAM, latency and energy of a network on an MCU");
    auto* arch = app->add_option("--arch", q->archFile,
                                 "Architecture JSON file (format: README, 'Architecture files')");
    auto* width = app->add_option_function<double>(
        "--mobilenetv2", [q](double w) { q->width = w; },
        "Standard MobileNetV2 with width multiplier W (channels rounded to multiples of 8)");
    app->add_option_function<int>(
        "--resolution", [q](int r) { q->resolution = r; },
        "Input resolution R in pixels (square); with --arch it replaces the file's");
    app->add_option_function<int>(
        "--classes", [q](int n) { q->classes = n; },
        "Number of classes (default: the file's head.classes, or 2)");
    app->add_option_function<int>(
        "--channels", [q](int c) { q->channels = c; },
        "Input channels: 1 (grayscale) or 3 (RGB, default)");
    app->add_option("--mcu", q->mcu, "MCU profile id (see `dnas mcus`)")->capture_default_str();
    app->add_option("--runtime", q->runtime,
                    "Runtime id of the MCU profile (default: the profile's default)");
    app->add_option(
           "--mode", q->mode,
           "Cost mode: tflm (TFLite Micro arena planner), inplace (plus in-place depthwise), "
           "paper (the seed paper's formulas)")
        ->capture_default_str();
    app->add_option("--mcu-file", q->mcuFiles, "Extra MCU profile JSON file(s) to load");
    app->add_option("--sram-budget", q->sramBudget, "SRAM budget instead of the MCU's (e.g. 256K)");
    app->add_option("--flash-budget", q->flashBudget,
                    "Flash budget instead of the MCU's (e.g. 1M)");
    app->add_option_function<double>(
        "--latency-budget", [q](double ms) { q->latencyBudgetMs = ms; },
        "Latency budget in milliseconds (none by default)");
    app->add_flag("--json", *json, "Print one JSON object instead of the table");
    arch->excludes(width);
    width->excludes(arch);
    return {app, [q, json](std::ostream& out, std::ostream& err) {
                const auto result = computeCost(*q, err);
                if (*json)
                    out << costJson(result).dump(2) << '\n';
                else
                    printCostText(result, out);
                return 0;
            }};
}

} // namespace dnas::cli
