// MainWindow: project files, recent projects and preferences.
#include "views/main_window.h"

#include <algorithm>

#include <QAction>
#include <QFileDialog>
#include <QFileInfo>
#include <QMenu>
#include <QMessageBox>
#include <QSettings>
#include <QStatusBar>

#include "common/error.h"
#include "models/project.h"
#include "models/run_records.h"
#include "space/search_space.h"
#include "views/budget_panel.h"
#include "views/preferences.h"
#include "views/run_panel.h"
#include "views/space_panel.h"

namespace dnas::ui {
namespace {

constexpr int kRecentProjects = 8;
const QString kRecentKey = QStringLiteral("projects/recent");

} // namespace

void MainWindow::checkApplicable(const SearchJob& j) const {
    const auto space = SearchSpace::load(j.space); // throws InputError naming it
    if (j.config.fixedData &&
        !space.check(Candidate{*j.config.fixedData, space.largest().arch}).empty())
        throw InputError("search.fixed_data",
                         "is not a data configuration of the space " + j.space);
    const auto& profiles = budget_->catalog().profiles();
    const auto it = std::find_if(profiles.begin(), profiles.end(),
                                 [&](const McuProfile& p) { return p.id == j.mcu; });
    if (it == profiles.end())
        throw InputError("mcu", "no MCU profile '" + j.mcu + "' on this machine");
    const auto* mcu = &*it;
    if (!j.runtime.empty() && !mcu->runtime(j.runtime))
        throw InputError("runtime", "'" + j.runtime + "' is not a runtime of " + j.mcu);
}

void MainWindow::applyJob(const SearchJob& j) {
    checkApplicable(j); // nothing changes when the job cannot be shown as it is
    run_->apply(j);
    space_->load(QString::fromStdString(j.space));
    space_->setFixedData(j.config.fixedData);
    budget_->setMcu(j.mcu);
    if (!j.runtime.empty())
        budget_->setRuntime(j.runtime);
    budget_->setCostMode(j.config.costMode);
    budget_->setBudgets(j.config.budgets);
    records_->setBudgets(budget_->budgets());
    if (!j.supernet.empty())
        supernet_ = j.supernet;
    // What the panels do not show (objectives, generations, time limit, evaluator) is kept
    // and goes into the next Start.
    baseConfig_ = j.config;
}

void MainWindow::openProject(const std::filesystem::path& path) {
    if (runner_->running())
        throw InputError(path.string(), "stop the running search before opening a project");
    const auto project = Project::load(path); // throws before anything changes
    applyJob(project.job);
    setProject(path);
    statusBar()->showMessage(
        QStringLiteral("Project %1").arg(QString::fromStdString(path.string())));
}

void MainWindow::saveProject(const std::filesystem::path& path) {
    Project project;
    // An edited space goes next to the project, so that the folder holds everything.
    project.job = job(QFileInfo(QString::fromStdString(path.string())).absolutePath());
    project.save(path); // throws InputError naming the file
    setProject(path);
    statusBar()->showMessage(QStringLiteral("Saved %1").arg(QString::fromStdString(path.string())));
}

void MainWindow::openProjectDialog() {
    const auto file = QFileDialog::getOpenFileName(
        this, QStringLiteral("Open a project"), QString(),
        QStringLiteral("DNAS Studio projects (*.dnasproj *.json);;All files (*)"));
    if (!file.isEmpty())
        openProjectReporting(file.toStdString());
}

void MainWindow::saveProjectDialog(bool askForName) {
    auto path = project_;
    if (askForName || path.empty()) {
        const auto file = QFileDialog::getSaveFileName(
            this, QStringLiteral("Save the project"), QStringLiteral("project.dnasproj"),
            QStringLiteral("DNAS Studio projects (*.dnasproj)"));
        if (file.isEmpty())
            return;
        path = file.toStdString();
    }
    try {
        saveProject(path);
    } catch (const std::exception& e) {
        reportError(QStringLiteral("Save the project"), QString::fromUtf8(e.what()));
    }
}

void MainWindow::openProjectReporting(const std::filesystem::path& path) {
    try {
        openProject(path);
    } catch (const std::exception& e) {
        reportError(QStringLiteral("Open a project"), QString::fromUtf8(e.what()));
    }
}

void MainWindow::reportError(const QString& title, const QString& text) {
    log(QStringLiteral("error: ") + text);
    statusBar()->showMessage(text);
    if (isVisible() && !property("quietErrors").toBool())
        QMessageBox::warning(this, title, text);
}

void MainWindow::setProject(const std::filesystem::path& path) {
    project_ = path;
    rememberProject(path);
    setWindowTitle(QStringLiteral("DNAS Studio - %1")
                       .arg(QFileInfo(QString::fromStdString(path.string())).fileName()));
}

QStringList MainWindow::recentProjects() const {
    return QSettings().value(kRecentKey).toStringList();
}

void MainWindow::rememberProject(const std::filesystem::path& path) {
    const auto file = QFileInfo(QString::fromStdString(path.string())).absoluteFilePath();
    auto recent = recentProjects();
    recent.removeAll(file);
    recent.prepend(file);
    while (recent.size() > kRecentProjects)
        recent.removeLast();
    QSettings().setValue(kRecentKey, recent);
    fillRecentMenu();
}

void MainWindow::fillRecentMenu() {
    recentMenu_->clear();
    const auto recent = recentProjects();
    for (int i = 0; i < recent.size(); ++i) {
        const auto& file = recent[i];
        auto* action = recentMenu_->addAction(
            QStringLiteral("&%1 %2").arg(i + 1).arg(QFileInfo(file).fileName()), this,
            [this, file] { openProjectReporting(file.toStdString()); });
        action->setToolTip(file);
        action->setEnabled(QFileInfo::exists(file));
    }
    recentMenu_->setEnabled(!recent.isEmpty());
}

void MainWindow::showPreferences() {
    PreferencesDialog dialog(preferences_, this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    setPreferences(dialog.value());
}

void MainWindow::setPreferences(const Preferences& p) {
    const bool paletteChanged = p.palette != preferences_.palette;
    preferences_ = p;
    preferences_.save();
    if (paletteChanged)
        applyPalette(p.palette);
}

} // namespace dnas::ui
