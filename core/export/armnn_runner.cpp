#include "export/armnn_runner.h"

#include <armnn/ArmNN.hpp>
#include <armnnTfLiteParser/ITfLiteParser.hpp>

#include "common/error.h"

namespace dnas {

struct ArmnnTflite::Impl {
    armnn::IRuntimePtr runtime{nullptr, &armnn::IRuntime::Destroy};
    armnn::NetworkId network = 0;
    armnn::BindingPointInfo input;
    armnn::BindingPointInfo output;
};

ArmnnTflite::ArmnnTflite(std::string_view bytes, const std::string& origin)
    : impl_(std::make_unique<Impl>()) {
    const auto refuse = [&origin](const std::string& what) {
        return InputError({{origin, 0, {}, "Arm NN refuses the model: " + what}});
    };
    try {
        auto parser = armnnTfLiteParser::ITfLiteParser::Create();
        const std::vector<std::uint8_t> content(bytes.begin(), bytes.end());
        auto net = parser->CreateNetworkFromBinary(content);
        const auto inputs = parser->GetSubgraphInputTensorNames(0);
        const auto outputs = parser->GetSubgraphOutputTensorNames(0);
        if (inputs.size() != 1 || outputs.size() != 1)
            throw refuse("expected one input and one output");
        impl_->input = parser->GetNetworkInputBindingInfo(0, inputs[0]);
        impl_->output = parser->GetNetworkOutputBindingInfo(0, outputs[0]);
        armnn::IRuntime::CreationOptions options;
        impl_->runtime = armnn::IRuntime::Create(options);
        std::vector<std::string> messages;
        auto optimised = armnn::Optimize(*net, {armnn::Compute::CpuRef},
                                         impl_->runtime->GetDeviceSpec(), armnn::OptimizerOptions(),
                                         armnn::Optional<std::vector<std::string>&>(messages));
        if (!optimised)
            throw refuse(messages.empty() ? "CpuRef cannot run it" : messages.front());
        std::string error;
        if (impl_->runtime->LoadNetwork(impl_->network, std::move(optimised), error) !=
            armnn::Status::Success)
            throw refuse(error);
    } catch (const armnn::Exception& e) {
        throw refuse(e.what());
    }
}

ArmnnTflite::~ArmnnTflite() {
    if (impl_ && impl_->runtime)
        impl_->runtime->UnloadNetwork(impl_->network);
}

std::size_t ArmnnTflite::inputSize() const {
    return impl_->input.second.GetNumElements();
}
std::size_t ArmnnTflite::outputSize() const {
    return impl_->output.second.GetNumElements();
}

std::vector<std::int8_t> ArmnnTflite::run(const std::vector<std::int8_t>& input) {
    if (input.size() != inputSize())
        throw std::invalid_argument("Arm NN input of " + std::to_string(input.size()) +
                                    " values, the model takes " + std::to_string(inputSize()));
    std::vector<std::int8_t> result(outputSize());
    const armnn::InputTensors in{
        {impl_->input.first, armnn::ConstTensor(impl_->input.second, input.data())}};
    const armnn::OutputTensors out{
        {impl_->output.first, armnn::Tensor(impl_->output.second, result.data())}};
    if (impl_->runtime->EnqueueWorkload(impl_->network, in, out) != armnn::Status::Success)
        throw std::runtime_error("Arm NN failed to run the model");
    return result;
}

std::string ArmnnTflite::runtimeName() {
    return std::string("Arm NN (libarmnn ") + ARMNN_VERSION + ") CpuRef";
}

} // namespace dnas
