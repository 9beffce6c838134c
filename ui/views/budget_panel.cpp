#include "views/budget_panel.h"

#include <cmath>

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QSlider>
#include <QStringList>

namespace dnas::ui {
namespace {

// A KiB spin box and a slider kept in step (slider in whole KiB).
QWidget* pairUp(QDoubleSpinBox* spin, QSlider* slider) {
    auto* row = new QWidget;
    auto* layout = new QHBoxLayout(row);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(slider, 1);
    layout->addWidget(spin);
    QObject::connect(slider, &QSlider::valueChanged, spin, [spin](int v) {
        if (std::lround(spin->value()) != v)
            spin->setValue(v);
    });
    QObject::connect(spin, &QDoubleSpinBox::valueChanged, slider, [slider](double v) {
        const QSignalBlocker block(slider);
        slider->setValue(static_cast<int>(std::lround(v)));
    });
    return row;
}

QDoubleSpinBox* kibSpin() {
    auto* spin = new QDoubleSpinBox;
    spin->setRange(1, 64 * 1024);
    spin->setDecimals(1);
    spin->setSuffix(QStringLiteral(" KiB"));
    spin->setKeyboardTracking(false);
    return spin;
}

} // namespace

BudgetPanel::BudgetPanel(McuCatalog catalog, QWidget* parent)
    : QWidget(parent)
    , catalog_(std::move(catalog)) {
    auto* form = new QFormLayout(this);
    mcu_ = new QComboBox;
    for (const auto& p : catalog_.profiles())
        mcu_->addItem(QString::fromStdString(p.name + " (" + p.id + ")"),
                      QString::fromStdString(p.id));
    runtime_ = new QComboBox;
    costMode_ = new QComboBox;
    for (const auto mode : {CostMode::Tflm, CostMode::InPlace, CostMode::Paper})
        costMode_->addItem(QString::fromUtf8(toString(mode).data()), static_cast<int>(mode));
    limits_ = new QLabel;
    limits_->setWordWrap(true);
    sram_ = kibSpin();
    sram_->setObjectName(QStringLiteral("sramBudget"));
    sramSlider_ = new QSlider(Qt::Horizontal);
    flash_ = kibSpin();
    flash_->setObjectName(QStringLiteral("flashBudget"));
    flashSlider_ = new QSlider(Qt::Horizontal);
    latencyOn_ = new QCheckBox(QStringLiteral("limit"));
    latency_ = new QDoubleSpinBox;
    latency_->setRange(0.1, 1e6);
    latency_->setDecimals(1);
    latency_->setSuffix(QStringLiteral(" ms"));
    latency_->setValue(500);
    latency_->setEnabled(false);
    latency_->setKeyboardTracking(false);
    auto* latencyRow = new QWidget;
    auto* latencyLayout = new QHBoxLayout(latencyRow);
    latencyLayout->setContentsMargins(0, 0, 0, 0);
    latencyLayout->addWidget(latencyOn_);
    latencyLayout->addWidget(latency_, 1);
    problems_ = new QLabel;
    problems_->setWordWrap(true);
    problems_->setStyleSheet(QStringLiteral("color: #c62828"));
    form->addRow(QStringLiteral("MCU"), mcu_);
    form->addRow(QString(), limits_);
    form->addRow(QStringLiteral("Runtime"), runtime_);
    form->addRow(QStringLiteral("Cost mode"), costMode_);
    form->addRow(QStringLiteral("SRAM budget"), pairUp(sram_, sramSlider_));
    form->addRow(QStringLiteral("Flash budget"), pairUp(flash_, flashSlider_));
    form->addRow(QStringLiteral("Latency"), latencyRow);
    form->addRow(problems_);
    QStringList skipped;
    for (const auto& p : catalog_.problems())
        skipped << QString::fromStdString("skipped MCU profile: " + p.toString());
    if (!skipped.isEmpty())
        problems_->setText(skipped.join(QLatin1Char('\n')));

    connect(mcu_, &QComboBox::currentIndexChanged, this, &BudgetPanel::onMcuChanged);
    for (auto* spin : {sram_, flash_, latency_})
        connect(spin, &QDoubleSpinBox::valueChanged, this, &BudgetPanel::onEdited);
    connect(latencyOn_, &QCheckBox::toggled, this, [this](bool on) {
        latency_->setEnabled(on);
        onEdited();
    });
    connect(runtime_, &QComboBox::currentIndexChanged, this, [this] { Q_EMIT mcuChanged(); });
    connect(costMode_, &QComboBox::currentIndexChanged, this, [this] { Q_EMIT mcuChanged(); });
    onMcuChanged();
}

const McuProfile& BudgetPanel::profile() const {
    return catalog_.find(mcu());
}

std::string BudgetPanel::mcu() const {
    return mcu_->currentData().toString().toStdString();
}

bool BudgetPanel::setMcu(const std::string& id) {
    const int i = mcu_->findData(QString::fromStdString(id));
    if (i >= 0)
        mcu_->setCurrentIndex(i);
    return i >= 0;
}

std::string BudgetPanel::runtime() const {
    return runtime_->currentData().toString().toStdString();
}

bool BudgetPanel::setRuntime(const std::string& id) {
    const int i = runtime_->findData(QString::fromStdString(id));
    if (i >= 0)
        runtime_->setCurrentIndex(i);
    return i >= 0;
}

void BudgetPanel::setCostMode(CostMode mode) {
    costMode_->setCurrentIndex(std::max(0, costMode_->findData(static_cast<int>(mode))));
}

CostMode BudgetPanel::costMode() const {
    return static_cast<CostMode>(costMode_->currentData().toInt());
}

Budgets BudgetPanel::budgets() const {
    Budgets b;
    b.sramBytes = static_cast<Bytes>(std::llround(sram_->value() * 1024));
    b.flashBytes = static_cast<Bytes>(std::llround(flash_->value() * 1024));
    if (latencyOn_->isChecked())
        b.latencyMs = latency_->value();
    return b;
}

void BudgetPanel::setBudgets(const Budgets& b) {
    quiet_ = true;
    sram_->setValue(static_cast<double>(b.sramBytes) / 1024.0);
    flash_->setValue(static_cast<double>(b.flashBytes) / 1024.0);
    latencyOn_->setChecked(b.latencyMs.has_value());
    if (b.latencyMs)
        latency_->setValue(*b.latencyMs);
    quiet_ = false;
    explain();
}

void BudgetPanel::onMcuChanged() {
    const auto& p = profile();
    {
        const QSignalBlocker block(runtime_);
        runtime_->clear();
        for (const auto& r : p.runtimes)
            runtime_->addItem(QString::fromStdString(r.name.empty() ? r.id : r.name),
                              QString::fromStdString(r.id));
        runtime_->setCurrentIndex(runtime_->findData(QString::fromStdString(p.defaultRuntime)));
    }
    const double sramKib = static_cast<double>(p.sramBytes) / 1024.0;
    const double flashKib = static_cast<double>(p.flashBytes) / 1024.0;
    limits_->setText(QStringLiteral("%1 at %2 MHz: %3 KiB SRAM, %4 KiB flash")
                         .arg(QString::fromStdString(p.core))
                         .arg(static_cast<double>(p.clockHz) / 1e6, 0, 'f', 0)
                         .arg(sramKib, 0, 'f', 0)
                         .arg(flashKib, 0, 'f', 0));
    {
        // A budget beyond the new MCU's memory is explained, not clamped by the sliders.
        const QSignalBlocker blockSram(sramSlider_), blockFlash(flashSlider_);
        sramSlider_->setRange(1, static_cast<int>(std::ceil(sramKib)));
        flashSlider_->setRange(1, static_cast<int>(std::ceil(flashKib)));
    }
    explain();
    Q_EMIT mcuChanged();
}

void BudgetPanel::onEdited() {
    explain();
    if (!quiet_)
        Q_EMIT budgetsEdited(budgets());
}

// Budgets beyond what the MCU has cannot be met by a real deployment: said inline.
void BudgetPanel::explain() {
    const auto& p = profile();
    const auto b = budgets();
    QStringList lines;
    if (b.sramBytes > p.sramBytes)
        lines << QStringLiteral("The SRAM budget exceeds the %1's %2 KiB.")
                     .arg(QString::fromStdString(p.id))
                     .arg(static_cast<double>(p.sramBytes) / 1024.0, 0, 'f', 0);
    if (b.flashBytes > p.flashBytes)
        lines << QStringLiteral("The flash budget exceeds the %1's %2 KiB.")
                     .arg(QString::fromStdString(p.id))
                     .arg(static_cast<double>(p.flashBytes) / 1024.0, 0, 'f', 0);
    for (const auto& problem : catalog_.problems())
        lines << QString::fromStdString("skipped MCU profile: " + problem.toString());
    problems_->setText(lines.join(QLatin1Char('\n')));
    problems_->setVisible(!lines.isEmpty());
}

} // namespace dnas::ui
