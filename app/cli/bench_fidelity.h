#pragma once

#include "cli/command.h"

namespace dnas::cli {

// `dnas bench fidelity`: how well fast evaluators rank candidates of similar cost. Candidates
// are drawn in narrow cost bands (the ones that compete on a frontier), scored by the
// supernet with batch-norm recalibration (`bn`), by the paper's fine-tuning evaluator and by
// training from scratch with two seeds; Kendall's tau, Spearman's rho and the top-3 overlap
// against the scratch ranking within each band and overall, the scratch seeds against each
// other, and seconds per candidate of each evaluator.
Command addBenchFidelityCommand(CLI::App& bench);

} // namespace dnas::cli
