#include "cli/bench_command.h"

#include <CLI/CLI.hpp>

#include "cli/bench_compare.h"
#include "cli/bench_cost.h"
#include "cli/bench_counts.h"
#include "cli/bench_data.h"
#include "cli/bench_eval.h"
#include "cli/bench_export.h"
#include "cli/bench_fidelity.h"
#include "cli/bench_search.h"
#include "cli/bench_train.h"

namespace dnas::cli {

void addBenchCommands(CLI::App& parent, std::vector<Command>& commands) {
    auto* bench = parent.add_subcommand("bench", "Performance benchmarks (figures for the README)");
    bench->require_subcommand(1);
    commands.push_back(addBenchCostCommand(*bench));
    commands.push_back(addBenchDataCommand(*bench));
    commands.push_back(addBenchFidelityCommand(*bench));
    commands.push_back(addBenchSearchCommand(*bench));
    commands.push_back(addBenchCompareCommand(*bench));
    commands.push_back(addBenchExportCommand(*bench));
    commands.push_back(addBenchEvalCommand(*bench));
    commands.push_back(addBenchTrainCommand(*bench));
    commands.push_back(addBenchCountsCommand(*bench));
}

} // namespace dnas::cli
