#include "common/format.h"

#include <cctype>
#include <cmath>
#include <cstdio>

namespace dnas {

std::string formatBytes(double bytes) {
    char buf[32];
    const double a = std::abs(bytes);
    if (a < 1024)
        std::snprintf(buf, sizeof buf, "%.0f B", bytes);
    else if (a < 1024.0 * 1024)
        std::snprintf(buf, sizeof buf, "%.1f KiB", bytes / 1024);
    else
        std::snprintf(buf, sizeof buf, "%.2f MiB", bytes / (1024.0 * 1024));
    return buf;
}

std::string formatCount(double count) {
    char buf[32];
    const double a = std::abs(count);
    if (a < 1e3)
        std::snprintf(buf, sizeof buf, "%.0f", count);
    else if (a < 1e6)
        std::snprintf(buf, sizeof buf, "%.1f k", count / 1e3);
    else if (a < 1e9)
        std::snprintf(buf, sizeof buf, "%.1f M", count / 1e6);
    else
        std::snprintf(buf, sizeof buf, "%.2f G", count / 1e9);
    return buf;
}

std::string formatMs(double ms) {
    char buf[32];
    if (ms < 1)
        std::snprintf(buf, sizeof buf, "%.3f ms", ms);
    else if (ms < 1000)
        std::snprintf(buf, sizeof buf, "%.1f ms", ms);
    else
        std::snprintf(buf, sizeof buf, "%.2f s", ms / 1000);
    return buf;
}

std::optional<std::int64_t> parseByteSize(std::string_view text) {
    std::size_t i = 0;
    double value = 0;
    bool digits = false;
    bool fraction = false;
    double scale = 0.1;
    for (; i < text.size(); ++i) {
        const char c = text[i];
        if (std::isdigit(static_cast<unsigned char>(c))) {
            digits = true;
            if (fraction) {
                value += (c - '0') * scale;
                scale /= 10;
            } else {
                value = value * 10 + (c - '0');
            }
        } else if (c == '.' && !fraction) {
            fraction = true;
        } else {
            break;
        }
    }
    if (!digits)
        return std::nullopt;
    std::string unit;
    for (; i < text.size(); ++i)
        unit += static_cast<char>(std::tolower(static_cast<unsigned char>(text[i])));
    double multiplier = 1;
    if (unit.empty() || unit == "b")
        multiplier = 1;
    else if (unit == "k" || unit == "kb" || unit == "kib")
        multiplier = 1024;
    else if (unit == "m" || unit == "mb" || unit == "mib")
        multiplier = 1024.0 * 1024;
    else
        return std::nullopt;
    const double bytes = value * multiplier;
    if (!(bytes >= 1) || bytes > 1e15)
        return std::nullopt;
    return static_cast<std::int64_t>(std::llround(bytes));
}

} // namespace dnas
