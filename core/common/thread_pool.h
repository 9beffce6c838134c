#pragma once

#include <condition_variable>
#include <cstddef>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace dnas {

// CPUs this process may run on (its affinity mask: taskset, cgroups cpusets), at least 1;
// std::thread::hardware_concurrency() counts every CPU of the machine instead.
int usableCpus();

// A fixed set of worker threads for data-parallel loops (image decoding and resizing).
// parallelFor() blocks the caller, which works too; calls from several threads are
// serialised. Not for long-running tasks: the engine's search owns its own thread.
class ThreadPool {
public:
    // `threads` <= 0: one per usable CPU (usableCpus()). The calling thread counts as one.
    explicit ThreadPool(int threads = 0);
    ~ThreadPool();
    ThreadPool(const ThreadPool&) = delete;
    ThreadPool& operator=(const ThreadPool&) = delete;

    int threads() const { return static_cast<int>(workers_.size()) + 1; }

    // Runs body(i) for every i in [0, n), spread over the pool; returns when all are done.
    // The first exception thrown by a body is rethrown here (the others are dropped).
    void parallelFor(std::size_t n, const std::function<void(std::size_t)>& body);

private:
    void workerLoop();
    void runItems(std::unique_lock<std::mutex>& lock);

    std::vector<std::thread> workers_;
    std::mutex callMutex_; // one parallelFor at a time
    std::mutex mutex_;
    std::condition_variable wake_;
    std::condition_variable done_;
    const std::function<void(std::size_t)>* body_ = nullptr;
    std::size_t count_ = 0;
    std::size_t next_ = 0;
    std::size_t finished_ = 0;
    std::size_t generation_ = 0;
    int busy_ = 0;
    bool stop_ = false;
    std::exception_ptr error_;
};

} // namespace dnas
