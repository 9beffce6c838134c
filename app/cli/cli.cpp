#include "cli/cli.h"

#include <cmath>
#include <cstdlib>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli/bench_command.h"
#include "cli/command.h"
#include "cli/cost_command.h"
#include "cli/data_command.h"
#include "cli/export_command.h"
#include "cli/mcus_command.h"
#include "cli/search_command.h"
#include "cli/train_command.h"
#include "common/error.h"
#include "common/torch_info.h"

namespace dnas::cli {
namespace {

// What every option value must be, whatever the command: not empty, and a number is finite
// and not negative (no option of dnas takes a negative number; "nan" would otherwise reach
// a run's stored configuration as null, and -1 a loop bound).
std::string checkValue(const std::string& value, bool numeric) {
    if (value.empty())
        return "must not be empty";
    if (!numeric)
        return {};
    char* end = nullptr;
    const double v = std::strtod(value.c_str(), &end);
    if (end == value.c_str() || *end != '\0')
        return {}; // not a number at all: CLI11's conversion names the expected type
    if (!std::isfinite(v))
        return "must be a finite number, found '" + value + "'";
    if (v < 0)
        return "must not be negative, found '" + value + "'";
    return {};
}

void guardValues(CLI::App& app) {
    for (auto* option : app.get_options()) {
        if (option->get_type_size() == 0)
            continue; // a flag
        const auto type = option->get_type_name();
        const bool numeric =
            type.rfind("FLOAT", 0) == 0 || type.rfind("INT", 0) == 0 || type.rfind("UINT", 0) == 0;
        option->check(CLI::Validator(
            [numeric](std::string& value) { return checkValue(value, numeric); }, ""));
    }
    for (auto* sub : app.get_subcommands([](CLI::App*) { return true; }))
        guardValues(*sub);
}

} // namespace

int run(int argc, char** argv, std::ostream& out, std::ostream& err) {
    CLI::App app{"DNAS Studio command line: data-aware neural architecture search for "
                 "microcontrollers. `dnas <command> --help` describes each command.",
                 "dnas"};
    app.set_version_flag("--version", "dnas 0.1.0 (LibTorch " + libtorchVersion() + ")");
    app.require_subcommand(1);
    std::vector<Command> commands;
    commands.push_back(addCostCommand(app));
    commands.push_back(addMcusCommand(app));
    addDataCommands(app, commands);
    addSupernetCommands(app, commands);
    addSearchCommands(app, commands);
    commands.push_back(addExportCommand(app));
    addBenchCommands(app, commands);
    guardValues(app);

    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e, out, err);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e, out, err);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e, out, err);
    } catch (const CLI::ParseError& e) {
        err << "dnas: error: " << e.what() << " (see `dnas --help`)\n";
        return kExitBadInput;
    }

    setTorchThreads(0); // every core; a command may lower it (train-supernet --threads)
    for (const auto& command : commands) {
        if (!command.parser->parsed())
            continue;
        try {
            return command.run(out, err);
        } catch (const InputError& e) {
            for (const auto& p : e.problems())
                err << "dnas: error: " << p.toString() << '\n';
            return kExitBadInput;
        } catch (const std::exception& e) {
            // One line: LibTorch appends a C++ stack trace to its messages.
            const std::string what = e.what();
            err << "dnas: internal error: " << what.substr(0, what.find('\n')) << '\n';
            return kExitInternal;
        }
    }
    err << "dnas: error: no command given (see `dnas --help`)\n";
    return kExitBadInput;
}

} // namespace dnas::cli
