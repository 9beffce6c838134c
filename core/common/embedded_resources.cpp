#include "common/embedded_resources.h"

namespace dnas {
namespace detail {
// Defined in the generated embedded_resources_data.cpp.
extern const EmbeddedFile kEmbeddedFiles[];
extern const std::size_t kEmbeddedFileCount;
} // namespace detail

std::span<const EmbeddedFile> embeddedFiles() {
    return {detail::kEmbeddedFiles, detail::kEmbeddedFileCount};
}

std::optional<std::string_view> embeddedFile(std::string_view path) {
    for (const auto& file : embeddedFiles())
        if (file.path == path)
            return file.content;
    return std::nullopt;
}

} // namespace dnas
