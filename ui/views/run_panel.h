#pragma once

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include <QWidget>

#include "bridge/search_runner.h"

QT_BEGIN_NAMESPACE
class QComboBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;
QT_END_NAMESPACE

namespace dnas::ui {

// What to search and how long: dataset (the embedded default preselected; a folder or CSV
// typed, browsed or dropped onto the window), mode (compare, DNAS, HW-NAS),
// strategy, evaluations per mode, population, seed and the run store; Start / Pause / Stop;
// a progress bar with ETA for the supernet and for each mode's search.
class RunPanel : public QWidget {
    Q_OBJECT
public:
    explicit RunPanel(QWidget* parent = nullptr);

    // Fills the panel's part of `job` (dataset, store, mode, strategy, limits, seed).
    void fill(SearchJob& job) const;
    // Shows `job`'s part of the panel (the inverse of fill), as a project sets it.
    void apply(const SearchJob& job);
    // Sets the dataset and inspects it on a worker thread: its counts per split, classes and
    // skipped files are shown under it when loaded.
    void setDataset(const QString& spec);
    void inspectDataset();
    QString datasetInfo() const;
    QString dataset() const;
    void setStore(const QString& path);
    void setMode(const QString& mode); // compare, dnas, hwnas
    void setPopulation(int n);
    void setMaxEvaluations(int n);

    // Button states for: idle, running, paused.
    void setState(bool running, bool paused);
    void showPhase(const QString& name, qlonglong done, qlonglong total, double etaSeconds);
    void showProgress(const QString& mode, qlonglong done, qlonglong planned, double etaSeconds);
    void resetProgress();
    // The supernet bar, when no training was needed (a checkpoint given or cached).
    void showSupernetReady();

Q_SIGNALS:
    void datasetInspected(const QString& spec, bool ok);
    void startRequested();
    void pauseRequested(); // toggles pause / resume
    void stopRequested();

private:
    void showInspection(const QString& spec, const QString& text, const QString& details, bool ok);

    QLineEdit* dataset_ = nullptr;
    QLabel* datasetInfo_ = nullptr;
    // Inspections under way or done; a new one never waits for an old one (a large folder
    // takes a while), finished ones are collected, the rest joined when the panel goes.
    struct Inspection {
        std::shared_ptr<std::atomic<bool>> done;
        std::jthread thread;
    };
    std::vector<Inspection> inspections_;
    QComboBox* mode_ = nullptr;
    QComboBox* strategy_ = nullptr;
    QSpinBox* evaluations_ = nullptr;
    QSpinBox* population_ = nullptr;
    QSpinBox* seed_ = nullptr;
    QSpinBox* validation_ = nullptr;
    QLineEdit* store_ = nullptr;
    QPushButton* start_ = nullptr;
    QPushButton* pause_ = nullptr;
    QPushButton* stop_ = nullptr;
    QProgressBar* supernet_ = nullptr;
    QProgressBar* dnas_ = nullptr;
    QProgressBar* hwnas_ = nullptr;
};

QString formatEta(double seconds); // "ETA 1m05s", "" when unknown

} // namespace dnas::ui
