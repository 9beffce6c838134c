#include "cost/mcu_catalog.h"

#include <algorithm>
#include <cstdlib>

#include "common/embedded_resources.h"
#include "common/json_document.h"
#include "common/strings.h"

namespace dnas {

McuCatalog McuCatalog::builtIn() {
    McuCatalog catalog;
    for (const auto& file : embeddedFiles()) {
        if (!file.path.starts_with("mcus/") || !file.path.ends_with(".json"))
            continue;
        auto profile = readMcuProfile(JsonDocument::fromText(
            std::string(file.content), "<built-in " + std::string(file.path) + ">"));
        profile.origin = "<built-in>";
        catalog.add(std::move(profile));
    }
    return catalog;
}

std::filesystem::path McuCatalog::userDirectory() {
    if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg && *xdg)
        return std::filesystem::path(xdg) / "dnas-studio" / "mcus";
    if (const char* home = std::getenv("HOME"); home && *home)
        return std::filesystem::path(home) / ".config" / "dnas-studio" / "mcus";
    return {};
}

McuCatalog McuCatalog::load(const std::vector<std::filesystem::path>& extraFiles) {
    McuCatalog catalog = builtIn();
    if (const char* env = std::getenv("DNAS_MCU_PATH"); env && *env) {
        std::string list(env);
        std::size_t start = 0;
        while (start <= list.size()) {
            const auto end = std::min(list.find(':', start), list.size());
            if (end > start)
                catalog.addFolder(list.substr(start, end - start));
            start = end + 1;
        }
    }
    if (const auto user = userDirectory(); !user.empty())
        catalog.addFolder(user);
    for (const auto& file : extraFiles)
        catalog.add(readMcuProfile(JsonDocument::fromFile(file)));
    return catalog;
}

void McuCatalog::addFolder(const std::filesystem::path& folder) {
    std::error_code ec;
    if (!std::filesystem::is_directory(folder, ec))
        return;
    std::vector<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::directory_iterator(folder, ec))
        if (entry.path().extension() == ".json")
            files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    for (const auto& file : files) {
        try {
            add(readMcuProfile(JsonDocument::fromFile(file)));
        } catch (const InputError& e) {
            problems_.insert(problems_.end(), e.problems().begin(), e.problems().end());
        }
    }
}

void McuCatalog::add(McuProfile profile) {
    const auto it = std::find_if(profiles_.begin(), profiles_.end(),
                                 [&](const McuProfile& p) { return p.id == profile.id; });
    if (it != profiles_.end())
        *it = std::move(profile);
    else
        profiles_.push_back(std::move(profile));
}

const McuProfile& McuCatalog::find(const std::string& id) const {
    for (const auto& p : profiles_)
        if (p.id == id)
            return p;
    std::string skipped;
    for (const auto& p : problems_)
        skipped += "; skipped broken profile " + p.toString();
    throw InputError("--mcu", "unknown MCU '" + id + "' (known: " + join(ids()) + ")" + skipped);
}

std::vector<std::string> McuCatalog::ids() const {
    std::vector<std::string> out;
    for (const auto& p : profiles_)
        out.push_back(p.id);
    return out;
}

} // namespace dnas
