#include "views/main_window.h"

#include <QAction>
#include <QCheckBox>
#include <QCloseEvent>
#include <QComboBox>
#include <QDir>
#include <QDockWidget>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSettings>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

#include "chart/hypervolume_chart.h"
#include "chart/pareto_chart.h"
#include "chart/training_chart.h"
#include "models/candidate_table_model.h"
#include "models/run_records.h"
#include "views/budget_panel.h"
#include "views/candidate_detail.h"
#include "views/cost_window.h"
#include "views/run_panel.h"
#include "views/space_panel.h"

namespace dnas::ui {
namespace {

QDockWidget* dock(const QString& title, const QString& name, QWidget* content, QWidget* parent) {
    auto* d = new QDockWidget(title, parent);
    d->setObjectName(name); // saveState() needs it
    d->setWidget(content);
    return d;
}

} // namespace

MainWindow::MainWindow(McuCatalog catalog, QWidget* parent)
    : QMainWindow(parent) {
    setWindowTitle(QStringLiteral("DNAS Studio"));
    preferences_ = Preferences::load();
    if (preferences_.palette != Preferences::Palette::System)
        applyPalette(preferences_.palette);
    setAcceptDrops(true);
    records_ = new RunRecords(this);
    reference_ = new RunRecords(this);
    runner_ = new SearchRunner(this);
    budget_ = new BudgetPanel(std::move(catalog));
    run_ = new RunPanel;
    space_ = new SpacePanel;
    const auto data = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    run_->setStore(QDir(data).filePath(QStringLiteral("runs.db")));
    // The demo's budget, where DNAS and HW-NAS find different systems (see the README).
    budget_->setMcu("stm32f746");
    budget_->setBudgets({44 * 1024, 288 * 1024, {}});
    records_->setBudgets(budget_->budgets());
    tabs_ = new QTabWidget;
    tabs_->addTab(makeChartPage(), QStringLiteral("Pareto frontier"));
    hypervolume_ = new HypervolumeChart;
    tabs_->addTab(hypervolume_, QStringLiteral("Hypervolume race"));
    training_ = new TrainingChart;
    tabs_->addTab(training_, QStringLiteral("Supernet training"));
    setCentralWidget(tabs_);
    makeDocks();
    makeMenus();
    connectRunner();
    connect(budget_, &BudgetPanel::budgetsEdited, this,
            [this](const Budgets& b) { applyBudgets(b, true); });
    connect(chart_, &ParetoChart::budgetDragged, this, [this](const Budgets& b, bool finished) {
        budget_->setBudgets(b); // shown in the panel's steps (0.1 KiB, 0.1 ms) ...
        applyBudgets(budget_->budgets(), finished); // ... and applied as shown
    });
    connect(chart_, &ParetoChart::candidateClicked, this, &MainWindow::selectRow);
    connect(run_, &RunPanel::startRequested, this, &MainWindow::start);
    connect(run_, &RunPanel::pauseRequested, this, &MainWindow::togglePause);
    connect(run_, &RunPanel::stopRequested, this, &MainWindow::stop);
    QSettings settings;
    restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray());
    restoreState(settings.value(QStringLiteral("window/state")).toByteArray());
    statusBar()->showMessage(QStringLiteral("Ready: press Start (F5) to search"));
}

MainWindow::~MainWindow() = default;

QWidget* MainWindow::makeChartPage() {
    auto* page = new QWidget;
    auto* layout = new QVBoxLayout(page);
    layout->setContentsMargins(2, 2, 2, 2);
    auto* bar = new QHBoxLayout;
    axis_ = new QComboBox;
    for (const auto a :
         {CostAxis::PeakSram, CostAxis::Flash, CostAxis::Latency, CostAxis::Macs, CostAxis::Energy})
        axis_->addItem(axisTitle(a), static_cast<int>(a));
    logScale_ = new QCheckBox(QStringLiteral("log scale"));
    auto* reset = new QPushButton(QStringLiteral("Reset zoom"));
    auto* exportButton = new QPushButton(QStringLiteral("Export chart..."));
    bar->addWidget(new QLabel(QStringLiteral("Accuracy against")));
    bar->addWidget(axis_);
    bar->addWidget(logScale_);
    bar->addStretch(1);
    bar->addWidget(reset);
    bar->addWidget(exportButton);
    layout->addLayout(bar);
    chart_ = new ParetoChart(*records_);
    layout->addWidget(chart_, 1);
    connect(axis_, &QComboBox::currentIndexChanged, this,
            [this] { chart_->setCostAxis(static_cast<CostAxis>(axis_->currentData().toInt())); });
    connect(logScale_, &QCheckBox::toggled, chart_, &ParetoChart::setLogScale);
    connect(reset, &QPushButton::clicked, chart_, &ParetoChart::resetZoom);
    connect(exportButton, &QPushButton::clicked, this, &MainWindow::exportChart);
    return page;
}

void MainWindow::makeDocks() {
    addDockWidget(Qt::LeftDockWidgetArea,
                  dock(QStringLiteral("Budget"), QStringLiteral("budgetDock"), budget_, this));
    addDockWidget(Qt::LeftDockWidgetArea,
                  dock(QStringLiteral("Run"), QStringLiteral("runDock"), run_, this));
    model_ = new CandidateTableModel(*records_, this);
    filter_ = new CandidateFilter(*records_, this);
    filter_->setSourceModel(model_);
    table_ = new QTableView;
    table_->setModel(filter_);
    table_->setSortingEnabled(true);
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->setSelectionMode(QAbstractItemView::ExtendedSelection); // several to export
    table_->verticalHeader()->hide();
    table_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    // Fitted to 100 rows, those in view first: Qt's default measures 1,000 rows, 13,000
    // cells laid out again after every refresh (about 12 ms at 10,000 candidates).
    table_->horizontalHeader()->setResizeContentsPrecision(100);
    auto* candidates = new QWidget;
    auto* layout = new QVBoxLayout(candidates);
    layout->setContentsMargins(2, 2, 2, 2);
    auto* filters = new QHBoxLayout;
    auto* show = new QComboBox;
    show->addItems({QStringLiteral("all"), QStringLiteral("feasible"), QStringLiteral("frontier")});
    auto* mode = new QComboBox;
    mode->addItem(QStringLiteral("both modes"), QString());
    mode->addItem(QStringLiteral("DNAS"), QStringLiteral("dnas"));
    mode->addItem(QStringLiteral("HW-NAS"), QStringLiteral("hwnas"));
    auto* csv = new QPushButton(QStringLiteral("CSV..."));
    filters->addWidget(new QLabel(QStringLiteral("Show")));
    filters->addWidget(show);
    filters->addWidget(mode);
    filters->addStretch(1);
    filters->addWidget(csv);
    layout->addLayout(filters);
    layout->addWidget(table_, 1);
    connect(show, &QComboBox::currentIndexChanged, this,
            [this](int i) { filter_->setShow(static_cast<CandidateFilter::Show>(i)); });
    connect(mode, &QComboBox::currentIndexChanged, this,
            [this, mode] { filter_->setMode(mode->currentData().toString()); });
    connect(csv, &QPushButton::clicked, this, &MainWindow::exportCsv);
    connect(table_->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex& current) {
                if (!current.isValid())
                    return;
                const auto row = filter_->data(current, CandidateTableModel::kRowRole);
                chart_->setSelected(static_cast<std::size_t>(row.toULongLong()));
                showDetail(static_cast<std::size_t>(row.toULongLong()));
            });
    addDockWidget(
        Qt::BottomDockWidgetArea,
        dock(QStringLiteral("Candidates"), QStringLiteral("candidatesDock"), candidates, this));
    detail_ = new CandidateDetail;
    auto* spaceDock =
        dock(QStringLiteral("Search space"), QStringLiteral("spaceDock"), space_, this);
    auto* detailDock =
        dock(QStringLiteral("Candidate"), QStringLiteral("detailDock"), detail_, this);
    addDockWidget(Qt::RightDockWidgetArea, spaceDock);
    addDockWidget(Qt::RightDockWidgetArea, detailDock);
    tabifyDockWidget(spaceDock, detailDock);
    spaceDock->raise();
    connect(records_, &RunRecords::budgetsChanged, this, [this] {
        showDetail(selected_);
        reference_->setBudgets(records_->budgets()); // a compared run follows the budget line
    });
    connect(records_, &RunRecords::reset, this, [this] {
        showDetail(std::nullopt);
        if (reference_->size() > 0) { // the comparison answers the shown run's question
            reference_->setObjectives(records_->objectives());
            reference_->setBudgets(records_->budgets());
        }
    });
    log_ = new QPlainTextEdit;
    log_->setReadOnly(true);
    log_->setMaximumBlockCount(5000);
    auto* logDock = dock(QStringLiteral("Log"), QStringLiteral("logDock"), log_, this);
    addDockWidget(Qt::BottomDockWidgetArea, logDock);
    tabifyDockWidget(findChild<QDockWidget*>(QStringLiteral("candidatesDock")), logDock);
    findChild<QDockWidget*>(QStringLiteral("candidatesDock"))->raise();
}

void MainWindow::makeMenus() {
    auto* file = menuBar()->addMenu(QStringLiteral("&File"));
    file->addAction(QStringLiteral("Open &project..."),
                    QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O), this,
                    &MainWindow::openProjectDialog);
    recentMenu_ = file->addMenu(QStringLiteral("&Recent projects"));
    fillRecentMenu();
    file->addAction(QStringLiteral("&Save project"), QKeySequence::Save, this,
                    [this] { saveProjectDialog(false); });
    file->addAction(QStringLiteral("Save project &as..."), QKeySequence::SaveAs, this,
                    [this] { saveProjectDialog(true); });
    file->addSeparator();
    file->addAction(QStringLiteral("&Open run..."), QKeySequence::Open, this,
                    &MainWindow::openRunDialog);
    file->addAction(QStringLiteral("&Compare with a run..."), QKeySequence(Qt::CTRL | Qt::Key_K),
                    this, &MainWindow::compareRunDialog);
    file->addAction(QStringLiteral("C&lear the comparison"), this, &MainWindow::clearComparison);
    file->addAction(QStringLiteral("Export chart (PNG / SVG)..."), this, &MainWindow::exportChart);
    file->addAction(QStringLiteral("Export candidates (CSV)..."), this, &MainWindow::exportCsv);
    file->addAction(QStringLiteral("&Export selected candidates for firmware..."),
                    QKeySequence(Qt::CTRL | Qt::Key_E), this, &MainWindow::exportSelected);
    file->addSeparator();
    file->addAction(QStringLiteral("Pr&eferences..."), QKeySequence::Preferences, this,
                    &MainWindow::showPreferences);
    file->addAction(QStringLiteral("&Quit"), QKeySequence::Quit, this, &QWidget::close);
    auto* run = menuBar()->addMenu(QStringLiteral("&Run"));
    run->addAction(QStringLiteral("&Start"), QKeySequence(Qt::Key_F5), this, &MainWindow::start);
    run->addAction(QStringLiteral("&Continue the opened run"), this, &MainWindow::continueRun);
    run->addAction(QStringLiteral("&Pause / Resume"), QKeySequence(Qt::Key_F6), this,
                   &MainWindow::togglePause);
    run->addAction(QStringLiteral("S&top"), QKeySequence(Qt::SHIFT | Qt::Key_F5), this,
                   &MainWindow::stop);
    auto* view = menuBar()->addMenu(QStringLiteral("&View"));
    view->addAction(QStringLiteral("Reset zoom"), QKeySequence(Qt::CTRL | Qt::Key_0), chart_,
                    &ParetoChart::resetZoom);
    for (auto* d : findChildren<QDockWidget*>())
        view->addAction(d->toggleViewAction());
    auto* tools = menuBar()->addMenu(QStringLiteral("&Tools"));
    tools->addAction(QStringLiteral("Cost of one network..."), this, [this] {
        auto* w = new CostWindow(McuCatalog::load());
        w->setAttribute(Qt::WA_DeleteOnClose);
        w->show();
    });
}

void MainWindow::applyBudgets(const Budgets& budgets, bool toEngine) {
    records_->setBudgets(budgets); // the frontier re-filtered at once, nothing re-evaluated
    if (toEngine && runner_->running())
        runner_->setBudgets(budgets);
}

void MainWindow::showDetail(std::optional<std::size_t> row) {
    selected_ = row;
    if (row && *row < records_->size())
        detail_->show(records_->at(*row), records_->budgets());
    else
        detail_->clear();
}

void MainWindow::selectRow(std::size_t row) {
    chart_->setSelected(row);
    showDetail(row);
    findChild<QDockWidget*>(QStringLiteral("detailDock"))->raise();
    for (int r = 0; r < filter_->rowCount(); ++r) {
        const auto index = filter_->index(r, 0);
        if (filter_->data(index, CandidateTableModel::kRowRole).toULongLong() == row) {
            table_->selectRow(r);
            table_->scrollTo(index);
            return;
        }
    }
}

bool MainWindow::showView(const QString& title) {
    for (int i = 0; i < tabs_->count(); ++i)
        if (tabs_->tabText(i).startsWith(title, Qt::CaseInsensitive)) {
            tabs_->setCurrentIndex(i);
            return true;
        }
    return false;
}

void MainWindow::log(const QString& line) {
    log_->appendPlainText(line);
}

void MainWindow::exportChart() {
    const auto path = QFileDialog::getSaveFileName(this, QStringLiteral("Export chart"),
                                                   QStringLiteral("frontier.png"),
                                                   QStringLiteral("PNG (*.png);;SVG (*.svg)"));
    QString error;
    if (!path.isEmpty() && !chart_->exportTo(path, &error))
        QMessageBox::warning(this, QStringLiteral("Export chart"), error);
}

void MainWindow::closeEvent(QCloseEvent* event) {
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/state"), saveState());
    runner_->stop();
    event->accept();
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event) {
    if (event->mimeData()->hasUrls())
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event) {
    const auto urls = event->mimeData()->urls();
    if (!urls.isEmpty() && urls.first().isLocalFile()) {
        run_->setDataset(urls.first().toLocalFile());
        log(QStringLiteral("dataset: %1").arg(urls.first().toLocalFile()));
    }
}

} // namespace dnas::ui
