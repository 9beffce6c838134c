#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace dnas {

// A file of the project's resources/ folder, compiled into the binary at build time so that
// the presets and MCU profiles need no installed data files.
struct EmbeddedFile {
    std::string_view path; // relative to resources/, '/'-separated ("mcus/stm32f746.json")
    std::string_view content;
};

std::span<const EmbeddedFile> embeddedFiles();
std::optional<std::string_view> embeddedFile(std::string_view path);

} // namespace dnas
