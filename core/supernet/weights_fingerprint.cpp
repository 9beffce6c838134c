#include "supernet/weights_fingerprint.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <utility>
#include <vector>

#include <torch/torch.h>

namespace dnas {
namespace {

class Fnv1a64 {
public:
    void add(const void* data, std::size_t size) {
        const auto* p = static_cast<const unsigned char*>(data);
        for (std::size_t i = 0; i < size; ++i) {
            hash_ ^= p[i];
            hash_ *= 0x100000001b3ULL;
        }
    }
    void add(const std::string& text) { add(text.data(), text.size() + 1); } // with its NUL
    void add(std::int64_t value) { add(&value, sizeof value); }
    std::uint64_t value() const { return hash_; }

private:
    std::uint64_t hash_ = 0xcbf29ce484222325ULL;
};

std::string hex(std::uint64_t value) {
    char text[17];
    std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(value));
    return text;
}

// Every parameter and buffer, by name in sorted order.
std::vector<std::pair<std::string, torch::Tensor>> namedTensors(const torch::nn::Module& module) {
    std::vector<std::pair<std::string, torch::Tensor>> tensors;
    for (const auto& p : module.named_parameters())
        tensors.emplace_back("param/" + p.key(), p.value());
    for (const auto& b : module.named_buffers())
        tensors.emplace_back("buffer/" + b.key(), b.value());
    std::sort(tensors.begin(), tensors.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    return tensors;
}

} // namespace

std::string weightsFingerprint(const torch::nn::Module& module) {
    Fnv1a64 hash;
    for (const auto& [name, value] : namedTensors(module)) {
        const auto t = value.detach().to(torch::kCPU).contiguous();
        hash.add(name);
        hash.add(std::string(c10::toString(t.scalar_type())));
        hash.add(static_cast<std::int64_t>(t.dim()));
        for (const auto size : t.sizes())
            hash.add(static_cast<std::int64_t>(size));
        hash.add(t.data_ptr(), t.nbytes());
    }
    return hex(hash.value());
}

std::string bytesFingerprint(std::string_view bytes) {
    Fnv1a64 hash;
    hash.add(bytes.data(), bytes.size());
    return hex(hash.value());
}

std::string firstNonFiniteTensor(const torch::nn::Module& module) {
    torch::NoGradGuard noGrad;
    for (const auto& [name, value] : namedTensors(module))
        if (value.is_floating_point() && !torch::isfinite(value).all().item<bool>())
            return name;
    return {};
}

} // namespace dnas
