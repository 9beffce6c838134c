#pragma once

#include <cstdio>
#include <functional>
#include <map>
#include <stop_token>
#include <string>

#include "cli/progress_printer.h"
#include "engine/search_engine.h"

namespace dnas::cli {

// A running search on a terminal or in a log: one progress line per mode (evaluations, front
// size as of the last generation, hypervolume, screened-out count, ETA), phase progress
// (supernet training) and the engine's log lines.
class SearchProgress : public SearchObserver {
public:
    // `interrupted` (e.g. a Ctrl-C flag) is polled after every candidate; when it turns true,
    // `stop` is requested.
    SearchProgress(ProgressPrinter& printer, std::function<bool()> interrupted = {},
                   std::stop_source* stop = nullptr)
        : printer_(printer)
        , interrupted_(std::move(interrupted))
        , stop_(stop) {}

    void runStarted(std::int64_t runId, const SearchConfig& c) override {
        printer_.log("run " + std::to_string(runId) + ": mode " + c.mode + ", strategy " +
                     c.strategy.name);
    }
    void candidateEvaluated(const CandidateRecord& r, bool) override {
        if (stop_ && interrupted_ && interrupted_() && !stop_->stop_requested()) {
            printer_.log("interrupted: stopping after this candidate (continue with --resume)");
            stop_->request_stop();
        }
        screened_[r.mode] += r.evaluated ? 0 : 1;
    }
    void hypervolume(const std::string& mode, long long, double value) override {
        hv_[mode] = value;
    }
    void frontier(const std::string& mode, const std::vector<CandidateRecord>& front) override {
        fronts_[mode] = front.size();
    }
    void progress(const std::string& mode, long long evaluations, long long planned,
                  double eta) override {
        char line[200];
        std::snprintf(
            line, sizeof line, "[%s] %lld%s evaluations  front %zu  HV %.4f  screened out %lld%s%s",
            mode.c_str(), evaluations, planned > 0 ? ("/" + std::to_string(planned)).c_str() : "",
            fronts_[mode], hv_[mode], screened_[mode], planned > 0 ? "  ETA " : "",
            planned > 0 ? ProgressPrinter::duration(eta).c_str() : "");
        printer_.update(line);
    }
    void log(const std::string& text) override { printer_.log(text); }
    void phase(const std::string& name, long long done, long long total, double eta) override {
        char line[160];
        std::snprintf(line, sizeof line, "%s: step %lld/%lld  ETA %s", name.c_str(), done, total,
                      ProgressPrinter::duration(eta).c_str());
        printer_.update(line, done == total);
        if (done == total)
            printer_.finish();
    }

private:
    ProgressPrinter& printer_;
    std::function<bool()> interrupted_;
    std::stop_source* stop_;
    std::map<std::string, std::size_t> fronts_;
    std::map<std::string, double> hv_;
    std::map<std::string, long long> screened_; // this session's, per mode
};

} // namespace dnas::cli
