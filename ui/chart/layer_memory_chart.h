#pragma once

#include "chart/chart_view.h"

#include "cost/cost_report.h"

namespace dnas::ui {

// A candidate's SRAM while each op runs (arena extent + persistent + runtime bytes, KiB) as
// bars against the SRAM budget; the op that sets the peak is red and named in the title.
class LayerMemoryChart : public ChartView {
    Q_OBJECT
public:
    explicit LayerMemoryChart(QWidget* parent = nullptr);
    void setReport(const CostReport& report);
    void clear();
    QString peakText() const { return peak_; }

private:
    QString peak_;
};

} // namespace dnas::ui
