#pragma once

#include <ostream>

namespace dnas::cli {

// Exit codes of the `dnas` command line.
constexpr int kExitOk = 0;
constexpr int kExitInternal = 1; // a bug or an environment failure (disk full, ...)
constexpr int kExitBadInput = 2; // invalid options or input files

// Runs the `dnas` command line with the given arguments; returns the process exit code.
int run(int argc, char** argv, std::ostream& out, std::ostream& err);

} // namespace dnas::cli
