#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "cli/command.h"
#include "cost/cost_report.h"
#include "cost/mcu_profile.h"
#include "space/architecture.h"

namespace dnas::cli {

// What `dnas cost` is asked: a network (architecture file, or the MobileNetV2 shortcut), an
// MCU, a runtime, a cost mode and optional budget overrides.
struct CostRequest {
    std::string archFile;
    std::optional<double> width; // --mobilenetv2 W
    std::optional<int> resolution;
    std::optional<int> classes;
    std::optional<int> channels;
    std::string mcu = "stm32f746";
    std::string runtime; // empty: the MCU's default runtime
    std::string mode = "tflm";
    std::vector<std::string> mcuFiles;
    std::string sramBudget;  // empty: the MCU's SRAM
    std::string flashBudget; // empty: the MCU's flash
    std::optional<double> latencyBudgetMs;
};

struct CostResult {
    ArchitectureSpec spec;
    McuProfile mcu;
    CostReport report;
};

// Resolves the request and estimates; throws InputError for any invalid part of it.
CostResult computeCost(const CostRequest& request, std::ostream& warnings);
void printCostText(const CostResult& result, std::ostream& out);
nlohmann::json costJson(const CostResult& result);

Command addCostCommand(CLI::App& parent);

} // namespace dnas::cli
