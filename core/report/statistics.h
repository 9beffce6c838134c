#pragma once

#include <cstddef>
#include <vector>

namespace dnas {

// Small-sample statistics the benches report: spread over seeds, rank correlations between two
// evaluators, and paired tests between two search modes run with the same seeds.

struct MeanSpread {
    double mean = 0;
    double sd = 0; // sample standard deviation (n - 1); 0 for fewer than two values
};
MeanSpread meanSpread(const std::vector<double>& values);

// Median (mean of the two middle values for an even count); 0 for none.
double median(std::vector<double> values);

// Ranks 1..n, ties given the mean of the ranks they span ("fractional ranking").
std::vector<double> averageRanks(const std::vector<double>& values);

// Kendall's tau-b of two equally long series (ties handled); 0 when undefined (fewer than two
// points, or one series constant).
double kendallTau(const std::vector<double>& a, const std::vector<double>& b);

// Spearman's rho: Pearson's correlation of the average ranks; 0 when undefined.
double spearmanRho(const std::vector<double>& a, const std::vector<double>& b);

// How many of the k largest values of `a` are among the k largest of `b` (same indices);
// ties at the k-th place are broken by index, lower first.
std::size_t topKOverlap(const std::vector<double>& a, const std::vector<double>& b, std::size_t k);

// A paired comparison of x against y over the same seeds.
struct PairedTest {
    std::size_t pairs = 0;       // all pairs
    std::size_t wins = 0;        // x > y
    std::size_t losses = 0;      // x < y
    std::size_t ties = 0;        // x == y (dropped by both tests)
    double signP = 1;            // sign test, two-sided exact binomial p
    double wilcoxonW = 0;        // Wilcoxon signed-rank statistic W+ (sum of ranks of x > y)
    double wilcoxonP = 1;        // two-sided exact p (zeros dropped, tied |d| get average ranks)
    double wilcoxonPGreater = 1; // one-sided exact p for x > y
};
// Exact for up to 30 non-zero differences (every sign assignment counted); beyond that the
// normal approximation with continuity correction. With n pairs the smallest two-sided p is
// 2 / 2^n (0.0625 for 5 seeds).
PairedTest pairedTest(const std::vector<double>& x, const std::vector<double>& y);

} // namespace dnas
