#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <ostream>
#include <string>

namespace dnas::app {

// What the headless main job does and where it writes.
struct HeadlessOptions {
    std::filesystem::path resultsDir = "results";
    std::string mcu = "stm32f746";
    // The search: Data Aware NAS against Hardware Aware NAS (fixed at the data's native
    // configuration, as an expert would fix it) with equal evaluation budgets, on the embedded
    // default dataset as its 10-class task (on the binary stand-in every candidate scores
    // 0.98-0.99, too close together for the comparison to say anything).
    bool search = true;
    std::string dataset = "fashion-mnist";
    std::string space = "demo";
    std::string supernet;           // empty: the cached one, trained first when absent
    std::size_t trainSubset = 0;    // for that training (0: every image)
    long long maxEvaluations = 100; // per mode (spread over 3 seeds: README)
    std::uint64_t seed = 1;
    // Budgets of the demo: tight enough for the demo space that the data configuration matters
    // (about 30 % of the way from its smallest 32 px RGB network to its largest).
    std::string sramBudget = "44K";
    std::string flashBudget = "288K";
};

// The main job of dnas-studio without a display: what the window would show, written to
// files - the cost of the default network (MobileNetV2 0.35 at 96 px) on every MCU profile,
// the inspection of the dataset, and a DNAS vs HW-NAS search on it (its run store, frontiers
// and hypervolumes). Returns the process exit code.
int runHeadlessJob(const HeadlessOptions& options, std::ostream& out, std::ostream& err);

} // namespace dnas::app
