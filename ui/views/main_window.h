#pragma once

#include <optional>

#include <QMainWindow>

#include "bridge/search_runner.h"
#include "cost/mcu_catalog.h"
#include "views/preferences.h"

QT_BEGIN_NAMESPACE
class QCheckBox;
class QComboBox;
class QLabel;
class QMenu;
class QPlainTextEdit;
class QTableView;
class QTabWidget;
QT_END_NAMESPACE

namespace dnas::ui {

class BudgetPanel;
class CandidateDetail;
class CandidateFilter;
class CandidateTableModel;
class ExportDialog;
class HypervolumeChart;
class ParetoChart;
class RunPanel;
class RunRecords;
class SpacePanel;
class TrainingChart;

// DNAS Studio's main window: the live Pareto chart in the centre (a tab beside it races the
// two modes' hypervolumes), docks for the budget, the run and the candidates table, and the
// log. One document (RunRecords) feeds chart and table; the search runs on the SearchRunner's
// worker thread and reaches the window through queued signals only. Dock layout and window
// geometry are remembered (QSettings).
class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(McuCatalog catalog, QWidget* parent = nullptr);
    ~MainWindow() override;

    // What Start would run: the panels' settings, with these overrides for tests and the
    // demo (empty: the defaults).
    SearchJob job() const;
    void setSupernet(const std::filesystem::path& checkpoint) { supernet_ = checkpoint; }
    void setSupernetCacheDir(const std::filesystem::path& dir) { cacheDir_ = dir; }
    void setCalibrationImages(std::size_t n) { calibrationImages_ = n; }

    RunPanel* runPanel() const { return run_; }
    BudgetPanel* budgetPanel() const { return budget_; }
    SpacePanel* spacePanel() const { return space_; }
    ParetoChart* chart() const { return chart_; }
    HypervolumeChart* hypervolumeChart() const { return hypervolume_; }
    TrainingChart* trainingChart() const { return training_; }
    QTableView* table() const { return table_; }
    RunRecords* records() const { return records_; }
    CandidateDetail* detail() const { return detail_; }
    SearchRunner* runner() const { return runner_; }

    // Shows run `runId` of the store at `path` as it was live: its candidates, frontiers under
    // its latest budgets, hypervolume race and (when its space can be loaded) the detail.
    // Throws InputError for a store or run that cannot be read.
    void openRun(const std::filesystem::path& path, std::int64_t runId);
    // Draws run `runId`'s frontiers next to the shown run's, on the same chart, under the
    // shown run's budgets (a dragged budget re-filters both). Throws InputError for a store
    // or run that cannot be read.
    void compareWithRun(const std::filesystem::path& path, std::int64_t runId);
    void clearComparison();
    const RunRecords* comparedRun() const { return reference_; }

    // Projects: the panels' set-up as a JSON file (see Project). openProject throws InputError
    // and changes nothing when the file is not a valid project; both remember the file among
    // the recent projects.
    void openProject(const std::filesystem::path& path);
    void saveProject(const std::filesystem::path& path);
    const std::filesystem::path& projectPath() const { return project_; }
    QStringList recentProjects() const;
    // Shows a search's set-up in the panels (a project's, say).
    void applyJob(const SearchJob& job);

    const Preferences& preferences() const { return preferences_; }
    void setPreferences(const Preferences& preferences); // saved and applied

public Q_SLOTS:
    void start();
    void openRunDialog();
    void compareRunDialog();
    void openProjectDialog();
    void saveProjectDialog(bool askForName);
    void showPreferences();
    // Continues the run shown by openRun() with its stored configuration and inputs, up to
    // the Run dock's evaluations per mode; the candidates already shown stay.
    void continueRun();
    void togglePause();
    void stop();
    void selectRow(std::size_t row);
    // File > Export selected candidates: the table's selected rows (or the chart's selected
    // point) of the shown run, in an ExportDialog (a child of the window, deleted on close).
    void exportSelected();
    // The Export dialog for the shown run's candidates with these store ids (nullptr, and a
    // status message, when none of them is shown or the run is not in a store).
    ExportDialog* exportCandidates(const std::vector<std::int64_t>& ids);
    // Brings the centre view whose tab title starts with `title` to the front ("Supernet
    // training", "Hypervolume race", "Pareto frontier"); false when there is none.
    bool showView(const QString& title);

protected:
    void closeEvent(QCloseEvent* event) override;
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    QWidget* makeChartPage();
    void makeDocks();
    void makeMenus();
    void connectRunner();
    void applyBudgets(const Budgets& budgets, bool toEngine);
    void exportChart();
    void exportCsv();
    void log(const QString& line);
    bool launch(const SearchJob& job); // starts `job`; false while a search runs
    void showDetail(std::optional<std::size_t> row);
    void openProjectReporting(const std::filesystem::path& path);
    // Throws InputError when `job`'s space, HW-NAS data configuration, MCU or runtime cannot
    // be shown by the panels.
    void checkApplicable(const SearchJob& job) const;
    // A store and one of its runs chosen by the user; nullopt when cancelled or unreadable
    // (reported).
    std::optional<std::pair<std::filesystem::path, std::int64_t>> chooseRun(const QString& title);
    void reportError(const QString& title, const QString& text);
    void rememberProject(const std::filesystem::path& path);
    void setProject(const std::filesystem::path& path); // the window's project from now on
    // job() with an edited space written into `spaceFolder`.
    SearchJob job(const QString& spaceFolder) const;
    void fillRecentMenu();
    std::vector<CandidateRecord> selectedCandidates() const;
    ExportDialog* openExportDialog(std::vector<CandidateRecord> candidates);

    RunRecords* records_ = nullptr;
    RunRecords* reference_ = nullptr; // a stored run drawn next to records_ (compareWithRun)
    SearchRunner* runner_ = nullptr;
    ParetoChart* chart_ = nullptr;
    HypervolumeChart* hypervolume_ = nullptr;
    TrainingChart* training_ = nullptr;
    QTabWidget* tabs_ = nullptr;
    BudgetPanel* budget_ = nullptr;
    SpacePanel* space_ = nullptr;
    RunPanel* run_ = nullptr;
    CandidateTableModel* model_ = nullptr;
    CandidateFilter* filter_ = nullptr;
    QTableView* table_ = nullptr;
    QPlainTextEdit* log_ = nullptr;
    CandidateDetail* detail_ = nullptr;
    std::optional<std::size_t> selected_;
    QComboBox* axis_ = nullptr;
    QCheckBox* logScale_ = nullptr;
    std::filesystem::path supernet_;
    std::filesystem::path cacheDir_;
    std::optional<std::size_t> calibrationImages_;
    bool paused_ = false;
    Preferences preferences_;
    std::filesystem::path project_;
    std::optional<SearchConfig> baseConfig_; // a project's settings the panels do not show
    QMenu* recentMenu_ = nullptr;
    std::optional<std::pair<std::filesystem::path, std::int64_t>> opened_; // by openRun()
    std::filesystem::path shownStore_; // the store of the run on view (live or opened)
};

} // namespace dnas::ui
