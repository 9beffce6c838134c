#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "store/lease_holder.h"

struct sqlite3;

namespace dnas {

// A run held by this process: one row of the store's lease table, so that one process at a
// time appends to a run, and a thread that keeps the row fresh.
//
// Why a renewal thread (with its own SQLite connection) rather than renewal at each commit:
// evaluating one candidate can take longer than any lease lifetime short enough to free a
// crashed run soon, so a holder on another host that is merely busy would look dead. The
// thread renews every kRenewal whatever the search does; it touches only its own connection
// and never calls into the search. On the holder's own machine the pid decides (see
// LeaseHolder::alive): a SIGKILLed holder's lease is taken over at once, expiry or not.
class RunLease {
public:
    static constexpr std::chrono::seconds kRenewal{10};
    static constexpr std::chrono::seconds kLifetime{60}; // six renewals may fail in a row

    // Starts renewing the lease of `runId` in the store at `path` under a new token, on a
    // connection of its own; claim() makes the row. Throws std::runtime_error when the store
    // cannot be opened.
    RunLease(const std::filesystem::path& path, std::int64_t runId);
    ~RunLease(); // stops renewing; the row stays until release()
    RunLease(const RunLease&) = delete;
    RunLease& operator=(const RunLease&) = delete;
    const std::string& token() const { return token_; }

    // The functions below run on the caller's connection, inside its write transaction.

    // Makes `token` the holder of `runId`. A live holder's lease is refused with an InputError
    // naming it ("run 1 is being searched by another process (pid 1234 on host h, since
    // ...); wait for it or stop it"); a dead holder's is taken over and returned.
    static std::optional<LeaseHolder> claim(sqlite3* db, const std::string& store,
                                            std::int64_t runId, const std::string& token);
    // Throws that InputError when a live process other than `token`'s holds `runId`.
    static void checkAvailable(sqlite3* db, const std::string& store, std::int64_t runId,
                               const std::string& token);
    // Whether a live process (this one included) holds `runId`.
    static bool held(sqlite3* db, std::int64_t runId);
    // Whether `token` may write to `runId`: it holds the lease, or (empty token) nobody does.
    static bool writable(sqlite3* db, std::int64_t runId, const std::string& token);
    // Throws InputError unless writable(): this process lost the run to another.
    static void checkWriter(sqlite3* db, const std::string& store, std::int64_t runId,
                            const std::string& token);
    static void release(sqlite3* db, std::int64_t runId, const std::string& token);

private:
    void renewEvery(std::stop_token stop);

    std::int64_t runId_;
    std::string token_;
    sqlite3* db_ = nullptr;
    std::mutex mutex_;
    std::condition_variable_any wake_;
    std::jthread thread_; // last: stopped and joined before the connection closes
};

} // namespace dnas
