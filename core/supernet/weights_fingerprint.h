#pragma once

#include <string>
#include <string_view>

namespace torch::nn {
class Module;
}

namespace dnas {

// A 64-bit FNV-1a hash of a module's weights, as 16 hex digits: every parameter and buffer,
// by name in sorted order, with its name, dtype, shape and bytes. Equal for the same weights
// however they were loaded; any changed value, shape or name gives another (barring a
// 1-in-2^64 collision: it identifies, it does not authenticate).
std::string weightsFingerprint(const torch::nn::Module& module);
// The same hash of a byte string.
std::string bytesFingerprint(std::string_view bytes);

// The name ("param/..." or "buffer/...") of the first parameter or buffer of `module` that holds
// a NaN or an infinity; empty when every value is finite.
std::string firstNonFiniteTensor(const torch::nn::Module& module);

} // namespace dnas
