#pragma once

#include <filesystem>
#include <ostream>
#include <string>

namespace dnas::app {

// The main job of dnas-studio without a display: what the window would show, written to
// files. For now that is the cost of the default network (MobileNetV2 0.35 at 96 px, RGB,
// 2 classes) on every MCU profile and the inspection of the embedded default dataset
// (fashion-mnist:binary). Returns the process exit code.
int runHeadlessJob(const std::filesystem::path& resultsDir, const std::string& mcu,
                   std::ostream& out, std::ostream& err);

} // namespace dnas::app
