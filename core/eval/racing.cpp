#include "eval/racing.h"

#include <algorithm>
#include <cmath>

namespace dnas {
namespace {

double logChoose(double n, double k) {
    return std::lgamma(n + 1) - std::lgamma(k + 1) - std::lgamma(n - k + 1);
}

// P(X <= k) for X hypergeometric: `n` draws without replacement from `population` items of
// which `good` are good. Summed from x = min(k, n, good) downwards with the ratio of
// consecutive probabilities, P(x - 1) / P(x) = x (bad - n + x) / ((good - x + 1)(n - x + 1)),
// until the terms (which fall monotonically once past the mode) no longer change the sum in
// double precision: a few standard deviations' worth of terms instead of one per count.
double hypergeometricCdf(std::size_t k, std::size_t n, std::size_t good, std::size_t population) {
    const std::size_t bad = population - good;
    const std::size_t lowest = n > bad ? n - bad : 0;
    const std::size_t highest = std::min(k, std::min(n, good));
    if (highest < lowest)
        return 0;
    const auto d = [](std::size_t v) {
        return static_cast<double>(v);
    };
    double logScale = logChoose(d(good), d(highest)) + logChoose(d(bad), d(n - highest)) -
                      logChoose(d(population), d(n));
    double term = 1;
    double sum = 1;
    for (std::size_t x = highest; x > lowest; --x) {
        term *= d(x) * (d(bad) - d(n) + d(x)) / ((d(good) - d(x) + 1) * (d(n) - d(x) + 1));
        sum += term;
        if (term < 1e-17 * sum)
            break;
        if (sum > 1e280) { // terms still rising towards the mode: rescale
            term *= 1e-280;
            sum *= 1e-280;
            logScale += 280 * std::log(10.0);
        }
    }
    return std::min(1.0, std::exp(logScale + std::log(sum)));
}

} // namespace

double accuracyUpperBound(std::size_t correct, std::size_t seen, std::size_t population,
                          double delta) {
    if (population == 0 || seen == 0)
        return 1.0;
    seen = std::min(seen, population);
    correct = std::min(correct, seen);
    // Population accuracies consistent with what was seen: between `correct` and every unseen
    // image right. The tail probability falls as the good count grows: bisect for the largest
    // good count whose tail is still at least delta.
    std::size_t lo = correct;                     // tail 1 at the smallest consistent count
    std::size_t hi = population - seen + correct; // the largest consistent count
    if (hypergeometricCdf(correct, seen, hi, population) >= delta)
        return static_cast<double>(hi) / static_cast<double>(population);
    while (hi - lo > 1) {
        const std::size_t mid = lo + (hi - lo) / 2;
        if (hypergeometricCdf(correct, seen, mid, population) >= delta)
            lo = mid;
        else
            hi = mid;
    }
    return static_cast<double>(lo) / static_cast<double>(population);
}

double accuracyToBeat(const std::vector<std::vector<double>>& front,
                      const std::vector<double>& costs) {
    double best = -1;
    for (const auto& member : front) {
        if (member.size() != costs.size() + 1)
            continue;
        bool cheaper = true;
        for (std::size_t i = 0; i < costs.size() && cheaper; ++i)
            cheaper = member[i + 1] <= costs[i];
        if (cheaper)
            best = std::max(best, 1 - member[0]);
    }
    return best;
}

} // namespace dnas
