#pragma once

#include <QChartView>

namespace dnas::ui {

// The base of the window's charts: a QChartView whose chart takes its colours (background,
// title, axes, grid, legend) from the widget's palette and follows it when the palette
// changes - a dark palette gives a dark chart - while the series keep their own colours
// (a Qt Charts theme would overwrite them).
class ChartView : public QChartView {
    Q_OBJECT
public:
    explicit ChartView(QWidget* parent = nullptr);

    // Re-applies the palette (call after adding axes).
    virtual void applyPalette();

protected:
    void changeEvent(QEvent* event) override;
};

} // namespace dnas::ui
