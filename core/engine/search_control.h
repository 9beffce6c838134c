#pragma once

#include <condition_variable>
#include <mutex>
#include <optional>
#include <stop_token>

#include "cost/cost_report.h"

namespace dnas {

// Pause, resume and budget changes for a running search, shared between the thread that runs
// the engine and the one that controls it (the GUI). Stopping goes through the engine's
// std::stop_token.
class SearchControl {
public:
    void pause() {
        std::lock_guard lock(mutex_);
        paused_ = true;
    }
    void resume() {
        {
            std::lock_guard lock(mutex_);
            paused_ = false;
        }
        changed_.notify_all();
    }
    bool paused() const {
        std::lock_guard lock(mutex_);
        return paused_;
    }
    // Called by the engine between candidates: blocks while paused, returns at once when
    // `stop` is requested.
    void waitWhilePaused(std::stop_token stop) {
        std::unique_lock lock(mutex_);
        changed_.wait(lock, stop, [this] { return !paused_; });
    }

    // New budgets, adopted by the engine before its next candidate: fronts and populations are
    // re-scored from the stored costs, nothing is evaluated again. The engine refuses (with a
    // log line) budgets that not even the space's smallest network meets.
    void setBudgets(const Budgets& budgets) {
        std::lock_guard lock(mutex_);
        budgets_ = budgets;
    }
    std::optional<Budgets> takeBudgets() {
        std::lock_guard lock(mutex_);
        auto b = budgets_;
        budgets_.reset();
        return b;
    }

private:
    mutable std::mutex mutex_;
    std::condition_variable_any changed_;
    bool paused_ = false;
    std::optional<Budgets> budgets_;
};

} // namespace dnas
