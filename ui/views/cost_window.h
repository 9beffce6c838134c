#pragma once

#include <optional>

#include <QMainWindow>

#include "cost/mcu_catalog.h"
#include "space/architecture.h"

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTableView;

namespace dnas::ui {

class CostTableModel;

// The first window of DNAS Studio: the per-op cost table of a network on a chosen MCU, with
// totals against the MCU's budgets. Every change re-estimates at once on the GUI thread
// (an estimate takes microseconds). The search GUI proper replaces it in a later version.
class CostWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit CostWindow(McuCatalog catalog, QWidget* parent = nullptr);

    // For tests and scripted use: load an architecture file instead of the MobileNetV2 shortcut.
    void openArchitecture(const QString& path);
    void selectMcu(const QString& id);
    const CostTableModel& model() const { return *model_; }
    QString verdictText() const;
    QString errorText() const;

private:
    void buildUi();
    void populateRuntimes();
    void recompute();
    void showError(const QString& message);

    McuCatalog catalog_;
    std::optional<ArchitectureSpec> fileSpec_;
    QString filePath_;

    QComboBox* source_ = nullptr;
    QDoubleSpinBox* width_ = nullptr;
    QSpinBox* resolution_ = nullptr;
    QComboBox* colour_ = nullptr;
    QSpinBox* classes_ = nullptr;
    QPushButton* openButton_ = nullptr;
    QLabel* fileLabel_ = nullptr;
    QComboBox* mcu_ = nullptr;
    QComboBox* runtime_ = nullptr;
    QComboBox* mode_ = nullptr;
    QTableView* table_ = nullptr;
    CostTableModel* model_ = nullptr;
    QProgressBar* sramBar_ = nullptr;
    QProgressBar* flashBar_ = nullptr;
    QLabel* totals_ = nullptr;
    QLabel* verdict_ = nullptr;
    QLabel* error_ = nullptr;
};

} // namespace dnas::ui
