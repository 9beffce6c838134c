#pragma once

// A small real file system for the tests of write failures: a tmpfs of a given size, writable
// or read-only, mounted on a directory for the object's lifetime. Mounting needs root
// (CAP_SYS_ADMIN); without it mounted() is false and error() says why, for a QSKIP.
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <sys/mount.h>

namespace fixtures {

class TmpfsMount {
public:
    TmpfsMount(const std::filesystem::path& dir, std::size_t bytes, bool readOnly = false)
        : dir_(dir) {
        std::filesystem::create_directories(dir);
        const std::string options = "size=" + std::to_string(bytes);
        if (::mount("tmpfs", dir.c_str(), "tmpfs", readOnly ? MS_RDONLY : 0, options.c_str()) == 0)
            mounted_ = true;
        else
            error_ = "cannot mount a tmpfs on " + dir.string() + " (" + std::strerror(errno) +
                     "): run the tests as root to cover this";
    }
    ~TmpfsMount() {
        if (mounted_)
            ::umount2(dir_.c_str(), MNT_DETACH);
    }
    TmpfsMount(const TmpfsMount&) = delete;
    TmpfsMount& operator=(const TmpfsMount&) = delete;

    bool mounted() const { return mounted_; }
    const std::string& error() const { return error_; }

    // Fills the file system with `name` until no byte is left.
    void fill(const std::string& name = "filler") const {
        std::ofstream out(dir_ / name, std::ios::binary);
        const std::vector<char> block(4096, 'x');
        while (out.write(block.data(), static_cast<std::streamsize>(block.size())))
            out.flush();
    }

private:
    std::filesystem::path dir_;
    bool mounted_ = false;
    std::string error_;
};

} // namespace fixtures
