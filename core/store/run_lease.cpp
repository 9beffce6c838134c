#include "store/run_lease.h"

#include <random>
#include <stdexcept>

#include <sqlite3.h>

#include "common/error.h"
#include "common/utc_time.h"
#include "store/sqlite_statement.h"

namespace dnas {
namespace {

struct LeaseRow {
    std::string token;
    LeaseHolder holder;
};

std::optional<LeaseRow> leaseRow(sqlite3* db, std::int64_t runId) {
    SqliteStatement s(db, "SELECT token, pid, host, machine, start_ticks, since, expires_at "
                          "FROM leases WHERE run_id = ?");
    s.bind(1, runId);
    if (!s.step())
        return std::nullopt;
    LeaseRow row;
    row.token = s.text(0);
    row.holder.pid = s.integer(1);
    row.holder.host = s.text(2);
    row.holder.machine = s.text(3);
    row.holder.startTicks = s.integer(4);
    row.holder.since = s.text(5);
    row.holder.expiresAt = s.integer(6);
    return row;
}

// The row of a live holder other than `token`'s, if there is one.
std::optional<LeaseRow> liveOther(sqlite3* db, std::int64_t runId, const std::string& token) {
    auto row = leaseRow(db, runId);
    if (row && row->token != token && row->holder.alive(LeaseHolder::self().machine, unixSeconds()))
        return row;
    return std::nullopt;
}

InputError busy(const std::string& store, std::int64_t runId, const LeaseHolder& holder) {
    return InputError({{store,
                        0,
                        {},
                        "run " + std::to_string(runId) + " is being searched by another process (" +
                            holder.description() + "); wait for it or stop it"}});
}

std::string newToken() {
    std::random_device device;
    std::uniform_int_distribution<std::uint64_t> draw;
    char text[40];
    std::snprintf(text, sizeof text, "%016llx%016llx",
                  static_cast<unsigned long long>(draw(device)),
                  static_cast<unsigned long long>(draw(device)));
    return text;
}

} // namespace

RunLease::RunLease(const std::filesystem::path& path, std::int64_t runId)
    : runId_(runId)
    , token_(newToken()) {
    if (sqlite3_open_v2(path.string().c_str(), &db_, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
        const std::string message = db_ ? sqlite3_errmsg(db_) : "out of memory";
        sqlite3_close(db_);
        throw std::runtime_error("run store: cannot open " + path.string() +
                                 " to renew a run's lease: " + message);
    }
    sqlite3_busy_timeout(db_, 5000);
    thread_ = std::jthread([this](std::stop_token stop) { renewEvery(stop); });
}

RunLease::~RunLease() {
    thread_.request_stop();
    if (thread_.joinable())
        thread_.join();
    sqlite3_close(db_);
}

void RunLease::renewEvery(std::stop_token stop) {
    std::unique_lock lock(mutex_);
    for (;;) {
        wake_.wait_for(lock, stop, kRenewal, [] { return false; });
        if (stop.stop_requested())
            return;
        try {
            SqliteStatement s(db_, "UPDATE leases SET expires_at = ? WHERE run_id = ? AND "
                                   "token = ?");
            s.bind(1, unixSeconds() + std::int64_t{kLifetime.count()})
                .bind(2, runId_)
                .bind(3, token_)
                .step();
        } catch (const std::exception&) {
            // Busy or disk full: tried again at the next renewal (see kLifetime).
        }
    }
}

std::optional<LeaseHolder> RunLease::claim(sqlite3* db, const std::string& store,
                                           std::int64_t runId, const std::string& token) {
    std::optional<LeaseHolder> previous;
    if (const auto row = leaseRow(db, runId); row && row->token != token) {
        if (row->holder.alive(LeaseHolder::self().machine, unixSeconds()))
            throw busy(store, runId, row->holder);
        previous = row->holder;
    }
    const auto self = LeaseHolder::self();
    const auto now = unixSeconds();
    SqliteStatement s(db, "INSERT OR REPLACE INTO leases(run_id, token, pid, host, machine, "
                          "start_ticks, since, expires_at) VALUES(?, ?, ?, ?, ?, ?, ?, ?)");
    s.bind(1, runId).bind(2, token).bind(3, self.pid).bind(4, self.host).bind(5, self.machine);
    s.bind(6, self.startTicks).bind(7, utcText(now)).bind(8, now + std::int64_t{kLifetime.count()});
    s.step();
    return previous;
}

void RunLease::checkAvailable(sqlite3* db, const std::string& store, std::int64_t runId,
                              const std::string& token) {
    if (const auto other = liveOther(db, runId, token))
        throw busy(store, runId, other->holder);
}

bool RunLease::held(sqlite3* db, std::int64_t runId) {
    const auto row = leaseRow(db, runId);
    return row && row->holder.alive(LeaseHolder::self().machine, unixSeconds());
}

bool RunLease::writable(sqlite3* db, std::int64_t runId, const std::string& token) {
    const auto row = leaseRow(db, runId);
    return row ? row->token == token : token.empty();
}

void RunLease::checkWriter(sqlite3* db, const std::string& store, std::int64_t runId,
                           const std::string& token) {
    if (writable(db, runId, token))
        return;
    const auto row = leaseRow(db, runId);
    const std::string run = "run " + std::to_string(runId);
    throw InputError(
        {{store,
          0,
          {},
          row ? run + " is held by another process (" + row->holder.description() +
                    "); this process stopped writing to it"
              : run + " is no longer held by this process (another released its lease); this "
                      "process stopped writing to it"}});
}

void RunLease::release(sqlite3* db, std::int64_t runId, const std::string& token) {
    SqliteStatement s(db, "DELETE FROM leases WHERE run_id = ? AND token = ?");
    s.bind(1, runId).bind(2, token).step();
}

} // namespace dnas
