// The run lease: one process at a time holds a run; a dead holder's lease is taken over.
#include <csignal>
#include <ctime>
#include <sys/wait.h>
#include <unistd.h>
#include <utility>

#include <QtTest>

#include "common/error.h"
#include "space/search_space.h"
#include "store/lease_holder.h"
#include "store/run_store.h"
#include "support/candidate_records.h"
#include "support/image_fixtures.h"

using namespace dnas;
namespace fs = std::filesystem;

namespace {

// A forked child, killed and reaped when the test ends however it ends.
struct Child {
    pid_t pid = -1;
    ~Child() {
        if (pid > 0) {
            ::kill(pid, SIGKILL);
            waitpid(pid, nullptr, 0);
        }
    }
};

std::string hostName() {
    char name[256] = {};
    gethostname(name, sizeof name - 1);
    return name;
}

} // namespace

class TestRunLease : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void leaseHolderLiveness_data();
    void leaseHolderLiveness();
    void secondProcessIsRefusedAndKilledHolderTakenOver();

private:
    QTemporaryDir dir_;
};

void TestRunLease::leaseHolderLiveness_data() {
    QTest::addColumn<bool>("sameMachine");
    // 0: this process, 1: a reused pid, 2: no such process, 3: exited, not yet reaped (zombie)
    QTest::addColumn<int>("pidCase");
    QTest::addColumn<int>("expiresIn"); // seconds from now
    QTest::addColumn<bool>("alive");
    QTest::addRow("here, running") << true << 0 << -100 << true; // busy: expiry does not matter
    QTest::addRow("here, pid reused") << true << 1 << 100 << false;
    QTest::addRow("here, gone") << true << 2 << 100 << false;
    QTest::addRow("here, zombie") << true << 3 << 100 << false;
    QTest::addRow("elsewhere, renewed") << false << 2 << 30 << true;
    QTest::addRow("elsewhere, expired") << false << 0 << -1 << false;
}

// Same machine: the pid and its start time decide; another machine: the expiry.
void TestRunLease::leaseHolderLiveness() {
    QFETCH(bool, sameMachine);
    QFETCH(int, pidCase);
    QFETCH(int, expiresIn);
    QFETCH(bool, alive);
    auto holder = LeaseHolder::self();
    QVERIFY(!holder.machine.empty() && holder.startTicks > 0);
    if (pidCase == 1)
        holder.startTicks += 1; // another process that had this pid before
    if (pidCase == 2)
        holder.pid = 999999999; // above any pid_max
    Child zombie;
    if (pidCase == 3) {
        zombie.pid = fork();
        if (zombie.pid == 0)
            _exit(0);
        holder.pid = zombie.pid;
        const auto stat = "/proc/" + std::to_string(zombie.pid) + "/stat";
        auto state = [&] {
            const auto bytes = fixtures::readBytes(stat);
            return std::string(bytes.begin(), bytes.end());
        };
        QTRY_VERIFY(state().find(") Z ") != std::string::npos);
    }
    holder.expiresAt = std::time(nullptr) + expiresIn;
    const auto here = sameMachine ? LeaseHolder::self().machine : "another boot";
    QCOMPARE(holder.alive(here, std::time(nullptr)), alive);
}

// A second process is refused a run the first holds, naming it; once the first is killed
// (SIGKILL: no clean-up), its lease is taken over and the run continues.
void TestRunLease::secondProcessIsRefusedAndKilledHolderTakenOver() {
    const fs::path path = fs::path(dir_.path().toStdString()) / "lease.db";
    const auto space = SearchSpace::preset("demo");
    int ready[2];
    QCOMPARE(pipe(ready), 0);
    Child holder;
    holder.pid = fork();
    if (holder.pid == 0) {
        auto store = RunStore::open(path);
        const auto run = store->createRun({}, 5, "");
        auto r = fixtures::candidateRecord(run, 0, space.largest(), true);
        r.key = "largest";
        store->addCandidate(r);
        const char byte = 1;
        [[maybe_unused]] const auto n = ::write(ready[1], &byte, 1);
        for (;;)
            pause();
    }
    char byte = 0;
    QCOMPARE(::read(ready[0], &byte, 1), ssize_t{1});
    auto store = RunStore::open(path); // reading needs no lease
    const auto run = store->runs().at(0).id;
    QCOMPARE(store->candidates(run).size(), std::size_t{1});
    const std::string refusal = "run " + std::to_string(run) +
                                " is being searched by another process (pid " +
                                std::to_string(holder.pid) + " on host " + hostName() + ", since ";
    try {
        store->holdRun(run);
        QFAIL("a second process took a held run");
    } catch (const InputError& e) {
        const std::string text = e.what();
        QVERIFY2(text.find(refusal) != std::string::npos, e.what());
        QVERIFY2(text.find("Z); wait for it or stop it") != std::string::npos, e.what());
        QVERIFY(text.find('\n') == std::string::npos);
    }
    QVERIFY_THROWS_EXCEPTION(InputError, store->checkRunAvailable(run));
    auto next = fixtures::candidateRecord(run, 1, space.smallest(), true);
    next.key = "smallest";
    QVERIFY_THROWS_EXCEPTION(InputError, store->addCandidate(next)); // not its run to write
    store->setStatus(run, "failed");                                 // nor to end
    QCOMPARE(store->run(run).status, std::string("running"));

    ::kill(holder.pid, SIGKILL);
    QCOMPARE(waitpid(holder.pid, nullptr, 0), holder.pid);
    const pid_t killed = std::exchange(holder.pid, -1);
    store->checkRunAvailable(run);
    const auto previous = store->holdRun(run);
    QVERIFY(previous && previous->pid == killed);
    store->addCandidate(next);
    QCOMPARE(store->candidates(run).size(), std::size_t{2});
    // Held now by this process's store: another store (here: in the same process) is refused.
    {
        auto other = RunStore::open(path);
        try {
            other->holdRun(run);
            QFAIL("a second store took a held run");
        } catch (const InputError& e) {
            QVERIFY2(std::string(e.what()).find("(pid " + std::to_string(getpid())) !=
                         std::string::npos,
                     e.what());
        }
    }
    store->setStatus(run, "stopped"); // releases it
    auto later = RunStore::open(path);
    QVERIFY(!later->holdRun(run)); // nobody to take over from
    QCOMPARE(later->run(run).status, std::string("running"));
}

QTEST_APPLESS_MAIN(TestRunLease)
#include "tst_run_lease.moc"
