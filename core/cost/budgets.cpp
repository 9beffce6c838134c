#include "cost/budgets.h"

#include <vector>

#include "common/error.h"
#include "common/format.h"

namespace dnas {

Budgets resolveBudgets(const std::string& sram, const std::string& flash,
                       std::optional<double> latencyMs, const McuProfile& mcu) {
    Budgets budgets = CostModel::budgetsOf(mcu);
    std::vector<InputProblem> problems;
    auto size = [&](const std::string& text, const char* option, Bytes& target) {
        if (text.empty())
            return;
        if (auto v = parseByteSize(text))
            target = *v;
        else
            problems.push_back(
                {{},
                 0,
                 option,
                 "expected a positive size such as 320K or 1M, found '" + text + "'"});
    };
    size(sram, "--sram-budget", budgets.sramBytes);
    size(flash, "--flash-budget", budgets.flashBytes);
    if (latencyMs) {
        if (*latencyMs > 0)
            budgets.latencyMs = *latencyMs;
        else
            problems.push_back(
                {{}, 0, "--latency-budget", "must be a positive number of milliseconds"});
    }
    if (!problems.empty())
        throw InputError(std::move(problems));
    return budgets;
}

CostReport costWithoutBudgets(CostModel& model, const SearchSpace& space,
                              const Candidate& candidate, int classes, const McuProfile& mcu,
                              const RuntimeProfile& runtime, CostMode mode) {
    // A tebibyte of each: more than any network of any space needs.
    const Budgets unbounded{Bytes{1} << 40, Bytes{1} << 40, {}};
    return model.estimate(buildNetwork(space.decode(candidate, classes)), mcu, runtime, mode,
                          unbounded);
}

} // namespace dnas
