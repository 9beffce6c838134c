#include "common/error.h"

namespace dnas {
namespace {

std::string joinProblems(const std::vector<InputProblem>& problems) {
    std::string text;
    for (const auto& p : problems) {
        if (!text.empty())
            text += '\n';
        text += p.toString();
    }
    return text;
}

} // namespace

std::string InputProblem::toString() const {
    std::string text;
    if (!file.empty()) {
        text += file;
        if (line > 0)
            text += ':' + std::to_string(line);
        text += ": ";
    }
    if (!field.empty())
        text += field + ": ";
    return text + message;
}

InputError::InputError(std::vector<InputProblem> problems)
    : std::runtime_error(joinProblems(problems))
    , problems_(std::move(problems)) {}

InputError::InputError(std::string field, std::string message)
    : InputError(std::vector<InputProblem>{{{}, 0, std::move(field), std::move(message)}}) {}

} // namespace dnas
