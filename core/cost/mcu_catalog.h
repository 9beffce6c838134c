#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "common/error.h"
#include "cost/mcu_profile.h"

namespace dnas {

// All MCU profiles the user can pick from: the built-in ones (resources/mcus, compiled in),
// then every *.json file in the user folders, then explicitly named files. A later profile
// with the same id replaces an earlier one, so a user can override a built-in board.
class McuCatalog {
public:
    // User folders: each entry of $DNAS_MCU_PATH (':'-separated), then userDirectory().
    // A broken file in a user folder is skipped and recorded in problems(); a broken file
    // in `extraFiles` (named by the user on purpose) throws InputError.
    static McuCatalog load(const std::vector<std::filesystem::path>& extraFiles = {});
    // Built-in profiles only (tests, benchmarks).
    static McuCatalog builtIn();

    // $XDG_CONFIG_HOME/dnas-studio/mcus, or ~/.config/dnas-studio/mcus.
    static std::filesystem::path userDirectory();

    const std::vector<McuProfile>& profiles() const { return profiles_; }
    const std::vector<InputProblem>& problems() const { return problems_; }
    // Throws InputError("--mcu", ...) listing the known ids when `id` is unknown.
    const McuProfile& find(const std::string& id) const;
    std::vector<std::string> ids() const;

private:
    void add(McuProfile profile);
    void addFolder(const std::filesystem::path& folder);

    std::vector<McuProfile> profiles_;
    std::vector<InputProblem> problems_;
};

} // namespace dnas
