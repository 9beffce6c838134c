#pragma once

#include <chrono>
#include <ostream>
#include <string>

namespace dnas::cli {

// Terminal progress: on a terminal one line redrawn in place at most every 0.2 s, otherwise
// (logs, CI) a full line every `plainInterval` seconds.
class ProgressPrinter {
public:
    ProgressPrinter(std::ostream& out, bool terminal, double plainIntervalSeconds = 10);
    // Prints `line` if it is time to; `force` prints it anyway (the last update).
    void update(const std::string& line, bool force = false);
    void log(const std::string& line);
    void finish();

    static std::string duration(double seconds); // "3m12s", "1h04m", "42s"

private:
    std::ostream& out_;
    bool terminal_;
    double interval_;
    std::chrono::steady_clock::time_point last_{};
    bool open_ = false;
};

} // namespace dnas::cli
