#include "store/run_store_schema.h"

#include <cstdlib>

#include <sqlite3.h>

#include "common/error.h"
#include "store/sqlite_statement.h"

namespace dnas {
namespace {

// Version 2 added candidates.canonical_key with its unique index, and the leases table.
constexpr int kSchemaVersion = 2;

const char* kTables = R"sql(
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs(
    id INTEGER PRIMARY KEY, created TEXT NOT NULL, status TEXT NOT NULL, seed INTEGER NOT NULL,
    supernet_fingerprint TEXT NOT NULL, config TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS candidates(
    id INTEGER PRIMARY KEY, run_id INTEGER NOT NULL REFERENCES runs(id), mode TEXT NOT NULL,
    sequence INTEGER NOT NULL, generation INTEGER NOT NULL, genome TEXT NOT NULL,
    resolution INTEGER NOT NULL, colour TEXT NOT NULL, evaluated INTEGER NOT NULL,
    accuracy REAL, metrics TEXT NOT NULL, macs INTEGER NOT NULL, params INTEGER NOT NULL,
    peak_sram_bytes INTEGER NOT NULL, flash_bytes INTEGER NOT NULL, latency_ms REAL NOT NULL,
    energy_mj REAL NOT NULL, feasible INTEGER NOT NULL, eval_seconds REAL NOT NULL,
    canonical_key TEXT);
CREATE TABLE IF NOT EXISTS hypervolume(
    run_id INTEGER NOT NULL REFERENCES runs(id), mode TEXT NOT NULL, evaluations INTEGER NOT NULL,
    value REAL NOT NULL);
CREATE TABLE IF NOT EXISTS state(run_id INTEGER PRIMARY KEY REFERENCES runs(id), json TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS leases(
    run_id INTEGER PRIMARY KEY REFERENCES runs(id), token TEXT NOT NULL, pid INTEGER NOT NULL,
    host TEXT NOT NULL, machine TEXT NOT NULL, start_ticks INTEGER NOT NULL, since TEXT NOT NULL,
    expires_at INTEGER NOT NULL);
)sql";

// After the tables (and a version-1 store's migration). A candidate is evaluated at most
// once per run and mode; screened-out rows are exempt (one screened out under old budgets is
// evaluated as a new record once it fits), and version-1 rows have a NULL key, which UNIQUE
// treats as distinct.
const char* kIndexes = R"sql(
CREATE INDEX IF NOT EXISTS candidates_run ON candidates(run_id, mode, sequence);
CREATE UNIQUE INDEX IF NOT EXISTS candidates_evaluated_once
    ON candidates(run_id, mode, canonical_key) WHERE evaluated = 1;
)sql";

} // namespace

// The first column of the first row of `sql` as text; empty when there is no row.
std::string sqliteScalar(sqlite3* db, const char* sql) {
    SqliteStatement s(db, sql);
    return s.step() ? s.text(0) : "";
}

// Whether `db` has the meta table of a DNAS Studio run store.
static bool isRunStore(sqlite3* db) {
    return sqliteScalar(db, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = "
                            "'meta'") != "0" &&
           sqliteScalar(db, "SELECT value FROM meta WHERE key = 'kind'") == "dnas-studio-run-store";
}

// Checks that `db` is empty or our store, then creates or migrates its schema; the caller
// runs it in one write transaction, so that a second process opening the same file meanwhile
// never sees a half-made store. Another program's database is left alone (journal mode too).

void prepareSchema(sqlite3* db, const std::string& path) {
    const bool empty =
        sqliteScalar(db, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'") == "0";
    const bool ours = isRunStore(db);
    if (!empty && !ours)
        throw InputError({{path,
                           0,
                           {},
                           "a SQLite database of another program, not a DNAS Studio run store; "
                           "it was left unchanged"}});
    sqliteExec(db, kTables);
    const auto stored = sqliteScalar(db, "SELECT value FROM meta WHERE key = 'schema_version'");
    const int version = stored.empty() ? kSchemaVersion : std::atoi(stored.c_str());
    if (version < 1)
        throw InputError({{path, 0, {}, "damaged run store: schema version '" + stored + "'"}});
    if (version > kSchemaVersion)
        throw InputError({{path,
                           0,
                           {},
                           "run store schema version " + std::to_string(version) +
                               " is newer than this program understands (" +
                               std::to_string(kSchemaVersion) + ")"}});
    if (version < 2)
        sqliteExec(db, "ALTER TABLE candidates ADD COLUMN canonical_key TEXT");
    sqliteExec(db, kIndexes);
    if (stored.empty() || version < kSchemaVersion) {
        SqliteStatement write(db, "INSERT INTO meta(key, value) VALUES('schema_version', ?), "
                                  "('kind', 'dnas-studio-run-store') ON CONFLICT(key) DO UPDATE "
                                  "SET value = excluded.value");
        write.bind(1, std::to_string(kSchemaVersion)).step();
    }
}

bool schemaCurrent(sqlite3* db) {
    return isRunStore(db) &&
           sqliteScalar(db, "SELECT value FROM meta WHERE key = 'schema_version'") ==
               std::to_string(kSchemaVersion);
}

// A store opened for reading only: ours, and of a schema this program reads.
void checkReadable(sqlite3* db, const std::string& path) {
    const bool ours = isRunStore(db);
    if (!ours)
        throw InputError({{path, 0, {}, "not a DNAS Studio run store"}});
    const auto version = sqliteScalar(db, "SELECT value FROM meta WHERE key = 'schema_version'");
    if (version != std::to_string(kSchemaVersion))
        throw InputError({{path,
                           0,
                           {},
                           "run store schema version " + version + "; this program reads " +
                               std::to_string(kSchemaVersion) +
                               " (open it writable once to migrate an older one)"}});
}

// A damaged file is refused when it is opened, not after a whole search ran into it.
void checkIntegrity(sqlite3* db, const std::string& path) {
    const auto verdict = sqliteScalar(db, "PRAGMA quick_check(1)");
    if (verdict != "ok")
        throw InputError({{path,
                           0,
                           {},
                           "the run store is damaged (SQLite quick_check: " + verdict +
                               "); restore it from a backup or start a new store"}});
}

} // namespace dnas
