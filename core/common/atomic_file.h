#pragma once

#include <cstdint>
#include <filesystem>
#include <string_view>

namespace dnas {

// Checks, before a long job, that `path` can be written when the job is done with it: it does
// not name a directory, its directory exists and takes a new file (a probe `<path>.tmp` is
// created and removed), and its file system has at least `bytes` free. Throws InputError
// naming `path`, saying what is wrong, otherwise. `what` names the file for the user
// ("checkpoint").
void checkWritable(const std::filesystem::path& path, std::uintmax_t bytes, std::string_view what);

// Writes `bytes` to `path` atomically: to `<path>.tmp`, flushed to the disk, then renamed over
// `path`. Any failure (disk full, read-only file system, no permission, missing directory)
// throws InputError naming `path`, with the temporary file removed and a previous `path` left
// as it was.
void writeFileAtomically(const std::filesystem::path& path, std::string_view bytes,
                         std::string_view what);

} // namespace dnas
