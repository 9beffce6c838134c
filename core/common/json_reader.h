#pragma once

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/error.h"

namespace dnas {

class JsonDocument;

enum class Presence { Required, Optional };

// Reads typed fields out of a JsonDocument and collects every problem (missing field, wrong
// type, value out of range, unknown field) with its path and line, so that all of them are
// reported at once by throwIfProblems(). Accessors return std::nullopt / nullptr when the
// field is absent or invalid; callers carry on so that later problems are found too.
class JsonReader {
public:
    explicit JsonReader(const JsonDocument& doc)
        : doc_(doc) {}

    static std::string key(const std::string& path, std::string_view key);
    static std::string index(const std::string& path, std::size_t i);

    void problem(const std::string& path, std::string message);
    bool ok() const { return problems_.empty(); }
    const std::vector<InputProblem>& problems() const { return problems_; }
    void throwIfProblems() const;

    const nlohmann::json* object(const nlohmann::json& parent, const std::string& path,
                                 std::string_view name, Presence presence);
    const nlohmann::json* array(const nlohmann::json& parent, const std::string& path,
                                std::string_view name, Presence presence);
    std::optional<long long> integer(const nlohmann::json& parent, const std::string& path,
                                     std::string_view name, Presence presence, long long min,
                                     long long max);
    std::optional<double> number(const nlohmann::json& parent, const std::string& path,
                                 std::string_view name, Presence presence, double min, double max);
    std::optional<std::string> string(const nlohmann::json& parent, const std::string& path,
                                      std::string_view name, Presence presence);
    std::optional<bool> boolean(const nlohmann::json& parent, const std::string& path,
                                std::string_view name, Presence presence);

    // Same checks for an element that is already at hand (an array item, say).
    std::optional<long long> integerValue(const nlohmann::json& value, const std::string& path,
                                          long long min, long long max);
    std::optional<double> numberValue(const nlohmann::json& value, const std::string& path,
                                      double min, double max);

    // Records a problem for every key of `obj` that is not in `allowed` (catches typos).
    void onlyKeys(const nlohmann::json& obj, const std::string& path,
                  std::initializer_list<std::string_view> allowed);

private:
    const nlohmann::json* field(const nlohmann::json& parent, const std::string& path,
                                std::string_view name, Presence presence);

    const JsonDocument& doc_;
    std::vector<InputProblem> problems_;
};

} // namespace dnas
