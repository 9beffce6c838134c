#pragma once

#include <QWidget>

#include "cost/cost_report.h"
#include "cost/mcu_catalog.h"

QT_BEGIN_NAMESPACE
class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QSlider;
QT_END_NAMESPACE

namespace dnas::ui {

// The hardware budget: MCU profile (shipped and the user's), runtime and cost mode, and the
// SRAM / flash (KiB) and latency (ms) budgets as spin boxes with sliders up to the profile's
// own memory. A budget beyond the MCU's memory is explained inline. Edits by the user emit
// `budgetsEdited`; setBudgets() (a dragged budget line) updates the fields silently.
class BudgetPanel : public QWidget {
    Q_OBJECT
public:
    explicit BudgetPanel(McuCatalog catalog, QWidget* parent = nullptr);

    Budgets budgets() const;
    void setBudgets(const Budgets& budgets);
    std::string mcu() const;
    bool setMcu(const std::string& id); // false: no such profile
    std::string runtime() const;
    bool setRuntime(const std::string& id); // false: not a runtime of the MCU
    CostMode costMode() const;
    void setCostMode(CostMode mode);
    const McuProfile& profile() const;
    const McuCatalog& catalog() const { return catalog_; }

Q_SIGNALS:
    void budgetsEdited(const dnas::Budgets& budgets);
    void mcuChanged();

private:
    void onMcuChanged();
    void onEdited();
    void explain();

    McuCatalog catalog_;
    QComboBox* mcu_ = nullptr;
    QComboBox* runtime_ = nullptr;
    QComboBox* costMode_ = nullptr;
    QLabel* limits_ = nullptr;
    QDoubleSpinBox* sram_ = nullptr;
    QSlider* sramSlider_ = nullptr;
    QDoubleSpinBox* flash_ = nullptr;
    QSlider* flashSlider_ = nullptr;
    QCheckBox* latencyOn_ = nullptr;
    QDoubleSpinBox* latency_ = nullptr;
    QLabel* problems_ = nullptr;
    bool quiet_ = false;
};

} // namespace dnas::ui
