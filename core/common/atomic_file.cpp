#include "common/atomic_file.h"

#include <cerrno>
#include <cstring>
#include <string>

#include <fcntl.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "common/error.h"
#include "common/format.h"

namespace dnas {
namespace {

namespace fs = std::filesystem;

fs::path directoryOf(const fs::path& path) {
    return path.has_parent_path() ? path.parent_path() : fs::path(".");
}

fs::path temporaryOf(const fs::path& path) {
    return path.string() + ".tmp";
}

[[noreturn]] void fail(const fs::path& path, std::string_view what, const std::string& reason) {
    throw InputError(
        {{path.string(), 0, {}, "cannot write the " + std::string(what) + ": " + reason}});
}

// What a failed open, write or rename of a file in `path`'s directory means to the user.
std::string reasonOf(int error, const fs::path& path) {
    const std::string dir = directoryOf(path).string();
    switch (error) {
    case ENOSPC:
    case EDQUOT:
        return "the disk is full (free some space or write elsewhere)";
    case EROFS:
        return "the file system of " + dir + " is read-only";
    case EACCES:
    case EPERM:
        return "no permission to create files in " + dir;
    case ENOENT:
        return "directory " + dir + " does not exist";
    case ENOTDIR:
        return dir + " is not a directory";
    case EISDIR:
        return path.string() + " is a directory (give a file name in it)";
    default:
        return std::strerror(error);
    }
}

// Writes all of `bytes` to the open file `fd`, flushed to the disk; errno on failure, else 0.
int writeAll(int fd, std::string_view bytes) {
    while (!bytes.empty()) {
        const ssize_t n = ::write(fd, bytes.data(), bytes.size());
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return n < 0 ? errno : ENOSPC;
        bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return ::fsync(fd) == 0 ? 0 : errno;
}

// Makes a rename in `dir` durable; best effort (some file systems refuse to sync a directory).
void syncDirectory(const fs::path& dir) {
    const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        ::fsync(fd);
        ::close(fd);
    }
}

} // namespace

void checkWritable(const fs::path& path, std::uintmax_t bytes, std::string_view what) {
    std::error_code ec;
    if (fs::is_directory(path, ec))
        fail(path, what, reasonOf(EISDIR, path));
    if (fs::exists(path, ec) && !fs::is_regular_file(path, ec)) // a device or FIFO: never replaced
        fail(path, what, "it exists and is not a regular file (a device, FIFO or socket)");
    const auto dir = directoryOf(path);
    if (!fs::exists(dir, ec))
        fail(path, what, reasonOf(ENOENT, path));
    if (!fs::is_directory(dir, ec))
        fail(path, what, reasonOf(ENOTDIR, path));
    const auto probe = temporaryOf(path);
    const int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        fail(path, what, reasonOf(errno, path));
    ::close(fd);
    ::unlink(probe.c_str());
    struct statvfs fsInfo {};
    if (::statvfs(dir.c_str(), &fsInfo) == 0) {
        const auto available = static_cast<std::uintmax_t>(fsInfo.f_bavail) *
                               static_cast<std::uintmax_t>(fsInfo.f_frsize);
        if (available < bytes)
            fail(path, what,
                 "not enough free space in " + dir.string() + " (it needs about " +
                     formatBytes(static_cast<double>(bytes)) + ", " +
                     formatBytes(static_cast<double>(available)) + " are free)");
    }
}

void writeFileAtomically(const fs::path& path, std::string_view bytes, std::string_view what) {
    std::error_code ec;
    if (fs::exists(path, ec) && !fs::is_regular_file(path, ec))
        fail(path, what, "it exists and is not a regular file (a device, FIFO or socket)");
    const auto tmp = temporaryOf(path);
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        fail(path, what, reasonOf(errno, path));
    int error = writeAll(fd, bytes);
    if (::close(fd) != 0 && error == 0)
        error = errno;
    if (error == 0 && ::rename(tmp.c_str(), path.c_str()) != 0)
        error = errno;
    if (error != 0) {
        ::unlink(tmp.c_str());
        fail(path, what, reasonOf(error, path));
    }
    syncDirectory(directoryOf(path));
}

} // namespace dnas
