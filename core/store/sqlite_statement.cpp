#include "store/sqlite_statement.h"

#include <sqlite3.h>

namespace dnas {
namespace {

[[noreturn]] void fail(sqlite3* db, int rc) {
    throw SqliteError(
        std::string("run store: ") + sqlite3_errmsg(db) +
            (rc == SQLITE_FULL ? " (disk full: the evaluations committed so far are kept)" : ""),
        sqlite3_extended_errcode(db));
}

} // namespace

SqliteStatement::SqliteStatement(sqlite3* db, const char* sql)
    : db_(db) {
    if (const int rc = sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr); rc != SQLITE_OK)
        fail(db, rc);
}

SqliteStatement::~SqliteStatement() {
    sqlite3_finalize(stmt_);
}

SqliteStatement& SqliteStatement::bind(int i, std::int64_t v) {
    return check(sqlite3_bind_int64(stmt_, i, v));
}

SqliteStatement& SqliteStatement::bind(int i, double v) {
    return check(sqlite3_bind_double(stmt_, i, v));
}

SqliteStatement& SqliteStatement::bind(int i, const std::string& v) {
    return check(
        sqlite3_bind_text(stmt_, i, v.c_str(), static_cast<int>(v.size()), SQLITE_TRANSIENT));
}

SqliteStatement& SqliteStatement::bindTextOrNull(int i, const std::string& v) {
    return v.empty() ? check(sqlite3_bind_null(stmt_, i)) : bind(i, v);
}

bool SqliteStatement::step() {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW)
        return true;
    if (rc == SQLITE_DONE)
        return false;
    fail(db_, rc);
}

std::int64_t SqliteStatement::integer(int col) const {
    return sqlite3_column_int64(stmt_, col);
}

double SqliteStatement::real(int col) const {
    return sqlite3_column_double(stmt_, col);
}

std::string SqliteStatement::text(int col) const {
    const auto* p = sqlite3_column_text(stmt_, col);
    return p ? reinterpret_cast<const char*>(p) : "";
}

SqliteStatement& SqliteStatement::check(int rc) {
    if (rc != SQLITE_OK)
        fail(db_, rc);
    return *this;
}

void sqliteExec(sqlite3* db, const std::string& sql) {
    char* message = nullptr;
    if (const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message); rc != SQLITE_OK) {
        const std::string text = message ? message : "unknown error";
        sqlite3_free(message);
        throw SqliteError("run store: " + text, sqlite3_extended_errcode(db));
    }
}

void sqliteTransaction(sqlite3* db, const std::function<void()>& body) {
    sqliteExec(db, "BEGIN IMMEDIATE");
    try {
        body(); // its statements are finalised before COMMIT
        sqliteExec(db, "COMMIT");
    } catch (...) {
        sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
        throw;
    }
}

} // namespace dnas
