#include "store/run_store.h"

#include <cerrno>
#include <cstring>

#include <sqlite3.h>
#include <unistd.h>

#include "common/error.h"
#include "common/json_document.h"
#include "common/json_reader.h"
#include "common/utc_time.h"
#include "store/run_lease.h"
#include "store/run_store_schema.h"
#include "store/sqlite_statement.h"

namespace dnas {
namespace {

// A JSON column of the store; a damaged one is an InputError naming the store and the row.
nlohmann::json storedJson(const std::string& text, const std::string& origin) {
    return JsonDocument::fromText(text, origin).root();
}

} // namespace

RunStore::RunStore(sqlite3* db, std::filesystem::path path)
    : db_(db)
    , path_(std::move(path)) {}

RunStore::~RunStore() {
    for (const auto& [runId, lease] : leases_) {
        try {
            sqliteTransaction(db_, [&] { RunLease::release(db_, runId, lease->token()); });
        } catch (const std::exception&) {
            // The lease expires, or its pid is gone when this process ends.
        }
    }
    leases_.clear();
    sqlite3_close(db_);
}

void RunStore::exec(const std::string& sql) {
    sqliteExec(db_, sql);
}

std::unique_ptr<RunStore> RunStore::open(const std::filesystem::path& path, Access access) {
    std::error_code ec;
    const bool exists = std::filesystem::exists(path, ec);
    if (access == Access::ReadOnly && !exists)
        throw InputError({{path.string(), 0, {}, "run store does not exist"}});
    if (access == Access::ReadOnly && std::filesystem::is_regular_file(path, ec) &&
        std::filesystem::file_size(path, ec) == 0) // reading must not turn it into a store
        throw InputError({{path.string(), 0, {}, "is an empty file, not a run store"}});
    if (std::filesystem::is_directory(path, ec))
        throw InputError({{path.string(), 0, {}, "is a folder, expected a run store file"}});
    const auto folder = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
    // SQLite writes FILE-wal and FILE-shm next to a WAL store, so writing needs the folder too.
    const bool writable =
        ::access(folder.c_str(), W_OK) == 0 && (!exists || ::access(path.c_str(), W_OK) == 0);
    // Reading a writable store opens it as usual (an older schema is migrated).
    const bool readOnly = access == Access::ReadOnly && !writable;
    if (!readOnly && !writable)
        throw InputError({{path.string(),
                           0,
                           {},
                           std::string("cannot be written: ") + std::strerror(errno) +
                               " (searching needs a writable file and folder; `dnas runs list` "
                               "and `runs show` can read it where it is)"}});
    // Read-only media: nothing can change the file, which lets SQLite read a WAL store
    // without creating its -shm file (the "immutable" URI parameter).
    std::string uri = "file:";
    for (const char c : path.string()) {
        if (c == '%' || c == '?' || c == '#') {
            char escaped[4];
            std::snprintf(escaped, sizeof escaped, "%%%02X", static_cast<unsigned char>(c));
            uri += escaped;
        } else {
            uri += c;
        }
    }
    if (readOnly)
        uri += "?immutable=1";
    sqlite3* db = nullptr;
    const int flags = SQLITE_OPEN_URI | (readOnly ? SQLITE_OPEN_READONLY
                                                  : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    if (sqlite3_open_v2(uri.c_str(), &db, flags, nullptr) != SQLITE_OK) {
        const std::string message = db ? sqlite3_errmsg(db) : "out of memory";
        sqlite3_close(db);
        throw InputError({{path.string(), 0, {}, "cannot open the run store: " + message}});
    }
    std::unique_ptr<RunStore> store(new RunStore(db, path));
    sqlite3_busy_timeout(db, 5000);
    try {
        if (readOnly)
            checkReadable(db, path.string());
        else if (!schemaCurrent(db))
            sqliteTransaction(db, [&] { prepareSchema(db, path.string()); });
        checkIntegrity(db, path.string());
        if (!readOnly)
            store->exec(
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;");
    } catch (const std::runtime_error& e) {
        if (dynamic_cast<const InputError*>(&e))
            throw;
        throw InputError({{path.string(),
                           0,
                           {},
                           std::string("not a DNAS Studio run store (") + e.what() + ")"}});
    }
    return store;
}

std::string RunStore::journalMode() {
    return sqliteScalar(db_, "PRAGMA journal_mode");
}

int RunStore::synchronous() {
    return std::stoi(sqliteScalar(db_, "PRAGMA synchronous"));
}

std::string RunStore::tokenOf(std::int64_t runId) const {
    const auto it = leases_.find(runId);
    return it == leases_.end() ? "" : it->second->token();
}

void RunStore::write(std::int64_t runId, const std::function<void()>& body) {
    sqliteTransaction(db_, [&] {
        RunLease::checkWriter(db_, path_.string(), runId, tokenOf(runId));
        body();
    });
}

std::int64_t RunStore::createRun(const nlohmann::json& config, std::uint64_t seed,
                                 const std::string& supernetFingerprint) {
    std::int64_t id = 0;
    std::unique_ptr<RunLease> lease;
    sqliteTransaction(db_, [&] {
        SqliteStatement s(db_, "INSERT INTO runs(created, status, seed, supernet_fingerprint, "
                               "config) VALUES(?, 'running', ?, ?, ?)");
        s.bind(1, utcNow())
            .bind(2, static_cast<std::int64_t>(seed))
            .bind(3, supernetFingerprint)
            .bind(4, config.dump());
        s.step();
        id = sqlite3_last_insert_rowid(db_);
        lease = std::make_unique<RunLease>(path_, id);
        RunLease::claim(db_, path_.string(), id, lease->token());
    });
    leases_[id] = std::move(lease);
    return id;
}

std::optional<LeaseHolder> RunStore::holdRun(std::int64_t runId) {
    run(runId); // unknown run: InputError
    if (leases_.contains(runId))
        return std::nullopt;
    auto lease = std::make_unique<RunLease>(path_, runId);
    std::optional<LeaseHolder> previous;
    sqliteTransaction(db_, [&] {
        previous = RunLease::claim(db_, path_.string(), runId, lease->token());
        SqliteStatement s(db_, "UPDATE runs SET status = 'running' WHERE id = ?");
        s.bind(1, runId).step();
    });
    leases_[runId] = std::move(lease);
    return previous;
}

void RunStore::checkRunAvailable(std::int64_t runId) {
    RunLease::checkAvailable(db_, path_.string(), runId, tokenOf(runId));
}

void RunStore::setStatus(std::int64_t runId, const std::string& status) {
    const auto token = tokenOf(runId);
    sqliteTransaction(db_, [&] {
        if (!RunLease::writable(db_, runId, token))
            return;
        SqliteStatement s(db_, "UPDATE runs SET status = ? WHERE id = ?");
        s.bind(1, status).bind(2, runId).step();
        if (status != "running" && !token.empty())
            RunLease::release(db_, runId, token);
    });
    if (status != "running")
        leases_.erase(runId);
}

void RunStore::updateConfig(std::int64_t runId, const nlohmann::json& config) {
    write(runId, [&] {
        SqliteStatement s(db_, "UPDATE runs SET config = ? WHERE id = ?");
        s.bind(1, config.dump()).bind(2, runId).step();
    });
}

std::int64_t RunStore::addCandidate(const CandidateRecord& record) {
    std::int64_t id = 0;
    write(record.runId, [&] { id = insertCandidate(record); }); // durable when this returns
    return id;
}

std::int64_t RunStore::addEvaluation(const CandidateRecord& record, std::int64_t evaluations,
                                     double hypervolume) {
    std::int64_t id = 0;
    write(record.runId, [&] {
        id = insertCandidate(record);
        insertHypervolume(record.runId, record.mode, evaluations, hypervolume);
    });
    return id;
}

std::int64_t RunStore::insertCandidate(const CandidateRecord& r) {
    SqliteStatement s(db_, "INSERT INTO candidates(run_id, mode, sequence, generation, genome, "
                           "resolution, colour, evaluated, accuracy, metrics, macs, params, "
                           "peak_sram_bytes, flash_bytes, latency_ms, energy_mj, feasible, "
                           "eval_seconds, canonical_key) "
                           "VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    const nlohmann::json genome = r.candidate;
    s.bind(1, r.runId)
        .bind(2, r.mode)
        .bind(3, r.sequence)
        .bind(4, std::int64_t{r.generation})
        .bind(5, genome.dump());
    s.bind(6, std::int64_t{r.candidate.data.resolution})
        .bind(7, std::string(toString(r.candidate.data.colour)));
    s.bind(8, std::int64_t{r.evaluated})
        .bind(9, r.accuracy)
        .bind(10, r.metrics.dump())
        .bind(11, r.macs);
    s.bind(12, r.params)
        .bind(13, r.peakSramBytes)
        .bind(14, r.flashBytes)
        .bind(15, r.latencyMs)
        .bind(16, r.energyMj);
    s.bind(17, std::int64_t{r.feasible}).bind(18, r.evalSeconds).bindTextOrNull(19, r.key);
    try {
        s.step();
    } catch (const SqliteError& e) {
        if (e.code() != SQLITE_CONSTRAINT_UNIQUE)
            throw;
        throw std::runtime_error("run store: run " + std::to_string(r.runId) + " (" + r.mode +
                                 ") already has an evaluation of candidate " + r.key +
                                 "; the duplicate was refused and nothing of it was stored");
    }
    return sqlite3_last_insert_rowid(db_);
}

void RunStore::recordHypervolume(std::int64_t runId, const std::string& mode,
                                 std::int64_t evaluations, double value) {
    write(runId, [&] { insertHypervolume(runId, mode, evaluations, value); });
}

void RunStore::insertHypervolume(std::int64_t runId, const std::string& mode,
                                 std::int64_t evaluations, double value) {
    SqliteStatement s(
        db_, "INSERT INTO hypervolume(run_id, mode, evaluations, value) VALUES(?, ?, ?, ?)");
    s.bind(1, runId).bind(2, mode).bind(3, evaluations).bind(4, value).step();
}

void RunStore::saveState(std::int64_t runId, const nlohmann::json& state) {
    write(runId, [&] {
        SqliteStatement s(db_, "INSERT INTO state(run_id, json) VALUES(?, ?) ON CONFLICT(run_id) "
                               "DO UPDATE SET json = excluded.json");
        s.bind(1, runId).bind(2, state.dump()).step();
    });
}

std::optional<nlohmann::json> RunStore::loadState(std::int64_t runId) {
    SqliteStatement s(db_, "SELECT json FROM state WHERE run_id = ?");
    s.bind(1, runId);
    if (!s.step())
        return std::nullopt;
    return storedJson(s.text(0), path_.string() + " run " + std::to_string(runId) + " state");
}

std::vector<RunInfo> RunStore::runs() {
    SqliteStatement s(
        db_, "SELECT r.id, r.created, r.status, r.seed, r.supernet_fingerprint, r.config, "
             "(SELECT COUNT(*) FROM candidates c WHERE c.run_id = r.id AND c.evaluated = 1) "
             "FROM runs r ORDER BY r.id");
    std::vector<RunInfo> out;
    while (s.step())
        out.push_back({s.integer(0), s.text(1), statusOf(s.integer(0), s.text(2)), s.integer(6),
                       static_cast<std::uint64_t>(s.integer(3)), s.text(4),
                       storedJson(s.text(5), path_.string() + " run " +
                                                 std::to_string(s.integer(0)) + " configuration")});
    return out;
}

std::string RunStore::statusOf(std::int64_t runId, const std::string& stored) {
    // A "running" run that no live process holds was killed, or its process could not record
    // its end (a full disk); either way it can be resumed.
    if (stored == "running" && !leases_.contains(runId) && !RunLease::held(db_, runId))
        return "interrupted";
    return stored;
}

RunInfo RunStore::run(std::int64_t runId) {
    for (auto& r : runs())
        if (r.id == runId)
            return r;
    throw InputError(
        {{path_.string(), 0, "run",
          "no run " + std::to_string(runId) + " in this store (see `dnas runs list`)"}});
}

std::vector<CandidateRecord> RunStore::candidates(std::int64_t runId) {
    SqliteStatement s(
        db_, "SELECT id, run_id, mode, sequence, generation, genome, evaluated, accuracy, "
             "metrics, macs, params, "
             "peak_sram_bytes, flash_bytes, latency_ms, energy_mj, feasible, eval_seconds, "
             "canonical_key FROM candidates "
             "WHERE run_id = ? ORDER BY id");
    s.bind(1, runId);
    std::vector<CandidateRecord> out;
    while (s.step()) {
        CandidateRecord r;
        r.id = s.integer(0);
        r.runId = s.integer(1);
        r.mode = s.text(2);
        r.sequence = s.integer(3);
        r.generation = static_cast<int>(s.integer(4));
        const auto doc = JsonDocument::fromText(s.text(5), path_.string() + " candidate " +
                                                               std::to_string(r.id));
        JsonReader reader(doc);
        if (auto c = readCandidate(reader, doc.root(), ""))
            r.candidate = *c;
        reader.throwIfProblems();
        r.evaluated = s.integer(6) != 0;
        r.accuracy = s.real(7);
        r.metrics = storedJson(s.text(8),
                               path_.string() + " candidate " + std::to_string(r.id) + " metrics");
        r.macs = s.integer(9);
        r.params = s.integer(10);
        r.peakSramBytes = s.integer(11);
        r.flashBytes = s.integer(12);
        r.latencyMs = s.real(13);
        r.energyMj = s.real(14);
        r.feasible = s.integer(15) != 0;
        r.evalSeconds = s.real(16);
        r.key = s.text(17);
        out.push_back(std::move(r));
    }
    return out;
}

std::vector<std::pair<std::int64_t, double>> RunStore::hypervolumes(std::int64_t runId,
                                                                    const std::string& mode) {
    SqliteStatement s(
        db_,
        "SELECT evaluations, value FROM hypervolume WHERE run_id = ? AND mode = ? ORDER BY rowid");
    s.bind(1, runId).bind(2, mode);
    std::vector<std::pair<std::int64_t, double>> out;
    while (s.step())
        out.emplace_back(s.integer(0), s.real(1));
    return out;
}

void RunStore::exportCsv(std::int64_t runId, std::ostream& out) {
    run(runId); // unknown run: InputError
    out << "id,mode,sequence,generation,resolution,colour,width,depths,evaluated,accuracy,macs,"
           "params,"
           "peak_sram_bytes,flash_bytes,latency_ms,energy_mj,feasible,eval_seconds\n";
    for (const auto& r : candidates(runId)) {
        std::string depths;
        for (const int d : r.candidate.arch.depths)
            depths += (depths.empty() ? "" : " ") + std::to_string(d);
        out << r.id << ',' << r.mode << ',' << r.sequence << ',' << r.generation << ','
            << r.candidate.data.resolution << ',' << toString(r.candidate.data.colour) << ','
            << r.candidate.arch.width << ',' << depths << ',' << (r.evaluated ? 1 : 0) << ','
            << (r.evaluated ? std::to_string(r.accuracy) : "") << ',' << r.macs << ',' << r.params
            << ',' << r.peakSramBytes << ',' << r.flashBytes << ',' << r.latencyMs << ','
            << r.energyMj << ',' << (r.feasible ? 1 : 0) << ',' << r.evalSeconds << '\n';
    }
}

} // namespace dnas
