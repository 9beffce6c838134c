#include "data/dataset.h"

#include <algorithm>
#include <cstdio>
#include <numeric>

#include "common/error.h"
#include "common/rng.h"

namespace dnas {

std::string_view toString(Split split) {
    switch (split) {
    case Split::Train:
        return "train";
    case Split::Validation:
        return "validation";
    case Split::Test:
        return "test";
    }
    return "?";
}

std::optional<Split> parseSplit(std::string_view text) {
    if (text == "train")
        return Split::Train;
    if (text == "validation" || text == "val")
        return Split::Validation;
    if (text == "test")
        return Split::Test;
    return std::nullopt;
}

std::uint64_t fnv1a(std::string_view text, std::uint64_t seed) {
    std::uint64_t h = seed;
    for (const unsigned char c : text) {
        h ^= c;
        h *= 0x100000001b3ULL;
    }
    return h;
}

std::vector<std::size_t> Dataset::indices(Split split) const {
    std::vector<std::size_t> out;
    for (std::size_t i = 0; i < samples.size(); ++i) {
        const auto& s = samples[i];
        const Split used = s.heldOut ? Split::Validation : s.split;
        if (used == split)
            out.push_back(i);
    }
    return out;
}

std::vector<std::size_t> Dataset::sourceIndices(Split split) const {
    std::vector<std::size_t> out;
    for (std::size_t i = 0; i < samples.size(); ++i)
        if (samples[i].split == split)
            out.push_back(i);
    return out;
}

std::vector<std::size_t> Dataset::perClass(const std::vector<std::size_t>& sampleIndices) const {
    std::vector<std::size_t> counts(classes.size(), 0);
    for (const auto i : sampleIndices)
        ++counts[static_cast<std::size_t>(samples[i].label)];
    return counts;
}

std::vector<std::size_t> Dataset::subset(Split split, std::size_t n, std::uint64_t seed) const {
    const auto all = indices(split);
    if (n > all.size())
        throw InputError(split == Split::Train ? "--train-subset" : "--val-subset",
                         "the " + std::string(toString(split)) + " split of " + name + " has " +
                             std::to_string(all.size()) + " samples, fewer than the " +
                             std::to_string(n) + " requested");
    if (n == all.size())
        return all;
    // Group by class, shuffle each group with the seed, give each class its proportional
    // share (largest remainders get the leftovers), then merge in index order.
    std::vector<std::vector<std::size_t>> byClass(classes.size());
    for (const auto i : all)
        byClass[static_cast<std::size_t>(samples[i].label)].push_back(i);
    Rng rng(seed);
    std::vector<std::size_t> quota(classes.size());
    std::vector<std::pair<double, std::size_t>> remainders;
    std::size_t given = 0;
    for (std::size_t c = 0; c < byClass.size(); ++c) {
        auto& group = byClass[c];
        for (std::size_t k = group.size(); k > 1; --k) // Fisher-Yates with our RNG
            std::swap(group[k - 1], group[rng.below(k)]);
        const double exact = static_cast<double>(n) * static_cast<double>(group.size()) /
                             static_cast<double>(all.size());
        quota[c] = static_cast<std::size_t>(exact);
        given += quota[c];
        remainders.emplace_back(exact - static_cast<double>(quota[c]), c);
    }
    std::stable_sort(remainders.begin(), remainders.end(),
                     [](const auto& a, const auto& b) { return a.first > b.first; });
    for (std::size_t k = 0; given < n && k < remainders.size(); ++k, ++given)
        ++quota[remainders[k].second];
    std::vector<std::size_t> out;
    out.reserve(n);
    for (std::size_t c = 0; c < byClass.size(); ++c)
        out.insert(out.end(), byClass[c].begin(),
                   byClass[c].begin() + static_cast<std::ptrdiff_t>(quota[c]));
    std::sort(out.begin(), out.end());
    return out;
}

void Dataset::holdOutValidation(double fraction) {
    validationHoldout = 0;
    for (auto& s : samples)
        s.heldOut = false;
    const bool hasValidation = std::any_of(samples.begin(), samples.end(), [](const Sample& s) {
        return s.split == Split::Validation;
    });
    if (!hasValidation && fraction > 0) {
        validationHoldout = fraction;
        const auto threshold = static_cast<std::uint64_t>(fraction * 1e6);
        for (auto& s : samples)
            if (s.split == Split::Train)
                s.heldOut =
                    fnv1a(images->stableKey(s.image), 0x9e3779b97f4a7c15ULL) % 1000000 < threshold;
    }
    computeFingerprint();
}

void Dataset::computeFingerprint() {
    std::uint64_t h = fnv1a(format);
    for (const auto& c : classes)
        h = fnv1a(c, h);
    for (const auto& s : samples) {
        h = fnv1a(images->stableKey(s.image), h);
        const char meta[3] = {static_cast<char>(s.label), static_cast<char>(s.split),
                              static_cast<char>(s.heldOut)};
        h = fnv1a(std::string_view(meta, 3), h);
    }
    char text[17];
    std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(h));
    fingerprint = text;
}

} // namespace dnas
