#include "cli/mcus_command.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "cli/text_table.h"
#include "common/format.h"
#include "cost/mcu_catalog.h"

namespace dnas::cli {

McuCatalog loadMcuCatalog(std::ostream& err, const std::vector<std::string>& files) {
    auto catalog = McuCatalog::load({files.begin(), files.end()});
    for (const auto& p : catalog.problems())
        err << "dnas: warning: skipped MCU profile: " << p.toString() << '\n';
    return catalog;
}

Command addMcusCommand(CLI::App& parent) {
    auto json = std::make_shared<bool>(false);
    auto files = std::make_shared<std::vector<std::string>>();
    auto* app = parent.add_subcommand(
        "mcus", "List the MCU profiles: built-in ones, then *.json files in $DNAS_MCU_PATH and " +
                    McuCatalog::userDirectory().string());
    app->add_option("--mcu-file", *files, "Extra MCU profile JSON file(s) to load");
    app->add_flag("--json", *json, "Print a JSON list of profiles");
    return {app, [json, files](std::ostream& out, std::ostream& err) {
                const auto catalog = loadMcuCatalog(err, *files);
                if (*json) {
                    nlohmann::json list = nlohmann::json::array();
                    for (const auto& p : catalog.profiles())
                        list.push_back({{"id", p.id},
                                        {"name", p.name},
                                        {"core", p.core},
                                        {"clock_hz", p.clockHz},
                                        {"sram_bytes", p.sramBytes},
                                        {"flash_bytes", p.flashBytes},
                                        {"active_power_mw", p.activePowerMw},
                                        {"default_runtime", p.defaultRuntime},
                                        {"runtimes", p.runtimeIds()},
                                        {"origin", p.origin}});
                    out << list.dump(2) << '\n';
                    return 0;
                }
                using A = TextTable::Align;
                TextTable table;
                table.addColumn("id", A::Left);
                table.addColumn("name", A::Left);
                table.addColumn("core", A::Left);
                table.addColumn("clock", A::Right);
                table.addColumn("SRAM", A::Right);
                table.addColumn("flash", A::Right);
                table.addColumn("power", A::Right);
                table.addColumn("runtimes (* default)", A::Left);
                for (const auto& p : catalog.profiles()) {
                    std::string runtimes;
                    for (const auto& id : p.runtimeIds())
                        runtimes += (runtimes.empty() ? "" : ", ") + id +
                                    (id == p.defaultRuntime ? "*" : "");
                    char clock[32], power[32];
                    std::snprintf(clock, sizeof clock, "%.0f MHz", p.clockHz / 1e6);
                    std::snprintf(power, sizeof power, "%.0f mW", p.activePowerMw);
                    table.addRow({p.id, p.name, p.core, clock,
                                  formatBytes(static_cast<double>(p.sramBytes)),
                                  formatBytes(static_cast<double>(p.flashBytes)), power, runtimes});
                }
                table.print(out, "");
                return 0;
            }};
}

} // namespace dnas::cli
