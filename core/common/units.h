#pragma once

#include <cstdint>

namespace dnas {

// Units live in type names (and in field names: peakSramBytes, latencyMs). Formatting a
// quantity to text is the front end's job.
using Bytes = std::int64_t;
using Macs = std::int64_t;
using ParamCount = std::int64_t;
using Cycles = double;

constexpr Bytes kKiB = 1024;
constexpr Bytes kMiB = 1024 * 1024;

} // namespace dnas
