#pragma once

#include <string>

struct sqlite3;

namespace dnas {

// The run store's SQLite schema: creating, migrating and checking it when a store is opened.

// The first column of the first row of `sql` as text; empty when there is no row.
std::string sqliteScalar(sqlite3* db, const char* sql);

// Checks that `db` is empty or a run store, then creates or migrates its schema (run in one
// write transaction). Throws InputError naming `path` for another program's database, a
// newer schema or a damaged version field.
void prepareSchema(sqlite3* db, const std::string& path);
// For a store opened read-only: throws InputError unless it is a run store of this schema.
void checkReadable(sqlite3* db, const std::string& path);
// Throws InputError when SQLite's quick_check finds the file damaged.
void checkIntegrity(sqlite3* db, const std::string& path);

} // namespace dnas
