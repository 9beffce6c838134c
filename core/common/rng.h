#pragma once

#include <cstdint>
#include <vector>

namespace dnas {

// Seeded pseudo-random generator (xoshiro256**, seeded by splitmix64). Unlike the standard
// distributions, every draw here is specified by this code, so the same seed gives the same
// sequence on every platform and standard library: "same seed, same frontier".
class Rng {
public:
    explicit Rng(std::uint64_t seed = 0);

    std::uint64_t next();
    // Uniform integer in [0, n); n must be positive.
    std::uint64_t below(std::uint64_t n);
    // Uniform integer in [lo, hi] (inclusive).
    int between(int lo, int hi);
    // Uniform double in [0, 1).
    double uniform();
    bool chance(double probability) { return uniform() < probability; }

    template <class T>
    const T& pick(const std::vector<T>& values) {
        return values[static_cast<std::size_t>(below(values.size()))];
    }

private:
    std::uint64_t s_[4];
};

} // namespace dnas
