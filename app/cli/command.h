#pragma once

#include <functional>
#include <ostream>

namespace CLI {
class App;
}

namespace dnas::cli {

// A subcommand of `dnas`: its CLI11 parser and what to run once it has parsed. `run` writes
// to `out` and returns the exit code; invalid input is thrown as dnas::InputError, which the
// dispatcher reports and turns into exit code 2.
struct Command {
    CLI::App* parser = nullptr;
    std::function<int(std::ostream& out, std::ostream& err)> run;
};

} // namespace dnas::cli
