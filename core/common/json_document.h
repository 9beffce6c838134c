#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <unordered_map>

#include <nlohmann/json.hpp>

namespace dnas {

// A parsed JSON text that can say on which line each value starts, so that a problem with a
// field is reported as "file:line: field: message". Syntax errors are thrown as InputError
// with the line of the error.
class JsonDocument {
public:
    // Every JSON input of DNAS Studio is small; larger or deeper texts are refused with an
    // InputError before they are parsed (a hostile file must not exhaust memory or stack).
    static constexpr std::size_t kMaxBytes = std::size_t{16} << 20;
    static constexpr int kMaxDepth = 64;

    // Reads and parses a file; a missing/unreadable/oversized file or a syntax error throws
    // InputError.
    static JsonDocument fromFile(const std::filesystem::path& path);
    // `origin` names the text in messages (a file name, "<built-in mcus/x.json>", ...).
    static JsonDocument fromText(std::string text, std::string origin);

    const nlohmann::json& root() const { return root_; }
    const std::string& origin() const { return origin_; }
    // Line (1-based) on which the value at `path` starts ("blocks[2].kernel"); 0 if unknown.
    int lineOf(const std::string& path) const;

private:
    JsonDocument(std::string text, std::string origin, nlohmann::json root);

    std::string text_;
    std::string origin_;
    nlohmann::json root_;
    mutable std::unordered_map<std::string, int> lines_; // built on first lineOf()
};

} // namespace dnas
