#pragma once

#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace dnas {

// One candidate of the run the exported model came from, for the report's picture.
struct FrontierPoint {
    double sramBytes = 0;
    double accuracy = 0;
    std::string mode; // "dnas" or "hwnas"
    bool onFrontier = false;
    bool selected = false; // the exported model
};

// The run's candidates as accuracy against peak SRAM (an SVG document): faded points per mode,
// each mode's frontier as a step line, the SRAM budget as a dashed line (0: none) and the
// exported model ringed. Self-contained: no fonts or scripts beyond SVG text.
std::string frontierSvg(const std::vector<FrontierPoint>& points, double sramBudgetBytes);

// report.html: the model card (model_card.json) as a readable page with the picture inline.
std::string reportHtml(const nlohmann::json& card, const std::string& svg);

} // namespace dnas
