#include "common/torch_info.h"

#include <algorithm>
#include <thread>

#include <torch/torch.h>

namespace dnas {

std::string libtorchVersion() {
    return TORCH_VERSION;
}

int torchThreads() {
    return at::get_num_threads();
}

void setTorchThreads(int threads) {
    if (threads <= 0)
        threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    at::set_num_threads(threads);
}

} // namespace dnas
