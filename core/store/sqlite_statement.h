#pragma once

#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>

struct sqlite3;
struct sqlite3_stmt;

namespace dnas {

// A failed SQLite call, with SQLite's extended result code (SQLITE_CONSTRAINT_UNIQUE, ...).
class SqliteError : public std::runtime_error {
public:
    SqliteError(const std::string& message, int code)
        : std::runtime_error(message)
        , code_(code) {}
    int code() const { return code_; }

private:
    int code_;
};

// A prepared statement of the run store that finalises itself; bind() by 1-based position.
// Failures of the file or the machine (disk full, read-only, damaged file, I/O error, a lock
// held too long) throw InputError naming the store file and what to do; others (a violated
// constraint, a misuse) throw SqliteError ("run store: <SQLite's message>").
class SqliteStatement {
public:
    SqliteStatement(sqlite3* db, const char* sql);
    ~SqliteStatement();
    SqliteStatement(const SqliteStatement&) = delete;
    SqliteStatement& operator=(const SqliteStatement&) = delete;

    SqliteStatement& bind(int i, std::int64_t v);
    SqliteStatement& bind(int i, double v);
    SqliteStatement& bind(int i, const std::string& v);
    SqliteStatement& bindTextOrNull(int i, const std::string& v); // empty: NULL
    // True for a row, false when done.
    bool step();
    std::int64_t integer(int col) const;
    double real(int col) const;
    std::string text(int col) const; // NULL: empty

private:
    SqliteStatement& check(int rc);
    sqlite3* db_;
    sqlite3_stmt* stmt_ = nullptr;
};

// Runs `sql` (several statements allowed); throws SqliteError.
void sqliteExec(sqlite3* db, const std::string& sql);
// Runs `body` in one BEGIN IMMEDIATE ... COMMIT: all of it is durable, or (it threw) none.
void sqliteTransaction(sqlite3* db, const std::function<void()>& body);

} // namespace dnas
