#include "bridge/search_runner.h"

#include <algorithm>

#include "common/error.h"
#include "common/torch_info.h"
#include "cost/mcu_catalog.h"
#include "data/dataset_loader.h"
#include "data/image_cache.h"
#include "engine/search_engine.h"
#include "engine/search_session.h"
#include "space/search_space.h"
#include "store/run_store.h"

namespace dnas::ui {
namespace {

QString q(const std::string& text) {
    return QString::fromStdString(text);
}

// The engine's observer: forwards every event as a signal of the runner.
class SignalObserver : public SearchObserver {
public:
    explicit SignalObserver(SearchRunner& runner)
        : r_(runner) {}
    void runStarted(std::int64_t runId, const SearchConfig&) override {
        Q_EMIT r_.runStarted(runId);
    }
    void phase(const std::string& name, long long done, long long total, double eta) override {
        Q_EMIT r_.phase(q(name), done, total, eta);
    }
    void trainingStep(const TrainingPoint& p) override {
        Q_EMIT r_.trainingStep(p.step, p.totalSteps, p.loss, p.largestAccuracy, p.smallestAccuracy);
    }
    void progress(const std::string& mode, long long evaluations, long long planned,
                  double eta) override {
        Q_EMIT r_.progress(q(mode), evaluations, planned, eta);
    }
    void candidateEvaluated(const CandidateRecord& record, bool onFrontier) override {
        Q_EMIT r_.candidateEvaluated(record, onFrontier);
    }
    void frontier(const std::string& mode, const std::vector<CandidateRecord>& front) override {
        Q_EMIT r_.frontier(q(mode), QVector<CandidateRecord>(front.begin(), front.end()));
    }
    void hypervolume(const std::string& mode, long long evaluations, double value) override {
        Q_EMIT r_.hypervolume(q(mode), evaluations, value);
    }
    void budgetsChanged(const Budgets& budgets) override { Q_EMIT r_.budgetsChanged(budgets); }
    void budgetsRefused(const Budgets& kept, const std::string& why) override {
        Q_EMIT r_.budgetsRefused(kept, q(why));
    }
    void log(const std::string& line) override { Q_EMIT r_.logLine(q(line)); }
    void finished(std::int64_t runId, bool stopped) override { Q_EMIT r_.finished(runId, stopped); }
    // failed() is emitted by the runner, which also sees errors from before the engine starts.

private:
    SearchRunner& r_;
};

} // namespace

SearchRunner::SearchRunner(QObject* parent)
    : QObject(parent) {
    qRegisterMetaType<dnas::CandidateRecord>();
    qRegisterMetaType<QVector<dnas::CandidateRecord>>();
    qRegisterMetaType<dnas::Budgets>();
    qRegisterMetaType<dnas::ui::RunContextPtr>();
}

SearchRunner::~SearchRunner() {
    if (worker_.joinable()) {
        worker_.request_stop();
        control_.resume();
        worker_.join();
    }
}

bool SearchRunner::start(SearchJob job) {
    if (running_.exchange(true))
        return false;
    if (worker_.joinable())
        worker_.join(); // the previous search has finished; collect its thread
    control_.resume();
    worker_ = std::jthread([this, job = std::move(job)](std::stop_token stop) mutable {
        work(std::move(job), stop);
        running_ = false;
    });
    return true;
}

void SearchRunner::pause() {
    control_.pause();
}

void SearchRunner::resume() {
    control_.resume();
}

bool SearchRunner::paused() const {
    return control_.paused();
}

void SearchRunner::stop() {
    worker_.request_stop();
}

void SearchRunner::setBudgets(const Budgets& budgets) {
    control_.setBudgets(budgets);
}

void SearchRunner::work(SearchJob job, std::stop_token stop) {
    try {
        const auto space = SearchSpace::load(job.space);
        const auto dataset = loadDataset(job.dataset);
        // The window asks for at most so many validation images per evaluation.
        job.config.eval.valSubset =
            std::min(job.config.eval.valSubset, dataset->count(Split::Validation));
        // Set on this thread, which runs the engine's LibTorch work (OpenMP keeps the
        // setting per calling thread).
        setTorchThreads(job.threads);
        ImageCache cache(dataset, {job.cacheBytes, {}, job.threads});
        auto store = RunStore::open(job.store);
        SearchSetup setup;
        setup.space = &space;
        setup.dataset = dataset;
        setup.cache = &cache;
        setup.mcu = McuCatalog::load().find(job.mcu);
        setup.runtime = job.runtime;
        auto context = std::make_shared<RunContext>(RunContext{
            space, dataset->classes, setup.mcu,
            job.runtime.empty() ? setup.mcu.defaultRuntime : job.runtime, job.config.costMode});
        Q_EMIT prepared(context);
        setup.supernet.checkpoint = job.supernet;
        if (!job.supernetCacheDir.empty())
            setup.supernet.cacheDir = job.supernetCacheDir;
        setup.store = store.get();
        setup.control = &control_;
        setup.resume = job.resume;
        SignalObserver observer(*this);
        if (!runSearchSession(job.config, setup, observer, stop).runId)
            Q_EMIT finished(0, true); // stopped while training the supernet
    } catch (const InputError& e) {
        QString text;
        for (const auto& p : e.problems())
            text += (text.isEmpty() ? QString() : QStringLiteral("\n")) + q(p.toString());
        Q_EMIT failed(text);
    } catch (const std::exception& e) {
        Q_EMIT failed(q(e.what()));
    }
}

} // namespace dnas::ui
