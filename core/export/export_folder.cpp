#include "export/export_folder.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/error.h"

namespace dnas {
namespace {

namespace fs = std::filesystem;

[[noreturn]] void refuse(const fs::path& out, const std::string& message) {
    throw InputError({{out.string(), 0, {}, message}});
}

fs::path parentOf(const fs::path& out) {
    const auto parent = fs::absolute(out).parent_path();
    return parent.empty() ? fs::current_path() : parent;
}

fs::path siblingOf(const fs::path& out, const std::string& tag) {
    return parentOf(out) / ("." + fs::absolute(out).filename().string() + "." + tag + "-" +
                            std::to_string(::getpid()));
}

// Writes and flushes one file; the error text of the first failure, or empty.
std::string writeFile(const fs::path& path, const std::string& bytes) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return std::strerror(errno);
    std::size_t done = 0;
    while (done < bytes.size()) {
        const auto n = ::write(fd, bytes.data() + done, bytes.size() - done);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            const std::string error = std::strerror(errno);
            ::close(fd);
            return error;
        }
        done += static_cast<std::size_t>(n);
    }
    if (::fsync(fd) != 0 || ::close(fd) != 0)
        return std::strerror(errno);
    return {};
}

} // namespace

void checkExportFolder(const fs::path& out, bool overwrite) {
    std::error_code ec;
    if (out.empty())
        refuse(out, "no output folder given");
    const auto status = fs::status(out, ec);
    if (fs::exists(status) && !fs::is_directory(status))
        refuse(out, "is a file, expected a folder to export into");
    if (fs::exists(status) && !overwrite)
        refuse(out, "already exists; choose another --out or pass --overwrite");
    const auto parent = parentOf(out);
    if (!fs::is_directory(parent, ec))
        refuse(out, "its parent folder " + parent.string() + " does not exist");
    if (::access(parent.c_str(), W_OK) != 0)
        refuse(out, "cannot create a folder in " + parent.string() + ": " + std::strerror(errno));
}

void writeExportFolder(const fs::path& out, const std::vector<ExportFile>& files, bool overwrite) {
    checkExportFolder(out, overwrite);
    const auto partial = siblingOf(out, "partial");
    std::error_code ec;
    fs::remove_all(partial, ec);
    const auto fail = [&](const std::string& message) {
        std::error_code ignored;
        fs::remove_all(partial, ignored);
        refuse(out, message);
    };
    if (!fs::create_directory(partial, ec))
        fail("cannot create a folder beside it: " + ec.message());
    for (const auto& f : files) {
        const auto path = partial / f.path;
        fs::create_directories(path.parent_path(), ec);
        if (ec)
            fail("cannot create " + fs::path(f.path).parent_path().string() + ": " + ec.message());
        if (const auto error = writeFile(path, f.bytes); !error.empty())
            fail("cannot write " + f.path + ": " + error + " (nothing was exported)");
    }
    if (!fs::exists(out, ec)) {
        fs::rename(partial, out, ec);
        if (ec)
            fail("cannot move the finished export into place: " + ec.message());
        return;
    }
    // Replace: the old folder moves aside first, so a failure leaves one complete folder.
    const auto old = siblingOf(out, "old");
    fs::remove_all(old, ec);
    fs::rename(out, old, ec);
    if (ec)
        fail("cannot move the existing folder aside: " + ec.message());
    fs::rename(partial, out, ec);
    if (ec) {
        std::error_code ignored;
        fs::rename(old, out, ignored);
        fail("cannot move the finished export into place: " + ec.message());
    }
    fs::remove_all(old, ec);
}

} // namespace dnas
