#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace dnas {

// An int8 .tflite model loaded by Arm NN's TfLite parser and run on Arm NN's CpuRef backend:
// a runtime DNAS Studio did not write, used to check every exported model (Debian:
// libarmnn22, libarmnntfliteparser22, libarmnn-cpuref-backend22). Arm NN 20.08 refuses at
// load a wrong bias scale, a wrong depthwise quantised dimension and per-channel fully
// connected weights.
class ArmnnTflite {
public:
    // Throws InputError naming `origin` with Arm NN's message when the model is refused.
    ArmnnTflite(std::string_view bytes, const std::string& origin);
    ~ArmnnTflite();
    ArmnnTflite(const ArmnnTflite&) = delete;
    ArmnnTflite& operator=(const ArmnnTflite&) = delete;

    // One inference: the int8 input (N x H x W x C bytes, N = 1) to the int8 output.
    std::vector<std::int8_t> run(const std::vector<std::int8_t>& input);
    std::size_t inputSize() const;
    std::size_t outputSize() const;

    // The runtime's name and library version, as checks report it.
    static std::string runtimeName();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

} // namespace dnas
