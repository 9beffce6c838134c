#include "common/torch_info.h"

#include <torch/torch.h>

namespace dnas {

std::string libtorchVersion() {
    return TORCH_VERSION;
}

int torchThreads() {
    return at::get_num_threads();
}

} // namespace dnas
