#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "report/statistics.h"
#include "space/genome.h"

namespace dnas {

// A hypervolume history: (evaluations done, hypervolume) in the order it was recorded.
using HypervolumeCurve = std::vector<std::pair<long long, double>>;

// One search mode of a comparison cell (a task and a budget), run once per seed; every
// mode of a cell lists its seeds in the same order.
struct ModeSeries {
    std::string label;              // "DNAS", "HW-NAS 28 px grayscale", ...
    std::optional<DataConfig> data; // HW-NAS: the fixed configuration; DNAS: none
    bool native = false;            // the data's native configuration
    std::vector<double> finalHypervolume;
    std::vector<HypervolumeCurve> curves;
    std::vector<double> bestAccuracy;
};

// DNAS against one HW-NAS baseline over the same seeds.
struct Versus {
    std::size_t baseline = 0;  // index into the cell's modes
    double meanDifference = 0; // DNAS minus baseline, final hypervolume
    PairedTest test;           // DNAS (x) against the baseline (y)
    // Per seed: the evaluations after which DNAS's hypervolume first reached the baseline's
    // final one in that seed; empty where it never did.
    std::vector<std::optional<long long>> evaluationsToReach;
};

struct CellSummary {
    std::size_t dnas = 0;
    std::optional<Versus> native; // against the native configuration, when it was run
    // Against the oracle: the fixed configuration with the best mean final hypervolume, chosen
    // in hindsight (what an expert could at best have fixed).
    std::optional<Versus> oracle;
};

// The first evaluation count at which `curve` reaches `target`; empty when it never does.
std::optional<long long> evaluationsToReach(const HypervolumeCurve& curve, double target);

// Summarises a cell whose modes hold exactly one DNAS series (data empty) and any number of
// HW-NAS ones. Throws std::invalid_argument when there is no DNAS series or the seed counts
// differ.
CellSummary summariseCell(const std::vector<ModeSeries>& modes);

} // namespace dnas
