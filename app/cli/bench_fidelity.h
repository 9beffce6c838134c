#pragma once

#include <vector>

#include "cli/command.h"

namespace dnas::cli {

// `dnas bench fidelity`: supernet-inherited accuracy against training from scratch for the
// same candidates; Kendall's tau between the two rankings and the time ratio.
Command addBenchFidelityCommand(CLI::App& bench);

// Kendall's tau-b of two equally long series (ties handled); 0 for fewer than two points.
double kendallTau(const std::vector<double>& a, const std::vector<double>& b);

} // namespace dnas::cli
