#pragma once

#include "space/search_space.h"

namespace dnas {

class Rng;

// Which gene groups an operator may change. Hardware-aware NAS freezes the data genes.
struct GeneMask {
    bool data = true;
    bool arch = true;
};

// NSGA-II mutation: every gene (resolution, colour, width, each stage depth, each active
// block's expansion and kernel) is redrawn from its choices with probability
// `perGeneProbability`; the depth vector is then repaired to contiguity. The child is a
// canonical member of the space.
Candidate mutate(const SearchSpace& space, const Candidate& parent, Rng& rng,
                 double perGeneProbability, const GeneMask& mask = {});

// Uniform crossover: each gene from either parent with probability 1/2 (block genes per slot,
// stage depths per stage), then contiguity repair.
Candidate crossover(const SearchSpace& space, const Candidate& a, const Candidate& b, Rng& rng,
                    const GeneMask& mask = {});

// The seed paper's repair: while a zero-depth stage precedes a non-zero one, move one unit of
// depth from the last non-zero stage into the earliest zero stage. Stages already at their
// minimum are respected; depths stay within their ranges.
std::vector<int> repairDepths(const SearchSpace& space, std::vector<int> depths);

// The seed paper's mutation (seed-method.md), retried until the child differs from the
// parent: with p 0.4 one data gene steps to a neighbouring value, with p 0.4 one stage depth
// steps by +-1 (then repairDepths), with p 0.2 the width steps to a neighbouring value.
// Branches the mask forbids redraw.
Candidate paperMutate(const SearchSpace& space, const Candidate& parent, Rng& rng,
                      const GeneMask& mask = {});

// The seed paper's scalar fitness (at most 5): accuracy + precision + recall + RAM score +
// flash score, each score 1 - max(used - budget, 0) / budget.
double paperFitness(double accuracy, double precision, double recall, double ramBytes,
                    double ramBudget, double flashBytes, double flashBudget);

} // namespace dnas
