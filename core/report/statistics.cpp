#include "report/statistics.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace dnas {
namespace {

double pearson(const std::vector<double>& a, const std::vector<double>& b) {
    const std::size_t n = std::min(a.size(), b.size());
    if (n < 2)
        return 0;
    double ma = 0, mb = 0;
    for (std::size_t i = 0; i < n; ++i) {
        ma += a[i];
        mb += b[i];
    }
    ma /= static_cast<double>(n);
    mb /= static_cast<double>(n);
    double sab = 0, saa = 0, sbb = 0;
    for (std::size_t i = 0; i < n; ++i) {
        sab += (a[i] - ma) * (b[i] - mb);
        saa += (a[i] - ma) * (a[i] - ma);
        sbb += (b[i] - mb) * (b[i] - mb);
    }
    return saa > 0 && sbb > 0 ? sab / std::sqrt(saa * sbb) : 0.0;
}

// P(X <= k) for X ~ Binomial(n, 1/2).
double binomialLowerTail(std::size_t k, std::size_t n) {
    double sum = 0;
    double term = std::pow(0.5, static_cast<double>(n)); // C(n, 0) / 2^n
    for (std::size_t i = 0; i <= k && i <= n; ++i) {
        sum += term;
        term = term * static_cast<double>(n - i) / static_cast<double>(i + 1);
    }
    return std::min(1.0, sum);
}

double normalUpperTail(double z) {
    return 0.5 * std::erfc(z / std::sqrt(2.0));
}

} // namespace

MeanSpread meanSpread(const std::vector<double>& v) {
    MeanSpread m;
    if (v.empty())
        return m;
    m.mean = std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
    if (v.size() > 1) {
        double ss = 0;
        for (const double x : v)
            ss += (x - m.mean) * (x - m.mean);
        m.sd = std::sqrt(ss / static_cast<double>(v.size() - 1));
    }
    return m;
}

double median(std::vector<double> v) {
    if (v.empty())
        return 0;
    std::sort(v.begin(), v.end());
    const std::size_t n = v.size();
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

std::vector<double> averageRanks(const std::vector<double>& values) {
    std::vector<std::size_t> order(values.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(),
                     [&](auto x, auto y) { return values[x] < values[y]; });
    std::vector<double> ranks(values.size());
    for (std::size_t i = 0; i < order.size();) {
        std::size_t j = i;
        while (j + 1 < order.size() && values[order[j + 1]] == values[order[i]])
            ++j;
        const double rank = 0.5 * static_cast<double>(i + j) + 1; // mean of ranks i+1 .. j+1
        for (std::size_t k = i; k <= j; ++k)
            ranks[order[k]] = rank;
        i = j + 1;
    }
    return ranks;
}

double kendallTau(const std::vector<double>& a, const std::vector<double>& b) {
    const std::size_t n = std::min(a.size(), b.size());
    long long concordant = 0, discordant = 0, tiesA = 0, tiesB = 0;
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = i + 1; j < n; ++j) {
            const double da = a[i] - a[j];
            const double db = b[i] - b[j];
            if (da == 0 && db == 0)
                continue;
            if (da == 0)
                ++tiesA;
            else if (db == 0)
                ++tiesB;
            else if ((da > 0) == (db > 0))
                ++concordant;
            else
                ++discordant;
        }
    const double denominator = std::sqrt(static_cast<double>(concordant + discordant + tiesA) *
                                         static_cast<double>(concordant + discordant + tiesB));
    return denominator > 0 ? static_cast<double>(concordant - discordant) / denominator : 0.0;
}

double spearmanRho(const std::vector<double>& a, const std::vector<double>& b) {
    const std::size_t n = std::min(a.size(), b.size());
    return pearson(averageRanks({a.begin(), a.begin() + static_cast<std::ptrdiff_t>(n)}),
                   averageRanks({b.begin(), b.begin() + static_cast<std::ptrdiff_t>(n)}));
}

std::size_t topKOverlap(const std::vector<double>& a, const std::vector<double>& b, std::size_t k) {
    const std::size_t n = std::min(a.size(), b.size());
    k = std::min(k, n);
    auto top = [&](const std::vector<double>& v) {
        std::vector<std::size_t> order(n);
        std::iota(order.begin(), order.end(), std::size_t{0});
        std::stable_sort(order.begin(), order.end(), [&](auto x, auto y) { return v[x] > v[y]; });
        order.resize(k);
        std::sort(order.begin(), order.end());
        return order;
    };
    const auto ta = top(a);
    const auto tb = top(b);
    std::vector<std::size_t> common;
    std::set_intersection(ta.begin(), ta.end(), tb.begin(), tb.end(), std::back_inserter(common));
    return common.size();
}

PairedTest pairedTest(const std::vector<double>& x, const std::vector<double>& y) {
    PairedTest t;
    t.pairs = std::min(x.size(), y.size());
    std::vector<double> nonZero; // |d| of the non-zero differences
    std::vector<bool> positive;
    for (std::size_t i = 0; i < t.pairs; ++i) {
        const double d = x[i] - y[i];
        if (d > 0)
            ++t.wins;
        else if (d < 0)
            ++t.losses;
        else {
            ++t.ties;
            continue;
        }
        nonZero.push_back(std::abs(d));
        positive.push_back(d > 0);
    }
    const std::size_t n = nonZero.size();
    if (n == 0)
        return t;
    const std::size_t k = std::min(t.wins, t.losses);
    t.signP = std::min(1.0, 2 * binomialLowerTail(k, n));

    const auto ranks = averageRanks(nonZero);
    for (std::size_t i = 0; i < n; ++i)
        t.wilcoxonW += positive[i] ? ranks[i] : 0.0;
    if (n <= 30) {
        // Exact null distribution of W+ over the 2^n sign assignments, on doubled ranks so that
        // average ranks (halves) stay integers.
        std::vector<long> doubled(n);
        long total = 0;
        for (std::size_t i = 0; i < n; ++i)
            total += doubled[i] = std::lround(2 * ranks[i]);
        std::vector<double> count(static_cast<std::size_t>(total) + 1, 0.0);
        count[0] = 1;
        for (const long r : doubled)
            for (long s = total; s >= r; --s)
                count[static_cast<std::size_t>(s)] += count[static_cast<std::size_t>(s - r)];
        const long observed = std::lround(2 * t.wilcoxonW);
        const double all = std::pow(2.0, static_cast<double>(n));
        double atLeast = 0, atMost = 0;
        for (long s = 0; s <= total; ++s) {
            if (s >= observed)
                atLeast += count[static_cast<std::size_t>(s)];
            if (s <= observed)
                atMost += count[static_cast<std::size_t>(s)];
        }
        t.wilcoxonPGreater = atLeast / all;
        t.wilcoxonP = std::min(1.0, 2 * std::min(atLeast, atMost) / all);
    } else {
        const double nn = static_cast<double>(n);
        const double mean = nn * (nn + 1) / 4;
        const double sd = std::sqrt(nn * (nn + 1) * (2 * nn + 1) / 24);
        const double z = (t.wilcoxonW - mean - 0.5) / sd;
        t.wilcoxonPGreater = normalUpperTail(z);
        const double zAbs = (std::abs(t.wilcoxonW - mean) - 0.5) / sd;
        t.wilcoxonP = std::min(1.0, 2 * normalUpperTail(zAbs));
    }
    return t;
}

} // namespace dnas
