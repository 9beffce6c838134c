#pragma once

#include <ostream>

namespace dnas::ui {

class MainWindow;

// `dnas-studio --bench-ui N`: streams N candidates into the window's chart and table as a
// search would deliver them (bursts every 20 ms, all of them within about 10 s), with the
// real event loop running, and reports the longest event-loop stall (the largest gap between
// ticks of a 5 ms heartbeat timer, beyond its interval) and the time until the last candidate
// is drawn. The candidates are real networks of the demo space, costed by the cost model;
// their accuracies are a deterministic function of their costs (no supernet runs), since the
// bench measures the window, not the search. Returns the longest stall in milliseconds.
double benchUi(MainWindow& window, int candidates, std::ostream& out);

} // namespace dnas::ui
