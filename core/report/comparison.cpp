#include "report/comparison.h"

#include <stdexcept>

namespace dnas {
namespace {

Versus versus(const std::vector<ModeSeries>& modes, std::size_t dnas, std::size_t baseline) {
    const auto& x = modes[dnas];
    const auto& y = modes[baseline];
    Versus v;
    v.baseline = baseline;
    v.meanDifference = meanSpread(x.finalHypervolume).mean - meanSpread(y.finalHypervolume).mean;
    v.test = pairedTest(x.finalHypervolume, y.finalHypervolume);
    for (std::size_t s = 0; s < x.finalHypervolume.size(); ++s)
        v.evaluationsToReach.push_back(s < x.curves.size()
                                           ? evaluationsToReach(x.curves[s], y.finalHypervolume[s])
                                           : std::nullopt);
    return v;
}

} // namespace

std::optional<long long> evaluationsToReach(const HypervolumeCurve& curve, double target) {
    for (const auto& [evaluations, value] : curve)
        if (value >= target)
            return evaluations;
    return std::nullopt;
}

CellSummary summariseCell(const std::vector<ModeSeries>& modes) {
    CellSummary cell;
    std::optional<std::size_t> dnas;
    for (std::size_t i = 0; i < modes.size(); ++i) {
        if (!modes[i].data)
            dnas = i;
        if (modes[i].finalHypervolume.size() != modes.front().finalHypervolume.size())
            throw std::invalid_argument("comparison: modes ran with different seed counts");
    }
    if (!dnas)
        throw std::invalid_argument("comparison: no DNAS series");
    cell.dnas = *dnas;
    std::optional<std::size_t> oracle;
    for (std::size_t i = 0; i < modes.size(); ++i) {
        if (i == *dnas)
            continue;
        if (modes[i].native)
            cell.native = versus(modes, *dnas, i);
        if (!oracle || meanSpread(modes[i].finalHypervolume).mean >
                           meanSpread(modes[*oracle].finalHypervolume).mean)
            oracle = i;
    }
    if (oracle)
        cell.oracle = versus(modes, *dnas, *oracle);
    return cell;
}

} // namespace dnas
