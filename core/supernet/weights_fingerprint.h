#pragma once

#include <string>

namespace torch::nn {
class Module;
}

namespace dnas {

// A 64-bit FNV-1a hash of a module's weights, as 16 hex digits: every parameter and buffer,
// by name in sorted order, with its name, dtype, shape and bytes. Equal for the same weights
// however they were loaded; any changed value, shape or name gives another (barring a
// 1-in-2^64 collision: it identifies, it does not authenticate).
std::string weightsFingerprint(const torch::nn::Module& module);

} // namespace dnas
