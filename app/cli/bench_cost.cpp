#include "cli/bench_cost.h"
#include "cli/mcus_command.h"

#include <chrono>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "cli/text_table.h"
#include "common/error.h"
#include "common/rng.h"
#include "cost/cost_model.h"
#include "cost/mcu_catalog.h"
#include "space/search_space.h"

namespace dnas::cli {
namespace {

struct Options {
    std::string space = "default";
    std::string mcu = "stm32f746";
    int candidates = 2000;
    double seconds = 2.0;
    std::uint64_t seed = 1;
    bool json = false;
};

struct Rate {
    std::string what;
    long long count = 0;
    double seconds = 0;
    double perSecond() const { return seconds > 0 ? static_cast<double>(count) / seconds : 0; }
};

// Runs `body(candidate)` round-robin over the candidates until `seconds` have passed.
template <class Body>
Rate measure(std::string what, const std::vector<Candidate>& candidates, double seconds,
             Body&& body) {
    using Clock = std::chrono::steady_clock;
    Rate rate{std::move(what)};
    const auto start = Clock::now();
    for (;;) {
        for (const auto& c : candidates)
            body(c);
        rate.count += static_cast<long long>(candidates.size());
        rate.seconds = std::chrono::duration<double>(Clock::now() - start).count();
        if (rate.seconds >= seconds)
            return rate;
    }
}

} // namespace

Command addBenchCostCommand(CLI::App& bench) {
    auto o = std::make_shared<Options>();
    auto* app = bench.add_subcommand("cost", "Cost estimations per second on one thread");
    app->add_option("--space", o->space, "Search-space preset or file")->capture_default_str();
    app->add_option("--mcu", o->mcu, "MCU profile id")->capture_default_str();
    app->add_option("--candidates", o->candidates, "Candidates sampled from the space")
        ->capture_default_str()
        ->check(CLI::Range(1, 1000000));
    app->add_option("--seconds", o->seconds, "Duration of each measurement")
        ->capture_default_str()
        ->check(CLI::Range(0.01, 3600.0));
    app->add_option("--seed", o->seed, "Sampling seed")->capture_default_str();
    app->add_flag("--json", o->json, "Print the figures as JSON");
    return {app, [o](std::ostream& out, std::ostream& err) {
                const auto space = SearchSpace::load(o->space);
                const auto catalog = loadMcuCatalog(err);
                const auto& mcu = catalog.find(o->mcu);
                const auto& runtime = *mcu.runtime(mcu.defaultRuntime);
                const auto budgets = CostModel::budgetsOf(mcu);
                Rng rng(o->seed);
                std::vector<Candidate> candidates;
                candidates.reserve(static_cast<std::size_t>(o->candidates));
                for (int i = 0; i < o->candidates; ++i)
                    candidates.push_back(space.sample(rng));

                CostModel model;
                long long sink = 0; // keeps the optimiser from dropping the work
                std::vector<Rate> rates;
                rates.push_back(measure(
                    "decode + build network", candidates, o->seconds, [&](const Candidate& c) {
                        sink += static_cast<long long>(buildNetwork(space.decode(c, 2)).ops.size());
                    }));
                std::vector<std::pair<CostMode, int>> fitting;
                for (const auto mode : {CostMode::Tflm, CostMode::InPlace, CostMode::Paper}) {
                    rates.push_back(measure("full estimate, mode " + std::string(toString(mode)),
                                            candidates, o->seconds, [&](const Candidate& c) {
                                                const auto report =
                                                    model.estimate(buildNetwork(space.decode(c, 2)),
                                                                   mcu, runtime, mode, budgets);
                                                sink += report.peakSramBytes;
                                            }));
                    int fits = 0;
                    for (const auto& c : candidates)
                        fits += model
                                    .estimate(buildNetwork(space.decode(c, 2)), mcu, runtime, mode,
                                              budgets)
                                    .fits;
                    fitting.emplace_back(mode, fits);
                }
                constexpr double kTarget = 50000;
                if (o->json) {
                    nlohmann::json j = {{"space", space.name},
                                        {"mcu", mcu.id},
                                        {"runtime", runtime.id},
                                        {"candidates", candidates.size()},
                                        {"threads", 1},
                                        {"estimations_per_second", rates[1].perSecond()},
                                        {"target_per_second", kTarget},
                                        {"checksum", sink}};
                    for (const auto& [mode, fits] : fitting)
                        j["fitting"][std::string(toString(mode))] = fits;
                    for (const auto& r : rates)
                        j["measurements"].push_back({{"what", r.what},
                                                     {"count", r.count},
                                                     {"seconds", r.seconds},
                                                     {"per_second", r.perSecond()},
                                                     {"microseconds_each", 1e6 / r.perSecond()}});
                    out << j.dump(2) << '\n';
                    return 0;
                }
                out << "dnas bench cost: " << candidates.size() << " candidates of space '"
                    << space.name << "' on " << mcu.id << " (" << runtime.id << "), one thread, "
                    << o->seconds << " s per row\n\n";
                using A = TextTable::Align;
                TextTable table;
                table.addColumn("measurement", A::Left);
                table.addColumn("per second", A::Right);
                table.addColumn("us each", A::Right);
                table.addColumn("vs 50k/s target", A::Right);
                for (const auto& r : rates) {
                    char ps[32], us[32], ratio[32];
                    std::snprintf(ps, sizeof ps, "%.0f", r.perSecond());
                    std::snprintf(us, sizeof us, "%.2f", 1e6 / r.perSecond());
                    std::snprintf(ratio, sizeof ratio, "%.2fx", r.perSecond() / kTarget);
                    table.addRow({r.what, ps, us, ratio});
                }
                table.print(out);
                out << "\n  candidates that fit " << mcu.id << ":";
                for (const auto& [mode, fits] : fitting)
                    out << "  " << toString(mode) << " " << fits << "/" << candidates.size();
                out << "  (checksum " << sink % 1000 << ")\n";
                return 0;
            }};
}

} // namespace dnas::cli
