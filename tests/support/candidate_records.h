#pragma once

// Candidate records with distinct, recognisable figures for the run store tests.
#include <cstdint>

#include "store/run_store.h"

namespace fixtures {

// Record `i` of run `run`: modes alternate (even: dnas), four per generation; costs grow with
// `i`; a screened-out record (`evaluated` false) has no accuracy. Its key is left empty.
inline dnas::CandidateRecord candidateRecord(std::int64_t run, int i, const dnas::Candidate& c,
                                             bool evaluated) {
    dnas::CandidateRecord r;
    r.runId = run;
    r.mode = i % 2 ? "hwnas" : "dnas";
    r.sequence = i;
    r.generation = i / 4;
    r.candidate = c;
    r.evaluated = evaluated;
    r.accuracy = evaluated ? 0.5 + 0.01 * i : 0;
    r.metrics = {{"f1", 0.25 * i}};
    r.macs = 1000000 + i;
    r.params = 5000 + i;
    r.peakSramBytes = 100000 + i;
    r.flashBytes = 200000 + i;
    r.latencyMs = 10.5 + i;
    r.energyMj = 0.5 * i;
    r.feasible = evaluated;
    r.evalSeconds = evaluated ? 0.2 : 0;
    return r;
}

} // namespace fixtures
