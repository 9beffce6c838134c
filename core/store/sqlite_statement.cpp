#include "store/sqlite_statement.h"

#include <sqlite3.h>

#include "common/error.h"

namespace dnas {
namespace {

// What the user can do about a failure of the file or the machine rather than of this
// program; empty for the others (a constraint, a misuse: bugs, reported as such).
std::string environmentFault(int code) {
    switch (code & 0xff) {
    case SQLITE_FULL:
        return "the disk is full; the evaluations committed so far are kept - free space, "
               "then continue with --resume";
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_CANTOPEN:
        return "the run store cannot be written (read-only file, folder or file system)";
    case SQLITE_IOERR:
        return "input/output error";
    case SQLITE_CORRUPT:
        return "the run store is damaged; restore it from a backup or start a new store";
    case SQLITE_NOTADB:
        return "not a SQLite database, so not a DNAS Studio run store; it was left unchanged";
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return "the run store stayed locked by another process for 5 s; try again";
    case SQLITE_NOMEM:
        return "out of memory";
    default:
        return {};
    }
}

[[noreturn]] void throwFor(sqlite3* db, const std::string& sqliteMessage) {
    const int code = sqlite3_extended_errcode(db);
    const std::string fault = environmentFault(code);
    if (!fault.empty()) {
        const char* file = sqlite3_db_filename(db, "main");
        throw InputError({{file && *file ? file : "run store",
                           0,
                           {},
                           fault + " (SQLite: " + sqliteMessage + ")"}});
    }
    throw SqliteError("run store: " + sqliteMessage, code);
}

[[noreturn]] void fail(sqlite3* db, int) {
    throwFor(db, sqlite3_errmsg(db));
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
        const std::string text = message ? message : sqlite3_errstr(rc);
        sqlite3_free(message);
        throwFor(db, text);
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
