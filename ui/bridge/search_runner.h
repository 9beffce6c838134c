#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include <QObject>
#include <QString>
#include <QVector>

#include "engine/search_config.h"
#include "engine/search_control.h"

#include "cost/mcu_profile.h"
#include "space/search_space.h"

namespace dnas::ui {

// What the window needs to draw and cost a run's candidates: its space, class names, MCU,
// runtime and cost mode (published once a search has loaded its inputs).
struct RunContext {
    SearchSpace space;
    std::vector<std::string> classes;
    McuProfile mcu;
    std::string runtime; // id
    CostMode costMode = CostMode::Tflm;
};
using RunContextPtr = std::shared_ptr<const RunContext>;

} // namespace dnas::ui

Q_DECLARE_METATYPE(dnas::CandidateRecord)
Q_DECLARE_METATYPE(dnas::Budgets)
Q_DECLARE_METATYPE(dnas::ui::RunContextPtr)

namespace dnas::ui {

// Everything a search needs, as the window collects it.
struct SearchJob {
    SearchConfig config;
    std::string dataset = "fashion-mnist:binary"; // a built-in name, folder or CSV
    std::string space = "demo";                   // preset or file
    std::filesystem::path supernet;               // empty: the cached one, trained first
    std::filesystem::path supernetCacheDir;       // empty: the default cache
    std::string mcu = "stm32f746";
    std::string runtime; // empty: the MCU's default
    std::filesystem::path store;
    std::optional<std::int64_t> resume;
    int threads = 0;                     // LibTorch and decoding threads; <= 0: one per core
    std::int64_t cacheBytes = 2LL << 30; // decoded images kept in memory
};

// Runs a search on a worker thread - supernet preparation (trained when none is cached) and
// SearchEngine::run - and turns the engine's observer events into signals. The signals are
// emitted on the worker thread, so Qt queues them to receivers living in the GUI thread: the
// window never waits for the engine. Pause, resume, budget changes and stop reach the engine
// between candidates.
class SearchRunner : public QObject {
    Q_OBJECT
public:
    explicit SearchRunner(QObject* parent = nullptr);
    ~SearchRunner() override; // stops a running search and waits for it

    // Starts `job`; false (and nothing happens) while a search is running.
    bool start(SearchJob job);
    bool running() const { return running_.load(); }
    void pause();
    void resume();
    bool paused() const;
    // Stops after the current candidate (or training step); `finished(run, true)` follows.
    void stop();
    // Adopted by the engine before its next candidate (see SearchControl::setBudgets).
    void setBudgets(const Budgets& budgets);

Q_SIGNALS:
    void prepared(const dnas::ui::RunContextPtr& context);
    void runStarted(qint64 runId);
    void phase(const QString& name, qlonglong done, qlonglong total, double etaSeconds);
    // A supernet training step: loss; largest / smallest subnet accuracy (NaN between probes).
    void trainingStep(qlonglong step, qlonglong totalSteps, double loss, double largestAccuracy,
                      double smallestAccuracy);
    void progress(const QString& mode, qlonglong evaluations, qlonglong planned, double etaSeconds);
    void candidateEvaluated(const dnas::CandidateRecord& record, bool onFrontier);
    void frontier(const QString& mode, const QVector<dnas::CandidateRecord>& front);
    void hypervolume(const QString& mode, qlonglong evaluations, double value);
    void budgetsChanged(const dnas::Budgets& budgets);
    void budgetsRefused(const dnas::Budgets& kept, const QString& why);
    void logLine(const QString& line);
    void finished(qint64 runId, bool stopped);
    void failed(const QString& message);

private:
    void work(SearchJob job, std::stop_token stop);

    SearchControl control_;
    std::atomic<bool> running_{false};
    std::jthread worker_;
};

} // namespace dnas::ui
