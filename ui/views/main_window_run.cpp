// MainWindow: starting, pausing and stopping a search, and the runner's events.
#include "views/main_window.h"

#include <fstream>

#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QStandardPaths>
#include <QStatusBar>

#include "chart/hypervolume_chart.h"
#include "chart/pareto_chart.h"
#include "chart/training_chart.h"
#include "common/error.h"
#include "data/dataset_loader.h"
#include "engine/search_config.h"
#include "engine/stored_run.h"
#include "models/run_records.h"
#include "views/budget_panel.h"
#include "views/candidate_detail.h"
#include "views/run_panel.h"
#include "views/space_panel.h"

namespace dnas::ui {

SearchJob MainWindow::job() const {
    // An edited space is written where the app keeps its data, so the run can be reopened.
    return job(QDir(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation))
                   .filePath(QStringLiteral("spaces")));
}

SearchJob MainWindow::job(const QString& spaceFolder) const {
    SearchJob j;
    if (baseConfig_)
        j.config = *baseConfig_;
    run_->fill(j);
    j.space = space_->spaceSpec(spaceFolder);
    j.config.fixedData = space_->fixedData();
    j.mcu = budget_->mcu();
    j.runtime = budget_->runtime();
    j.config.costMode = budget_->costMode();
    j.config.budgets = budget_->budgets();
    j.supernet = supernet_;
    // Stored with the run, so that it can be reopened and continued with the same inputs.
    j.config.inputs = {{"dataset", j.dataset}, {"space", j.space}, {"mcu", j.mcu}};
    if (!j.runtime.empty())
        j.config.inputs["runtime"] = j.runtime;
    if (!supernet_.empty())
        j.config.inputs["supernet"] = supernet_.string();
    j.supernetCacheDir = cacheDir_;
    j.threads = preferences_.threads;
    j.cacheBytes = static_cast<std::int64_t>(preferences_.cacheMiB) << 20;
    if (calibrationImages_)
        j.config.eval.calibrationImages = *calibrationImages_;
    return j;
}

void MainWindow::start() {
    if (runner_->running()) {
        statusBar()->showMessage(QStringLiteral("A search is running (or still closing)"));
        return;
    }
    if (!space_->space()) {
        const auto text = QStringLiteral("The search space is not valid: ") + space_->problems();
        statusBar()->showMessage(text);
        log(text);
        return;
    }
    auto j = job();
    if (!j.store.empty())
        QDir().mkpath(QFileInfo(QString::fromStdString(j.store.string())).absolutePath());
    records_->clear();
    records_->setBudgets(j.config.budgets);
    hypervolume_->clear();
    training_->clear();
    opened_.reset();
    if (launch(j))
        log(QStringLiteral("starting: %1 on %2, %3 evaluations per mode")
                .arg(QString::fromStdString(j.config.mode), QString::fromStdString(j.dataset))
                .arg(j.config.maxEvaluations));
}

bool MainWindow::launch(const SearchJob& j) {
    run_->resetProgress();
    paused_ = false;
    if (!runner_->start(j))
        return false;
    shownStore_ = j.store;
    run_->setState(true, false);
    space_->setEnabled(false);
    statusBar()->showMessage(QStringLiteral("Preparing the supernet..."));
    return true;
}

void MainWindow::continueRun() {
    if (runner_->running() || !opened_) {
        statusBar()->showMessage(QStringLiteral("Open a stored run first (File > Open run)"));
        return;
    }
    const auto& [path, runId] = *opened_;
    try {
        auto store = RunStore::open(path, RunStore::Access::ReadOnly);
        const auto info = store->run(runId);
        SearchJob j;
        j.store = path;
        j.resume = runId;
        j.config = storedConfig(info, path.string());
        SearchJob panel;
        run_->fill(panel);
        j.config.maxEvaluations = panel.config.maxEvaluations; // the new limit per mode
        const auto inputs = info.config.value("inputs", nlohmann::json::object());
        // Data options only the command line has: such a run is continued there.
        const bool cliData = !inputs.value("images", std::string()).empty() ||
                             inputs.value("holdout", DatasetOptions{}.validationHoldout) !=
                                 DatasetOptions{}.validationHoldout ||
                             inputs.value("train_subset", 0LL) != 0;
        if (cliData)
            throw InputError({{path.string(),
                               0,
                               {},
                               "run " + std::to_string(runId) +
                                   " was started by `dnas search` with --images, --holdout or "
                                   "--train-subset; continue it with `dnas search --resume " +
                                   std::to_string(runId) + "`"}});
        // The window shows the budgets the run goes on under (edits since opening are undone).
        budget_->setBudgets(j.config.budgets);
        records_->setBudgets(j.config.budgets);
        j.dataset = inputs.value("dataset", std::string("fashion-mnist"));
        j.space = inputs.value("space", std::string("demo"));
        j.mcu = inputs.value("mcu", std::string("stm32f746"));
        j.runtime = inputs.value("runtime", std::string());
        j.supernet = inputs.value("supernet", supernet_.string());
        j.supernetCacheDir = cacheDir_;
        j.threads = preferences_.threads;
        j.cacheBytes = static_cast<std::int64_t>(preferences_.cacheMiB) << 20;
        j.config.inputs = inputs;
        if (launch(j))
            log(QStringLiteral("continuing run %1 of %2 up to %3 evaluations per mode")
                    .arg(runId)
                    .arg(QString::fromStdString(path.string()))
                    .arg(j.config.maxEvaluations));
    } catch (const std::exception& e) {
        reportError(QStringLiteral("Continue run"), QString::fromUtf8(e.what()));
    }
}

void MainWindow::togglePause() {
    if (!runner_->running())
        return;
    paused_ = !paused_;
    if (paused_)
        runner_->pause();
    else
        runner_->resume();
    run_->setState(true, paused_);
    statusBar()->showMessage(paused_ ? QStringLiteral("Paused") : QStringLiteral("Searching"));
}

void MainWindow::stop() {
    if (!runner_->running())
        return;
    runner_->stop();
    statusBar()->showMessage(QStringLiteral("Stopping after the current candidate..."));
}

void MainWindow::connectRunner() {
    connect(runner_, &SearchRunner::runStarted, this, [this](qint64 id) {
        run_->showSupernetReady();
        if (training_->empty())
            training_->showNote(QStringLiteral(
                "No supernet training in this run: the supernet was loaded, not trained"));
        statusBar()->showMessage(QStringLiteral("Searching: run %1").arg(id));
    });
    connect(runner_, &SearchRunner::prepared, detail_, &CandidateDetail::setContext);
    connect(runner_, &SearchRunner::phase, run_, &RunPanel::showPhase);
    connect(runner_, &SearchRunner::trainingStep, training_, &TrainingChart::addStep);
    connect(runner_, &SearchRunner::progress, run_, &RunPanel::showProgress);
    connect(runner_, &SearchRunner::candidateEvaluated, records_,
            [this](const CandidateRecord& r, bool) { records_->append(r); });
    connect(runner_, &SearchRunner::hypervolume, this,
            [this](const QString& mode, qlonglong evaluations, double value) {
                hypervolume_->addPoint(mode.toStdString(), evaluations, value);
            });
    connect(runner_, &SearchRunner::budgetsChanged, this, [this](const Budgets& b) {
        budget_->setBudgets(b);
        records_->setBudgets(b);
    });
    connect(runner_, &SearchRunner::budgetsRefused, this,
            [this](const Budgets& kept, const QString& why) {
                budget_->setBudgets(kept); // the window shows what the run searches under
                records_->setBudgets(kept);
                statusBar()->showMessage(QStringLiteral("Budget refused: ") + why);
            });
    connect(runner_, &SearchRunner::logLine, this, &MainWindow::log);
    connect(runner_, &SearchRunner::finished, this, [this](qint64 id, bool stopped) {
        records_->flush();
        run_->setState(false, false);
        space_->setEnabled(true);
        const auto text =
            QStringLiteral("Run %1 %2: %3 candidates")
                .arg(id)
                .arg(stopped ? QStringLiteral("stopped (resumable)") : QStringLiteral("finished"))
                .arg(records_->size());
        statusBar()->showMessage(text);
        log(text);
    });
    connect(runner_, &SearchRunner::failed, this, [this](const QString& message) {
        run_->setState(false, false);
        space_->setEnabled(true);
        reportError(QStringLiteral("Search"), message);
        statusBar()->showMessage(QStringLiteral("Search failed: ") + message);
    });
}

void MainWindow::exportCsv() {
    const auto path = QFileDialog::getSaveFileName(this, QStringLiteral("Export candidates"),
                                                   QStringLiteral("candidates.csv"),
                                                   QStringLiteral("CSV (*.csv)"));
    if (path.isEmpty())
        return;
    std::ofstream out(path.toStdString());
    out << "id,mode,resolution,colour,width,accuracy,peak_sram_bytes,flash_bytes,latency_ms,"
           "macs,evaluated,feasible,frontier\n";
    for (std::size_t i = 0; i < records_->size(); ++i) {
        const auto& r = records_->at(i);
        out << r.id << ',' << r.mode << ',' << r.candidate.data.resolution << ','
            << toString(r.candidate.data.colour) << ',' << r.candidate.arch.width << ','
            << (r.evaluated ? std::to_string(r.accuracy) : "") << ',' << r.peakSramBytes << ','
            << r.flashBytes << ',' << r.latencyMs << ',' << r.macs << ',' << r.evaluated << ','
            << records_->feasible(i) << ',' << records_->onFrontier(i) << '\n';
    }
    out.close();
    if (!out)
        QMessageBox::warning(this, QStringLiteral("Export candidates"),
                             QStringLiteral("%1: cannot be written").arg(path));
}

} // namespace dnas::ui
