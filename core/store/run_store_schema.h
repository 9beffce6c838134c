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
// Whether `db` already is a run store of this program's schema, found by reading only: such
// a store is opened without a write transaction, so that a reader (`dnas runs show`, the
// app's live view) never waits for, or holds up, the search writing to it.
bool schemaCurrent(sqlite3* db);
// For a store opened read-only: throws InputError unless it is a run store of this schema.
void checkReadable(sqlite3* db, const std::string& path);
// Throws InputError when SQLite's quick_check finds the file damaged.
void checkIntegrity(sqlite3* db, const std::string& path);

} // namespace dnas
