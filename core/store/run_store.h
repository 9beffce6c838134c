#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/units.h"
#include "space/genome.h"
#include "store/lease_holder.h"

struct sqlite3;

namespace dnas {

class RunLease;

struct RunInfo {
    std::int64_t id = 0;
    std::string created; // UTC, ISO 8601
    std::string status;  // "running", "finished", "stopped", "failed"
    std::int64_t evaluations = 0;
    std::uint64_t seed = 0;
    std::string supernetFingerprint;
    nlohmann::json config; // the run's configuration as the engine received it
};

// One candidate the search looked at: evaluated, or screened out by the cost model.
struct CandidateRecord {
    std::int64_t id = 0; // assigned by the store
    std::int64_t runId = 0;
    std::string mode; // "dnas" or "hwnas"
    std::int64_t sequence = 0;
    int generation = 0;
    Candidate candidate;
    // The candidate's canonical form (JSON of SearchSpace::canonical): a run's evaluated rows
    // of a mode never share one. Empty (NULL in the store): unknown, rows of schema version 1.
    std::string key;
    bool evaluated = false; // false: over budget, never evaluated
    double accuracy = 0;
    nlohmann::json metrics = nlohmann::json::object();
    Macs macs = 0;
    ParamCount params = 0;
    Bytes peakSramBytes = 0;
    Bytes flashBytes = 0;
    double latencyMs = 0;
    double energyMj = 0;
    bool feasible = false;
    double evalSeconds = 0;
};

// The search's run store: a SQLite file in WAL mode (synchronous FULL) where every candidate is
// committed as it arrives, so a killed process loses no committed evaluation and old runs can
// be reopened, listed and exported. One connection per instance; not shared between threads.
//
// A run is written by one process at a time, its holder: createRun() and holdRun() take the
// run's lease (see RunLease), setStatus() to "finished", "stopped" or "failed" releases it, and
// so does the destructor (the run stays "running" and resumable). Writes to a run another
// process holds are refused; reading needs no lease.
class RunStore {
public:
    enum class Access { ReadWrite, ReadOnly };
    // Opens or creates (ReadWrite) the store; ReadOnly opens an existing one for reading (as
    // usual when it is writable; read-only, without writing a byte, when it is not). Throws
    // InputError naming the file when it cannot be written (for ReadWrite), is not a SQLite
    // database, not a DNAS Studio run store, from a newer schema, or damaged (SQLite's
    // quick_check).
    static std::unique_ptr<RunStore> open(const std::filesystem::path& path,
                                          Access access = Access::ReadWrite);
    ~RunStore();
    RunStore(const RunStore&) = delete;
    RunStore& operator=(const RunStore&) = delete;

    // Stores a new run, "running" and held by this store.
    std::int64_t createRun(const nlohmann::json& config, std::uint64_t seed,
                           const std::string& supernetFingerprint);
    // Takes an existing run's lease to continue it and sets it "running". Throws InputError
    // for an unknown run or one a live process holds, naming it ("run 1 is being searched by
    // another process (pid 1234 on host h, since ...); wait for it or stop it"). Returns the
    // dead holder whose lease was taken over, if any.
    std::optional<LeaseHolder> holdRun(std::int64_t runId);
    // Throws that InputError, taking nothing, when a live process other than this store holds
    // the run (a check before slow preparations; holdRun() decides).
    void checkRunAvailable(std::int64_t runId);
    // A status other than "running" releases the run's lease. Does nothing to a run that
    // another process holds (this one lost it and has no say).
    void setStatus(std::int64_t runId, const std::string& status);
    // Replaces the run's stored configuration (budgets changed during the run).
    void updateConfig(std::int64_t runId, const nlohmann::json& config);
    // Commits one candidate. Throws std::runtime_error, writing nothing, for an evaluated
    // record whose key the run already has evaluated in that mode.
    std::int64_t addCandidate(const CandidateRecord& record);
    // Commits an evaluated candidate and the mode's hypervolume after it (`evaluations` done)
    // in one transaction: both are stored, or (it threw) neither.
    std::int64_t addEvaluation(const CandidateRecord& record, std::int64_t evaluations,
                               double hypervolume);
    void recordHypervolume(std::int64_t runId, const std::string& mode, std::int64_t evaluations,
                           double value);
    // The strategy's state (population, RNG position) for --resume.
    void saveState(std::int64_t runId, const nlohmann::json& state);
    std::optional<nlohmann::json> loadState(std::int64_t runId);

    std::vector<RunInfo> runs();
    RunInfo run(std::int64_t runId); // throws InputError for an unknown run
    std::vector<CandidateRecord> candidates(std::int64_t runId);
    std::vector<std::pair<std::int64_t, double>> hypervolumes(std::int64_t runId,
                                                              const std::string& mode);
    void exportCsv(std::int64_t runId, std::ostream& out);

    std::string journalMode();
    int synchronous(); // PRAGMA synchronous of this connection: 2 (FULL), every commit synced
    const std::filesystem::path& path() const { return path_; }

private:
    RunStore(sqlite3* db, std::filesystem::path path);
    void exec(const std::string& sql);
    // Runs `body` in one transaction after checking that this store may write to the run.
    void write(std::int64_t runId, const std::function<void()>& body);
    std::string tokenOf(std::int64_t runId) const; // empty: not held by this store
    // The stored status, "interrupted" for a "running" run that no live process holds.
    std::string statusOf(std::int64_t runId, const std::string& stored);
    std::int64_t insertCandidate(const CandidateRecord& record);
    void insertHypervolume(std::int64_t runId, const std::string& mode, std::int64_t evaluations,
                           double value);

    sqlite3* db_;
    std::filesystem::path path_;
    std::map<std::int64_t, std::unique_ptr<RunLease>> leases_; // the runs this store holds
};

} // namespace dnas
