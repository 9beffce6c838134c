// MainWindow: starting, pausing and stopping a search, and the runner's events.
#include "views/main_window.h"

#include <fstream>

#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QStatusBar>

#include "chart/hypervolume_chart.h"
#include "chart/pareto_chart.h"
#include "models/run_records.h"
#include "views/budget_panel.h"
#include "views/run_panel.h"

namespace dnas::ui {

SearchJob MainWindow::job() const {
    SearchJob j;
    run_->fill(j);
    j.mcu = budget_->mcu();
    j.runtime = budget_->runtime();
    j.config.costMode = budget_->costMode();
    j.config.budgets = budget_->budgets();
    j.supernet = supernet_;
    j.supernetCacheDir = cacheDir_;
    if (calibrationImages_)
        j.config.eval.calibrationImages = *calibrationImages_;
    return j;
}

void MainWindow::start() {
    if (runner_->running())
        return;
    auto j = job();
    if (!j.store.empty())
        QDir().mkpath(QFileInfo(QString::fromStdString(j.store.string())).absolutePath());
    records_->clear();
    records_->setBudgets(j.config.budgets);
    hypervolume_->clear();
    run_->resetProgress();
    paused_ = false;
    if (!runner_->start(j))
        return;
    run_->setState(true, false);
    log(QStringLiteral("starting: %1 on %2, %3 evaluations per mode")
            .arg(QString::fromStdString(j.config.mode), QString::fromStdString(j.dataset))
            .arg(j.config.maxEvaluations));
    statusBar()->showMessage(QStringLiteral("Preparing the supernet..."));
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
        statusBar()->showMessage(QStringLiteral("Searching: run %1").arg(id));
    });
    connect(runner_, &SearchRunner::phase, run_, &RunPanel::showPhase);
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
    connect(runner_, &SearchRunner::logLine, this, &MainWindow::log);
    connect(runner_, &SearchRunner::finished, this, [this](qint64 id, bool stopped) {
        records_->flush();
        run_->setState(false, false);
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
        statusBar()->showMessage(QStringLiteral("Search failed"));
        log(QStringLiteral("error: ") + message);
        if (isVisible() && !property("quietErrors").toBool())
            QMessageBox::warning(this, QStringLiteral("Search"), message);
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
