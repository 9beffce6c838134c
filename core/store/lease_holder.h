#pragma once

#include <cstdint>
#include <string>

namespace dnas {

// The process holding a run's lease, as the store's lease table records it: enough to tell,
// from another process, whether it may still be running.
struct LeaseHolder {
    std::int64_t pid = 0;
    std::string host; // gethostname(), for people
    // Boot id and pid namespace: equal for two processes exactly when each sees the other's
    // pids (same machine, same boot, same container). Empty when unknown.
    std::string machine;
    // The process's start time (field 22 of /proc/<pid>/stat, clock ticks after boot): a
    // reused pid has another.
    std::int64_t startTicks = 0;
    std::string since;          // UTC ISO 8601: when it took the lease
    std::int64_t expiresAt = 0; // Unix seconds: it renews the lease before then while alive

    // This process; `since` and `expiresAt` are left to the caller.
    static LeaseHolder self();
    // "pid 1234 on host h, since 2026-12-01T19:40:00Z"
    std::string description() const;
    // Whether the holder may still be running, judged on machine `here` at `nowSeconds`
    // (Unix): on its own machine by its pid and start time (a SIGSTOPped holder is alive, a
    // SIGKILLed or reaped-pid one is not, whatever its expiry); elsewhere, or when its pid
    // cannot be inspected, by the expiry of its lease.
    bool alive(const std::string& here, std::int64_t nowSeconds) const;
};

// The start time of process `pid` (see LeaseHolder::startTicks); 0 when there is no such
// process or it has exited (a zombie); -1 when it exists but /proc does not show it.
std::int64_t processStartTicks(std::int64_t pid);

} // namespace dnas
