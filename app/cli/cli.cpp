#include "cli/cli.h"

#include <vector>

#include <CLI/CLI.hpp>

#include "cli/bench_command.h"
#include "cli/command.h"
#include "cli/cost_command.h"
#include "cli/data_command.h"
#include "cli/mcus_command.h"
#include "cli/search_command.h"
#include "cli/train_command.h"
#include "common/error.h"
#include "common/torch_info.h"

namespace dnas::cli {

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
    addBenchCommands(app, commands);

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
            err << "dnas: internal error: " << e.what() << '\n';
            return kExitInternal;
        }
    }
    err << "dnas: error: no command given (see `dnas --help`)\n";
    return kExitBadInput;
}

} // namespace dnas::cli
