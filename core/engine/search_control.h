#pragma once

#include <condition_variable>
#include <mutex>
#include <stop_token>

namespace dnas {

// Pause and resume for a running search, shared between the thread that runs the engine and
// the one that controls it (the GUI). Stopping goes through the engine's std::stop_token.
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

private:
    mutable std::mutex mutex_;
    std::condition_variable_any changed_;
    bool paused_ = false;
};

} // namespace dnas
