#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace dnas {

// Text for quantities, shared by the two front ends (CLI and GUI). The core's own types keep
// raw numbers with units in their names; only front ends call these.

// "512 B", "12.3 KiB", "1.50 MiB" (binary units, as MCU datasheets use for SRAM and flash).
std::string formatBytes(double bytes);
// "300.8 M", "12.3 k", "42".
std::string formatCount(double count);
// "0.412 ms", "53.1 ms", "5.31 s".
std::string formatMs(double ms);

// Parses a size such as "327680", "320K", "320KiB", "320kB", "1M", "1MiB" (K and M are
// binary: 1024); std::nullopt when the text is not a positive size.
std::optional<std::int64_t> parseByteSize(std::string_view text);

} // namespace dnas
