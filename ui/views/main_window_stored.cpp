// MainWindow: stored runs - reopened as they were live, or drawn next to the shown run.
#include "views/main_window.h"

#include <QFileDialog>
#include <QInputDialog>
#include <QMessageBox>
#include <QStatusBar>

#include "chart/hypervolume_chart.h"
#include "chart/pareto_chart.h"
#include "chart/training_chart.h"
#include "common/error.h"
#include "engine/stored_run.h"
#include "models/run_records.h"
#include "store/run_store.h"
#include "views/budget_panel.h"
#include "views/candidate_detail.h"
#include "views/run_panel.h"
#include "views/space_panel.h"

namespace dnas::ui {

void MainWindow::openRun(const std::filesystem::path& path, std::int64_t runId) {
    auto store = RunStore::open(path, RunStore::Access::ReadOnly);
    const auto info = store->run(runId);
    const auto config = storedConfig(info, path.string());
    auto candidates = store->candidates(runId);
    const auto inputs = info.config.value("inputs", nlohmann::json::object());
    const auto mcu = inputs.value("mcu", std::string("stm32f746"));
    if (!budget_->setMcu(mcu))
        log(QStringLiteral("%1: the run's MCU %2 is not among the profiles; its figures are shown "
                           "as stored, the detail's per-layer costs use %3")
                .arg(QString::fromStdString(path.string()), QString::fromStdString(mcu),
                     QString::fromStdString(budget_->mcu())));
    space_->load(QString::fromStdString(inputs.value("space", std::string("demo"))));
    space_->setFixedData(config.fixedData);
    budget_->setBudgets(config.budgets);
    // Class names are the dataset's; a reopened run is not made to load its dataset.
    std::size_t classes = 0;
    for (const auto& r : candidates)
        if (r.evaluated)
            classes = std::max(
                classes, r.metrics.value("per_class_accuracy", nlohmann::json::array()).size());
    try {
        auto context = std::make_shared<RunContext>();
        context->space = SearchSpace::load(inputs.value("space", std::string("demo")));
        for (std::size_t c = 0; c < classes; ++c)
            context->classes.push_back("class " + std::to_string(c));
        context->mcu = budget_->profile();
        context->runtime = inputs.value("runtime", context->mcu.defaultRuntime);
        context->costMode = config.costMode;
        detail_->setContext(context);
    } catch (const std::exception& e) {
        detail_->setContext(nullptr); // costs per layer need the space
        log(QStringLiteral("%1: the run's space cannot be loaded (%2); the detail shows "
                           "stored figures only")
                .arg(QString::fromStdString(path.string()), QString::fromUtf8(e.what())));
    }
    records_->assign(std::move(candidates), config.budgets, config.objectives);
    training_->clear();
    training_->showNote(QStringLiteral("Training curves are shown while a supernet trains"));
    hypervolume_->clear();
    for (const std::string mode : {"dnas", "hwnas"})
        for (const auto& [evaluations, value] : store->hypervolumes(runId, mode))
            hypervolume_->addPoint(mode, evaluations, value);
    run_->setStore(QString::fromStdString(path.string()));
    opened_ = std::make_pair(path, runId);
    shownStore_ = path;
    const auto text = QStringLiteral("Run %1 of %2: %3, %4 evaluations, created %5")
                          .arg(runId)
                          .arg(QString::fromStdString(path.string()))
                          .arg(QString::fromStdString(info.status))
                          .arg(info.evaluations)
                          .arg(QString::fromStdString(info.created));
    statusBar()->showMessage(text);
    log(text);
}

std::optional<std::pair<std::filesystem::path, std::int64_t>>
MainWindow::chooseRun(const QString& title) {
    const auto file = QFileDialog::getOpenFileName(
        this, title, QString(), QStringLiteral("Run stores (*.db);;All files (*)"));
    if (file.isEmpty())
        return std::nullopt;
    try {
        auto store = RunStore::open(file.toStdString(), RunStore::Access::ReadOnly);
        const auto runs = store->runs();
        if (runs.empty())
            throw InputError({{file.toStdString(), 0, {}, "holds no run"}});
        QStringList items;
        for (const auto& r : runs)
            items << QStringLiteral("run %1: %2, %3 evaluations, %4")
                         .arg(r.id)
                         .arg(QString::fromStdString(r.config.value("mode", std::string("dnas"))))
                         .arg(r.evaluations)
                         .arg(QString::fromStdString(r.status));
        bool ok = runs.size() == 1;
        QString choice = items.front();
        if (!ok)
            choice = QInputDialog::getItem(this, title, QStringLiteral("Run"), items,
                                           items.size() - 1, false, &ok);
        if (!ok)
            return std::nullopt;
        return std::make_pair(std::filesystem::path(file.toStdString()),
                              runs[static_cast<std::size_t>(items.indexOf(choice))].id);
    } catch (const std::exception& e) {
        reportError(title, QString::fromUtf8(e.what()));
        return std::nullopt;
    }
}

void MainWindow::openRunDialog() {
    if (runner_->running()) {
        statusBar()->showMessage(QStringLiteral("Stop the running search before opening a run"));
        return;
    }
    if (const auto run = chooseRun(QStringLiteral("Open a run"))) {
        try {
            openRun(run->first, run->second);
        } catch (const std::exception& e) {
            reportError(QStringLiteral("Open a run"), QString::fromUtf8(e.what()));
        }
    }
}

void MainWindow::compareRunDialog() {
    if (const auto run = chooseRun(QStringLiteral("Compare with a run"))) {
        try {
            compareWithRun(run->first, run->second);
        } catch (const std::exception& e) {
            reportError(QStringLiteral("Compare with a run"), QString::fromUtf8(e.what()));
        }
    }
}

void MainWindow::compareWithRun(const std::filesystem::path& path, std::int64_t runId) {
    auto store = RunStore::open(path, RunStore::Access::ReadOnly);
    const auto info = store->run(runId);
    const auto config = storedConfig(info, path.string());
    // Under the shown run's budgets and objectives, so that both frontiers answer the same
    // question (and follow a dragged budget line together).
    reference_->assign(store->candidates(runId), records_->budgets(), records_->objectives());
    const auto name = QStringLiteral("run %1 of %2")
                          .arg(runId)
                          .arg(QString::fromStdString(path.filename().string()));
    chart_->setReference(reference_, name);
    const auto text =
        QStringLiteral("Compared with %1 (%2, %3 evaluations, budgets when stored: %4)")
            .arg(name, QString::fromStdString(config.mode))
            .arg(info.evaluations)
            .arg(QString::fromStdString(describe(config.budgets)));
    statusBar()->showMessage(text);
    log(text);
}

void MainWindow::clearComparison() {
    chart_->setReference(nullptr, {});
    reference_->clear();
}

} // namespace dnas::ui
