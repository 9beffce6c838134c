#include "common/thread_pool.h"

#include <algorithm>
#include <utility>

#include <sched.h>

namespace dnas {

int usableCpus() {
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof set, &set) == 0)
        return std::max(1, CPU_COUNT(&set));
    return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

ThreadPool::ThreadPool(int threads) {
    if (threads <= 0)
        threads = usableCpus();
    for (int i = 1; i < threads; ++i)
        workers_.emplace_back([this] { workerLoop(); });
}

ThreadPool::~ThreadPool() {
    {
        std::lock_guard lock(mutex_);
        stop_ = true;
    }
    wake_.notify_all();
    for (auto& t : workers_)
        t.join();
}

void ThreadPool::runItems(std::unique_lock<std::mutex>& lock) {
    // `lock` holds mutex_; it is released while an item runs.
    while (next_ < count_) {
        const std::size_t i = next_++;
        const auto* body = body_;
        lock.unlock();
        std::exception_ptr failure;
        try {
            (*body)(i);
        } catch (...) {
            failure = std::current_exception();
        }
        lock.lock();
        if (failure && !error_)
            error_ = failure;
        ++finished_;
    }
}

void ThreadPool::workerLoop() {
    std::size_t seen = 0;
    std::unique_lock lock(mutex_);
    for (;;) {
        wake_.wait(lock, [&] { return stop_ || generation_ != seen; });
        if (stop_)
            return;
        seen = generation_;
        ++busy_;
        runItems(lock);
        --busy_;
        done_.notify_all();
    }
}

void ThreadPool::parallelFor(std::size_t n, const std::function<void(std::size_t)>& body) {
    if (n == 0)
        return;
    std::lock_guard call(callMutex_);
    std::unique_lock lock(mutex_);
    body_ = &body;
    count_ = n;
    next_ = 0;
    finished_ = 0;
    error_ = nullptr;
    ++generation_;
    wake_.notify_all();
    runItems(lock);
    // Wait until every item ran and no worker still holds a pointer to `body`.
    done_.wait(lock, [&] { return finished_ == count_ && busy_ == 0; });
    body_ = nullptr;
    if (error_)
        std::rethrow_exception(std::exchange(error_, nullptr));
}

} // namespace dnas
