#include "export/export_folder.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>

#include <nlohmann/json.hpp>

#include "common/error.h"

namespace dnas {
namespace {

namespace fs = std::filesystem;

[[noreturn]] void refuse(const fs::path& out, const std::string& message) {
    throw InputError({{out.string(), 0, {}, message}});
}

// `out` absolute and normalised, without a trailing separator ("exports/m1/" -> ".../m1").
fs::path normalised(const fs::path& out) {
    auto p = fs::absolute(out).lexically_normal();
    if (p.filename().empty() && p.has_parent_path() && p != p.root_path())
        p = p.parent_path();
    return p;
}

// A fresh hidden folder beside `out` ("." + name + ".partial-XXXXXX"), made by mkdtemp so that
// two exports to the same place never share one.
fs::path freshSibling(const fs::path& out, const std::string& tag) {
    std::string pattern =
        (out.parent_path() / ("." + out.filename().string() + "." + tag + "-XXXXXX")).string();
    if (::mkdtemp(pattern.data()) == nullptr)
        refuse(out, "cannot create a folder beside it: " + std::string(std::strerror(errno)));
    return pattern;
}

// Writes and flushes one file; the error text of the first failure, or empty.
std::string writeFile(const fs::path& path, const std::string& bytes) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return std::strerror(errno);
    std::string error;
    std::size_t done = 0;
    while (done < bytes.size() && error.empty()) {
        const auto n = ::write(fd, bytes.data() + done, bytes.size() - done);
        if (n >= 0)
            done += static_cast<std::size_t>(n);
        else if (errno != EINTR)
            error = std::strerror(errno);
    }
    if (error.empty() && ::fsync(fd) != 0)
        error = std::strerror(errno);
    if (::close(fd) != 0 && error.empty())
        error = std::strerror(errno);
    return error;
}

void syncFolder(const fs::path& folder) {
    const int fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        ::fsync(fd);
        ::close(fd);
    }
}

// Whether `folder` holds an export of DNAS Studio (the only kind of folder --overwrite replaces).
bool isExport(const fs::path& folder) {
    std::ifstream in(folder / "model_card.json");
    if (!in)
        return false;
    try {
        const auto card = nlohmann::json::parse(in);
        return card.is_object() && card.value("kind", "") == "dnas-studio-model-card";
    } catch (const nlohmann::json::exception&) {
        return false;
    }
}

} // namespace

void checkExportFolder(const fs::path& given, bool overwrite) {
    if (given.empty())
        refuse(given, "no output folder given");
    const auto out = normalised(given);
    const auto name = out.filename().string();
    if (name.empty() || name == "." || name == ".." || out == out.root_path())
        refuse(given, "name a new folder to export into");
    std::error_code ec;
    const auto status = fs::status(out, ec);
    if (fs::exists(status) && !fs::is_directory(status))
        refuse(given, "is a file, expected a folder to export into");
    if (fs::exists(status) && !overwrite)
        refuse(given, "already exists; choose another folder, or replace it (--overwrite)");
    if (fs::exists(status) && !isExport(out))
        refuse(given, "exists and is not an export of DNAS Studio (no model_card.json of one); "
                      "it is never replaced");
    const auto parent = out.parent_path();
    if (!fs::is_directory(parent, ec))
        refuse(given, "its parent folder " + parent.string() + " does not exist");
    if (::access(parent.c_str(), W_OK) != 0)
        refuse(given, "cannot create a folder in " + parent.string() + ": " + std::strerror(errno));
}

void writeExportFolder(const fs::path& given, const std::vector<ExportFile>& files,
                       bool overwrite) {
    checkExportFolder(given, overwrite);
    const auto out = normalised(given);
    const auto partial = freshSibling(out, "partial");
    const auto fail = [&](const std::string& message) {
        std::error_code ignored;
        fs::remove_all(partial, ignored);
        refuse(given, message);
    };
    std::error_code ec;
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
        syncFolder(out.parent_path());
        return;
    }
    // Replace: the old folder moves aside first, so a failure leaves one complete folder.
    const auto old = freshSibling(out, "old");
    fs::remove(old, ec); // rename() needs the name free
    fs::rename(out, old, ec);
    if (ec)
        fail("cannot move the existing folder aside: " + ec.message());
    fs::rename(partial, out, ec);
    if (ec) {
        std::error_code ignored;
        fs::rename(old, out, ignored);
        fail("cannot move the finished export into place: " + ec.message());
    }
    syncFolder(out.parent_path());
    fs::remove_all(old, ec);
}

} // namespace dnas
