#pragma once

#include <string>

namespace dnas {

// LibTorch facts for --version and the about box; kept in one translation unit so that only
// it (and later the supernet code) pays for LibTorch's headers.
std::string libtorchVersion();
// Threads LibTorch's intra-op pool uses (set by the engine, 1 in benchmarks).
int torchThreads();

} // namespace dnas
