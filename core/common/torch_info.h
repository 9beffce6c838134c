#pragma once

#include <string>

namespace dnas {

// LibTorch facts for --version and the about box; kept in one translation unit so that only
// it (and later the supernet code) pays for LibTorch's headers.
std::string libtorchVersion();
// Threads LibTorch's intra-op pool uses.
int torchThreads();
// Sets LibTorch's intra-op threads; <= 0 means one per usable CPU (usableCpus(); LibTorch's own
// default counts physical cores only, which leaves half of a 2-vCPU machine idle).
void setTorchThreads(int threads);

} // namespace dnas
