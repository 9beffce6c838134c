#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace dnas {

// One thing wrong with user input, located as precisely as the reader could.
struct InputProblem {
    std::string file;    // empty when the input is not a file (a command-line option, say)
    int line = 0;        // 1-based line in `file`; 0 when unknown
    std::string field;   // JSON path such as "blocks[3].kernel", or an option such as "--mcu"
    std::string message; // what is wrong, in words a user can act on

    // "file:line: field: message", leaving out the parts that are unknown.
    std::string toString() const;
    bool operator==(const InputProblem&) const = default;
};

// Invalid user input (a file, an option, a budget). Front ends report every problem and, in
// the CLI, exit with code 2. The core throws it; it never prints.
class InputError : public std::runtime_error {
public:
    explicit InputError(std::vector<InputProblem> problems);
    InputError(std::string field, std::string message);

    const std::vector<InputProblem>& problems() const { return problems_; }

private:
    std::vector<InputProblem> problems_;
};

} // namespace dnas
