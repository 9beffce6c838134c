#pragma once

#include <cstdint>
#include <string>

namespace dnas {

// Seconds since the Unix epoch, from the system clock.
std::int64_t unixSeconds();
// `seconds` (Unix time) as UTC ISO 8601 text, "2026-12-01T19:40:00Z".
std::string utcText(std::int64_t seconds);
inline std::string utcNow() {
    return utcText(unixSeconds());
}

} // namespace dnas
