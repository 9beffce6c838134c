#include "common/torch_info.h"

#include "common/thread_pool.h"

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
        threads = usableCpus();
    at::set_num_threads(threads);
}

} // namespace dnas
