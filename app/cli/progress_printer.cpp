#include "cli/progress_printer.h"

#include <cstdio>

namespace dnas::cli {

ProgressPrinter::ProgressPrinter(std::ostream& out, bool terminal, double plainIntervalSeconds)
    : out_(out)
    , terminal_(terminal)
    , interval_(terminal ? 0.2 : plainIntervalSeconds) {}

void ProgressPrinter::update(const std::string& line, bool force) {
    const auto now = std::chrono::steady_clock::now();
    if (!force && last_ != std::chrono::steady_clock::time_point{} &&
        std::chrono::duration<double>(now - last_).count() < interval_)
        return;
    last_ = now;
    if (terminal_) {
        out_ << '\r' << line << "\x1b[K" << std::flush;
        open_ = true;
    } else {
        out_ << line << '\n' << std::flush;
    }
}

void ProgressPrinter::log(const std::string& line) {
    finish();
    out_ << line << '\n' << std::flush;
}

void ProgressPrinter::finish() {
    if (open_) {
        out_ << '\n';
        open_ = false;
    }
}

std::string ProgressPrinter::duration(double seconds) {
    char buf[32];
    const auto s = static_cast<long long>(seconds + 0.5);
    if (s < 60)
        std::snprintf(buf, sizeof buf, "%llds", s);
    else if (s < 3600)
        std::snprintf(buf, sizeof buf, "%lldm%02llds", s / 60, s % 60);
    else
        std::snprintf(buf, sizeof buf, "%lldh%02lldm", s / 3600, (s % 3600) / 60);
    return buf;
}

} // namespace dnas::cli
