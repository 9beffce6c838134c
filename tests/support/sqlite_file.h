#pragma once

// Reads and writes a SQLite file directly, as another program would (the tests' view of the
// run store that goes around its API).
#include <filesystem>
#include <string>

#include <sqlite3.h>

namespace fixtures {

// Runs `sql` on its own connection; returns SQLite's result code.
inline int sqlExec(const std::filesystem::path& path, const std::string& sql) {
    sqlite3* db = nullptr;
    sqlite3_open(path.string().c_str(), &db);
    const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr);
    sqlite3_close(db);
    return rc;
}

// The first column of the first row of `sql` as text; empty when there is no row.
inline std::string sqlScalar(const std::filesystem::path& path, const std::string& sql) {
    sqlite3* db = nullptr;
    sqlite3_open(path.string().c_str(), &db);
    sqlite3_busy_timeout(db, 5000);
    sqlite3_stmt* stmt = nullptr;
    std::string value;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_text(stmt, 0))
        value = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return value;
}

// Whether no connection is writing to the file now (a write transaction could start at once).
inline bool sqlWriterIdle(const std::filesystem::path& path) {
    sqlite3* db = nullptr;
    sqlite3_open(path.string().c_str(), &db);
    const bool idle = sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) == SQLITE_OK;
    sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
    sqlite3_close(db);
    return idle;
}

} // namespace fixtures
