#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace dnas {

// One file of an export, by its path inside the export folder ("test_vectors/input_0.bin").
struct ExportFile {
    std::string path;
    std::string bytes;
};

// Writes `files` as the folder `out`, all or nothing: into a hidden sibling folder first
// (every file flushed to the disk), then renamed to `out`. An existing `out` is refused unless
// `overwrite`, in which case it is replaced only once the new folder is complete. Any failure
// (disk full, read-only, no permission, `out` a file) throws InputError naming `out` and what
// went wrong, and removes what was written; an existing `out` stays as it was.
void writeExportFolder(const std::filesystem::path& out, const std::vector<ExportFile>& files,
                       bool overwrite);

// Refuses (InputError naming `out`) before a long export what writeExportFolder would refuse
// for certain: `out` exists (and not `overwrite`), names a file, or its parent cannot take a
// new folder.
void checkExportFolder(const std::filesystem::path& out, bool overwrite);

} // namespace dnas
