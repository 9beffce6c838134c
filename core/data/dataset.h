#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "data/image_source.h"

namespace dnas {

enum class Split { Train, Validation, Test };

std::string_view toString(Split split);
std::optional<Split> parseSplit(std::string_view text); // train, validation/val, test

// Something a reader could not use, with where it is and why. The rest of the data loads.
struct SkippedItem {
    std::string file;
    int line = 0; // 1-based line of a CSV; 0 for files and folders
    std::string reason;
    bool operator==(const SkippedItem&) const = default;
};

struct Sample {
    std::uint32_t image = 0; // index into Dataset::images
    std::int16_t label = 0;
    Split split = Split::Train; // the split the source put it in
    bool heldOut = false;       // taken from the source's train split as validation
};

// An indexed dataset: every usable sample with its label and split, the images behind them,
// and everything that was skipped. Pixels are decoded on demand (see ImageCache).
class Dataset {
public:
    std::string name;   // what the user named ("fashion-mnist:binary", a path)
    std::string format; // "idx", "image-folders", "wake-vision-csv"
    std::vector<std::string> classes;
    bool binaryPersonTask = false;      // classes are {no_person, person}
    bool standIn = false;               // a stand-in for the person task, labelled as such
    std::string note;                   // shown with the dataset (what a stand-in stands for, ...)
    std::vector<std::string> flagNames; // extra per-sample 0/1 columns (Wake Vision)
    std::vector<Sample> samples;
    std::vector<std::int8_t> flags; // samples.size() x flagNames.size(); -1 = not given
    std::vector<SkippedItem> skipped;
    std::shared_ptr<const ImageSource> images;
    bool grayImages = false;      // every image is gray at the source (IDX files)
    double validationHoldout = 0; // fraction of train held out when the source has no validation
    std::string fingerprint; // format, classes, samples (stable keys) and labels; not the location

    // Sample indices of a split as used: Train excludes held-out samples, Validation
    // includes them.
    std::vector<std::size_t> indices(Split split) const;
    std::size_t count(Split split) const { return indices(split).size(); }
    // Per-class counts of a list of sample indices.
    std::vector<std::size_t> perClass(const std::vector<std::size_t>& sampleIndices) const;
    // Samples the source itself put in `split` (before any hold-out).
    std::vector<std::size_t> sourceIndices(Split split) const;

    // A fixed-size subset of a split: stratified by class (proportional, largest remainders),
    // chosen by `seed`; throws InputError when the split has fewer than `n` samples.
    std::vector<std::size_t> subset(Split split, std::size_t n, std::uint64_t seed) const;

    // Marks a deterministic `fraction` of the source's train split as validation (by a hash of
    // each image's stable key, so the choice depends neither on order nor on where the
    // dataset folder is); no-op when the source has a
    // validation split. Recomputes the fingerprint.
    void holdOutValidation(double fraction);
    void computeFingerprint();
};

// FNV-1a 64-bit: stable hashing for deterministic splits and fingerprints.
std::uint64_t fnv1a(std::string_view text, std::uint64_t seed = 0xcbf29ce484222325ULL);

} // namespace dnas
