#include "views/cost_window.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QSpinBox>
#include <QStatusBar>
#include <QTableView>
#include <QVBoxLayout>

#include "common/error.h"
#include "common/format.h"
#include "common/json_document.h"
#include "cost/cost_model.h"
#include "cost/network.h"
#include "models/cost_table_model.h"

namespace dnas::ui {
namespace {

QString q(const std::string& s) {
    return QString::fromStdString(s);
}

void setBudgetBar(QProgressBar* bar, const QString& what, double value, double limit) {
    const double percent = limit > 0 ? 100.0 * value / limit : 0;
    bar->setRange(0, 100);
    bar->setValue(static_cast<int>(std::min(100.0, percent)));
    bar->setFormat(QStringLiteral("%1: %2 of %3 (%4%)")
                       .arg(what, q(formatBytes(value)), q(formatBytes(limit)))
                       .arg(percent, 0, 'f', 0));
    const char* colour = percent > 100 ? "#d32f2f" : (percent > 85 ? "#f9a825" : "#388e3c");
    bar->setStyleSheet(QStringLiteral("QProgressBar { text-align: center; } "
                                      "QProgressBar::chunk { background: %1; }")
                           .arg(QLatin1String(colour)));
}

} // namespace

CostWindow::CostWindow(McuCatalog catalog, QWidget* parent)
    : QMainWindow(parent)
    , catalog_(std::move(catalog)) {
    setWindowTitle(tr("DNAS Studio — MCU cost"));
    buildUi();
    populateRuntimes();
    recompute();
    resize(1180, 760);
}

void CostWindow::buildUi() {
    auto* central = new QWidget(this);
    auto* outer = new QHBoxLayout(central);

    auto* side = new QVBoxLayout;
    auto* networkBox = new QGroupBox(tr("Network"), central);
    auto* nf = new QFormLayout(networkBox);
    source_ = new QComboBox(networkBox);
    source_->addItems({tr("Standard MobileNetV2"), tr("Architecture file")});
    width_ = new QDoubleSpinBox(networkBox);
    width_->setRange(0.05, 2.0);
    width_->setSingleStep(0.05);
    width_->setDecimals(2);
    width_->setValue(0.35);
    width_->setToolTip(tr("Width multiplier; channels are rounded to multiples of 8"));
    resolution_ = new QSpinBox(networkBox);
    resolution_->setRange(1, 1024);
    resolution_->setValue(96);
    resolution_->setSuffix(tr(" px"));
    colour_ = new QComboBox(networkBox);
    colour_->addItems({tr("RGB (3 channels)"), tr("Grayscale (1 channel)")});
    classes_ = new QSpinBox(networkBox);
    classes_->setRange(1, 100000);
    classes_->setValue(2);
    openButton_ = new QPushButton(tr("Open architecture…"), networkBox);
    fileLabel_ = new QLabel(tr("no file"), networkBox);
    fileLabel_->setWordWrap(true);
    nf->addRow(tr("Source"), source_);
    nf->addRow(tr("Width"), width_);
    nf->addRow(tr("Resolution"), resolution_);
    nf->addRow(tr("Input"), colour_);
    nf->addRow(tr("Classes"), classes_);
    nf->addRow(openButton_);
    nf->addRow(fileLabel_);

    auto* targetBox = new QGroupBox(tr("Target"), central);
    auto* tf = new QFormLayout(targetBox);
    mcu_ = new QComboBox(targetBox);
    for (const auto& p : catalog_.profiles())
        mcu_->addItem(QStringLiteral("%1 — %2").arg(q(p.id), q(p.name)), q(p.id));
    if (const int i = mcu_->findData(QStringLiteral("stm32f746")); i >= 0)
        mcu_->setCurrentIndex(i);
    runtime_ = new QComboBox(targetBox);
    mode_ = new QComboBox(targetBox);
    mode_->addItem(tr("TFLite Micro arena planner"), QStringLiteral("tflm"));
    mode_->addItem(tr("In-place depthwise"), QStringLiteral("inplace"));
    mode_->addItem(tr("Paper formulas"), QStringLiteral("paper"));
    tf->addRow(tr("MCU"), mcu_);
    tf->addRow(tr("Runtime"), runtime_);
    tf->addRow(tr("Cost mode"), mode_);

    side->addWidget(networkBox);
    side->addWidget(targetBox);
    side->addStretch(1);

    auto* main = new QVBoxLayout;
    sramBar_ = new QProgressBar(central);
    flashBar_ = new QProgressBar(central);
    totals_ = new QLabel(central);
    totals_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    totals_->setWordWrap(true);
    verdict_ = new QLabel(central);
    QFont big = verdict_->font();
    big.setPointSizeF(big.pointSizeF() * 1.3);
    big.setBold(true);
    verdict_->setFont(big);
    error_ = new QLabel(central);
    error_->setStyleSheet(QStringLiteral("color: #d32f2f;"));
    error_->setWordWrap(true);
    error_->hide();
    model_ = new CostTableModel(this);
    auto* proxy = new QSortFilterProxyModel(this);
    proxy->setSourceModel(model_);
    proxy->setSortRole(Qt::UserRole);
    table_ = new QTableView(central);
    table_->setModel(proxy);
    table_->setSortingEnabled(true);
    table_->sortByColumn(CostTableModel::Index, Qt::AscendingOrder);
    table_->setAlternatingRowColors(true);
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->verticalHeader()->hide();
    table_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    table_->horizontalHeader()->setSectionResizeMode(CostTableModel::Name, QHeaderView::Stretch);
    main->addWidget(verdict_);
    main->addWidget(error_);
    main->addWidget(sramBar_);
    main->addWidget(flashBar_);
    main->addWidget(totals_);
    main->addWidget(table_, 1);

    auto* sidePanel = new QWidget(central);
    sidePanel->setLayout(side);
    sidePanel->setMaximumWidth(340);
    outer->addWidget(sidePanel, 0);
    outer->addLayout(main, 1);
    setCentralWidget(central);
    statusBar()->showMessage(tr("%1 MCU profiles loaded").arg(catalog_.profiles().size()));

    const auto changed = [this] {
        recompute();
    };
    connect(source_, &QComboBox::currentIndexChanged, this, changed);
    connect(width_, &QDoubleSpinBox::valueChanged, this, changed);
    connect(resolution_, &QSpinBox::valueChanged, this, changed);
    connect(colour_, &QComboBox::currentIndexChanged, this, changed);
    connect(classes_, &QSpinBox::valueChanged, this, changed);
    connect(runtime_, &QComboBox::currentIndexChanged, this, changed);
    connect(mode_, &QComboBox::currentIndexChanged, this, changed);
    connect(mcu_, &QComboBox::currentIndexChanged, this, [this] {
        populateRuntimes();
        recompute();
    });
    connect(openButton_, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Open architecture"), QString(),
                                                          tr("Architecture JSON (*.json)"));
        if (!path.isEmpty())
            openArchitecture(path);
    });
}

void CostWindow::populateRuntimes() {
    const QSignalBlocker block(runtime_);
    runtime_->clear();
    const auto& profile = catalog_.find(mcu_->currentData().toString().toStdString());
    for (const auto& r : profile.runtimes)
        runtime_->addItem(q(r.name), q(r.id));
    runtime_->setCurrentIndex(std::max(0, runtime_->findData(q(profile.defaultRuntime))));
}

void CostWindow::openArchitecture(const QString& path) {
    try {
        fileSpec_ = readArchitecture(JsonDocument::fromFile(path.toStdString()));
        filePath_ = path;
        fileLabel_->setText(QFileInfo(path).fileName());
        const QSignalBlocker blockSource(source_);
        const QSignalBlocker blockRes(resolution_);
        const QSignalBlocker blockClasses(classes_);
        const QSignalBlocker blockColour(colour_);
        source_->setCurrentIndex(1);
        resolution_->setValue(fileSpec_->resolution);
        classes_->setValue(fileSpec_->classes);
        colour_->setCurrentIndex(fileSpec_->inputChannels == 1 ? 1 : 0);
        recompute();
    } catch (const InputError& e) {
        showError(tr("Cannot open %1:\n%2").arg(path, QString::fromStdString(e.what())));
    }
}

void CostWindow::selectMcu(const QString& id) {
    if (const int i = mcu_->findData(id); i >= 0)
        mcu_->setCurrentIndex(i);
}

QString CostWindow::verdictText() const {
    return verdict_->text();
}

QString CostWindow::errorText() const {
    return error_->isHidden() ? QString() : error_->text();
}

void CostWindow::showError(const QString& message) {
    error_->setText(message);
    error_->show();
}

void CostWindow::recompute() {
    const bool fromFile = source_->currentIndex() == 1;
    width_->setEnabled(!fromFile);
    ArchitectureSpec spec;
    if (fromFile) {
        if (!fileSpec_) {
            showError(tr("Open an architecture file first."));
            return;
        }
        spec = *fileSpec_;
    } else {
        spec = mobileNetV2(width_->value(), resolution_->value(), classes_->value(), 3);
    }
    spec.resolution = resolution_->value();
    spec.classes = classes_->value();
    spec.inputChannels = colour_->currentIndex() == 1 ? 1 : 3;
    try {
        validateArchitecture(spec, fromFile ? filePath_.toStdString() : std::string());
        const auto& mcu = catalog_.find(mcu_->currentData().toString().toStdString());
        const auto* runtime = mcu.runtime(runtime_->currentData().toString().toStdString());
        const auto mode =
            parseCostMode(mode_->currentData().toString().toStdString()).value_or(CostMode::Tflm);
        CostModel costModel;
        model_->setReport(
            costModel.estimate(buildNetwork(spec), mcu, *runtime, mode, CostModel::budgetsOf(mcu)));
    } catch (const InputError& e) {
        showError(QString::fromStdString(e.what()));
        verdict_->setText(tr("No estimate"));
        verdict_->setStyleSheet(QString());
        return;
    }
    error_->hide();
    const auto& r = model_->report();
    setBudgetBar(sramBar_, tr("Peak SRAM"), static_cast<double>(r.peakSramBytes),
                 static_cast<double>(r.budgets.sramBytes));
    setBudgetBar(flashBar_, tr("Flash"), static_cast<double>(r.flashBytes),
                 static_cast<double>(r.budgets.flashBytes));
    totals_->setText(
        tr("%1 MACs · %2 parameters · latency %3 · energy %4 mJ per inference · "
           "arena %5 + persistent %6 + runtime %7%8")
            .arg(q(formatCount(static_cast<double>(r.macs))),
                 q(formatCount(static_cast<double>(r.params))), q(formatMs(r.latencyMs)))
            .arg(r.energyMj, 0, 'f', 3)
            .arg(q(formatBytes(static_cast<double>(r.arenaBytes))),
                 q(formatBytes(static_cast<double>(r.persistentBytes))),
                 q(formatBytes(static_cast<double>(r.runtimeSramBytes))),
                 r.peakLayer >= 0 ? tr(" · SRAM peak at %1").arg(q(r.layers[r.peakLayer].name))
                                  : QString()));
    verdict_->setText(r.fits ? tr("Fits %1").arg(q(r.mcuId))
                             : tr("Does not fit %1").arg(q(r.mcuId)));
    verdict_->setStyleSheet(r.fits ? QStringLiteral("color: #2e7d32;")
                                   : QStringLiteral("color: #c62828;"));
}

} // namespace dnas::ui
