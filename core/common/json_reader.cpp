#include "common/json_reader.h"
#include "common/strings.h"

#include <cmath>
#include <sstream>

#include "common/json_document.h"

namespace dnas {
namespace {

const char* typeName(const nlohmann::json& v) {
    if (v.is_number_integer())
        return "an integer";
    if (v.is_number())
        return "a number";
    if (v.is_string())
        return "a string";
    if (v.is_boolean())
        return "true/false";
    if (v.is_array())
        return "an array";
    if (v.is_object())
        return "an object";
    return "null";
}

std::string formatNumber(double v) {
    std::ostringstream out;
    out << v;
    return out.str();
}

} // namespace

std::string JsonReader::key(const std::string& path, std::string_view key) {
    return path.empty() ? std::string(key) : path + "." + std::string(key);
}

std::string JsonReader::index(const std::string& path, std::size_t i) {
    return path + "[" + std::to_string(i) + "]";
}

void JsonReader::problem(const std::string& path, std::string message) {
    problems_.push_back({doc_.origin(), doc_.lineOf(path), path, std::move(message)});
}

void JsonReader::throwIfProblems() const {
    if (!problems_.empty())
        throw InputError(problems_);
}

const nlohmann::json* JsonReader::field(const nlohmann::json& parent, const std::string& path,
                                        std::string_view name, Presence presence) {
    const std::string at = key(path, name);
    if (!parent.is_object()) {
        problem(path, std::string("expected an object, found ") + typeName(parent));
        return nullptr;
    }
    const auto it = parent.find(name);
    if (it == parent.end()) {
        if (presence == Presence::Required)
            problems_.push_back(
                {doc_.origin(), doc_.lineOf(path), at, "required field is missing"});
        return nullptr;
    }
    return &*it;
}

const nlohmann::json* JsonReader::object(const nlohmann::json& parent, const std::string& path,
                                         std::string_view name, Presence presence) {
    const auto* v = field(parent, path, name, presence);
    if (v && !v->is_object()) {
        problem(key(path, name), std::string("expected an object, found ") + typeName(*v));
        return nullptr;
    }
    return v;
}

const nlohmann::json* JsonReader::array(const nlohmann::json& parent, const std::string& path,
                                        std::string_view name, Presence presence) {
    const auto* v = field(parent, path, name, presence);
    if (v && !v->is_array()) {
        problem(key(path, name), std::string("expected an array, found ") + typeName(*v));
        return nullptr;
    }
    return v;
}

std::optional<long long> JsonReader::integerValue(const nlohmann::json& v, const std::string& path,
                                                  long long min, long long max) {
    long long value = 0;
    if (v.is_number_unsigned() && v.get<std::uint64_t>() > static_cast<std::uint64_t>(max)) {
        problem(path, "must be between " + std::to_string(min) + " and " + std::to_string(max) +
                          ", found " + v.dump());
        return std::nullopt;
    }
    if (v.is_number_integer()) {
        value = v.get<long long>();
    } else if (v.is_number_float() && std::isfinite(v.get<double>()) &&
               v.get<double>() == std::floor(v.get<double>()) && std::abs(v.get<double>()) < 9e15) {
        value = static_cast<long long>(v.get<double>());
    } else {
        problem(path, std::string("expected an integer, found ") +
                          (v.is_number() ? v.dump() : typeName(v)));
        return std::nullopt;
    }
    if (value < min || value > max) {
        problem(path, "must be between " + std::to_string(min) + " and " + std::to_string(max) +
                          ", found " + std::to_string(value));
        return std::nullopt;
    }
    return value;
}

std::optional<double> JsonReader::numberValue(const nlohmann::json& v, const std::string& path,
                                              double min, double max) {
    if (!v.is_number()) {
        problem(path, std::string("expected a number, found ") + typeName(v));
        return std::nullopt;
    }
    const double value = v.get<double>();
    if (!(value >= min && value <= max)) {
        problem(path, "must be between " + formatNumber(min) + " and " + formatNumber(max) +
                          ", found " + formatNumber(value));
        return std::nullopt;
    }
    return value;
}

std::optional<long long> JsonReader::integer(const nlohmann::json& parent, const std::string& path,
                                             std::string_view name, Presence presence,
                                             long long min, long long max) {
    const auto* v = field(parent, path, name, presence);
    return v ? integerValue(*v, key(path, name), min, max) : std::nullopt;
}

std::optional<double> JsonReader::number(const nlohmann::json& parent, const std::string& path,
                                         std::string_view name, Presence presence, double min,
                                         double max) {
    const auto* v = field(parent, path, name, presence);
    return v ? numberValue(*v, key(path, name), min, max) : std::nullopt;
}

std::optional<std::string> JsonReader::string(const nlohmann::json& parent, const std::string& path,
                                              std::string_view name, Presence presence) {
    const auto* v = field(parent, path, name, presence);
    if (!v)
        return std::nullopt;
    if (!v->is_string()) {
        problem(key(path, name), std::string("expected a string, found ") + typeName(*v));
        return std::nullopt;
    }
    return v->get<std::string>();
}

std::optional<bool> JsonReader::boolean(const nlohmann::json& parent, const std::string& path,
                                        std::string_view name, Presence presence) {
    const auto* v = field(parent, path, name, presence);
    if (!v)
        return std::nullopt;
    if (!v->is_boolean()) {
        problem(key(path, name), std::string("expected true or false, found ") + typeName(*v));
        return std::nullopt;
    }
    return v->get<bool>();
}

void JsonReader::onlyKeys(const nlohmann::json& obj, const std::string& path,
                          std::initializer_list<std::string_view> allowed) {
    if (!obj.is_object())
        return;
    for (const auto& [name, value] : obj.items()) {
        bool known = false;
        for (const auto a : allowed)
            known = known || a == name;
        if (!known) {
            problem(key(path, name), "unknown field (expected one of: " + join(allowed) + ")");
        }
    }
}

} // namespace dnas
