// tuneMalloc(): freed large blocks stay in the process and are reused, also on a worker thread.
// Measured by the kernel's count of page faults: with glibc's default each large block is
// mapped afresh, and every page of it faults in again when it is written (the first round
// does so in any case). tuneMalloc() runs first thing in main(), as in both binaries: glibc
// gives a thread that allocated before it its own arena, whose large blocks are mapped
// whatever the settings.

#include <cstdlib>
#include <cstring>
#include <thread>
#include <vector>

#include <QtTest>

#include <sys/resource.h>

#include "common/malloc_tuning.h"

using namespace dnas;

namespace {

long minorFaults() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return u.ru_minflt;
}

// Page faults of each of `rounds` rounds of allocating, writing and freeing a 96 MiB block on
// a worker thread, as a batch's activations are.
std::vector<long> faultsPerRound(int rounds) {
    constexpr std::size_t kBytes = 96u << 20;
    std::vector<long> faults;
    std::thread([&] {
        for (int r = 0; r < rounds; ++r) {
            const long before = minorFaults();
            auto* block = static_cast<char*>(std::malloc(kBytes));
            if (!block)
                return;
            std::memset(block, r + 1, kBytes);
            asm volatile("" : : "r"(block) : "memory"); // the writes happen: not optimised out
            std::free(block);
            faults.push_back(minorFaults() - before);
        }
    }).join();
    return faults;
}

} // namespace

class TestMallocTuning : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void tunedMallocReusesFreedBlocks();
};

void TestMallocTuning::tunedMallocReusesFreedBlocks() {
    QVERIFY(mallocTuned());
    const auto faults = faultsPerRound(5);
    QCOMPARE(faults.size(), std::size_t{5});
    long later = 0;
    for (std::size_t r = 1; r < faults.size(); ++r)
        later += faults[r];
    qInfo("page faults of a 96 MiB block: %ld in the first round, %ld in the 4 rounds after",
          faults[0], later);
    // The first round touches 96 MiB of fresh pages: 24,576 faults of 4 KiB pages (48 with
    // 2 MiB huge pages); glibc's default faults as much again in every later round.
    QVERIFY2(faults[0] >= 48, qPrintable(QString::number(faults[0])));
    QVERIFY2(later * 10 <= faults[0],
             qPrintable(QStringLiteral("%1 later vs %2 first").arg(later).arg(faults[0])));
    releaseFreeMemory(); // the heap can still be given back
}

int main(int argc, char** argv) {
    tuneMalloc(); // before any thread, as dnas and dnas-studio do
    QCoreApplication app(argc, argv);
    TestMallocTuning test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_malloc_tuning.moc"
