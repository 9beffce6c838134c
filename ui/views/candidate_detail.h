#pragma once

#include <optional>

#include <QWidget>

#include "bridge/search_runner.h"

QT_BEGIN_NAMESPACE
class QLabel;
class QProgressBar;
QT_END_NAMESPACE

namespace dnas::ui {

class ArchitectureStrip;
class LayerMemoryChart;

// One candidate in full: its data configuration and architecture (drawn as a strip), its
// costs against each budget, its accuracy with per-class figures (precision / recall / F1 for
// a binary task), and its SRAM per layer against the budget showing which op sets the peak.
// The costs are recomputed by the cost model from the candidate (the run store keeps only the
// totals), so the per-layer figures are exactly those the search screened with.
class CandidateDetail : public QWidget {
    Q_OBJECT
public:
    explicit CandidateDetail(QWidget* parent = nullptr);

    void setContext(RunContextPtr context);
    void show(const CandidateRecord& record, const Budgets& budgets);
    void clear();
    QString summary() const; // the text of the header, for tests
    QString peakText() const;

private:
    // Accuracy, per class and per flag, from the stored metrics (which may be malformed).
    QString metricsText(const CandidateRecord& r) const;
    RunContextPtr context_;
    QLabel* header_ = nullptr;
    QLabel* metrics_ = nullptr;
    QProgressBar* sram_ = nullptr;
    QProgressBar* flash_ = nullptr;
    QProgressBar* latency_ = nullptr;
    ArchitectureStrip* strip_ = nullptr;
    LayerMemoryChart* layers_ = nullptr;
};

} // namespace dnas::ui
