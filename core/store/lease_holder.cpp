#include "store/lease_holder.h"

#include <cerrno>
#include <climits>
#include <csignal>
#include <fstream>
#include <sstream>
#include <unistd.h>

namespace dnas {
namespace {

std::string firstLine(const std::string& path) {
    std::ifstream in(path);
    std::string line;
    std::getline(in, line);
    return line;
}

std::string machineId() {
    const auto boot = firstLine("/proc/sys/kernel/random/boot_id");
    char ns[128] = {};
    const auto n = readlink("/proc/self/ns/pid", ns, sizeof ns - 1);
    if (boot.empty() || n <= 0)
        return "";
    return boot + " " + std::string(ns, static_cast<std::size_t>(n));
}

} // namespace

std::int64_t processStartTicks(std::int64_t pid) {
    if (pid <= 0)
        return 0;
    const auto stat = firstLine("/proc/" + std::to_string(pid) + "/stat");
    const auto close = stat.rfind(')'); // the command name may hold spaces and parentheses
    if (close == std::string::npos || close + 2 > stat.size()) {
        const bool exists = ::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM;
        return exists ? -1 : 0;
    }
    std::istringstream fields(stat.substr(close + 2));
    std::string state;
    fields >> state; // field 3
    if (state == "Z" || state == "X")
        return 0;
    std::string skipped;
    for (int field = 4; field < 22; ++field)
        fields >> skipped;
    std::int64_t start = 0;
    fields >> start;
    return start > 0 ? start : -1;
}

LeaseHolder LeaseHolder::self() {
    LeaseHolder h;
    h.pid = getpid();
    char name[HOST_NAME_MAX + 1] = {};
    gethostname(name, sizeof name - 1);
    h.host = name;
    h.machine = machineId();
    h.startTicks = processStartTicks(h.pid);
    return h;
}

std::string LeaseHolder::description() const {
    return "pid " + std::to_string(pid) + " on host " + host + ", since " + since;
}

bool LeaseHolder::alive(const std::string& here, std::int64_t nowSeconds) const {
    if (!machine.empty() && machine == here) {
        const auto start = processStartTicks(pid);
        if (start == 0)
            return false;
        if (start > 0 && startTicks > 0)
            return start == startTicks;
    }
    return nowSeconds < expiresAt;
}

} // namespace dnas
