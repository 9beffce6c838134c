#include "chart/layer_memory_chart.h"

#include <algorithm>

#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QLineSeries>
#include <QValueAxis>

namespace dnas::ui {

LayerMemoryChart::LayerMemoryChart(QWidget* parent)
    : ChartView(parent) {
    chart()->legend()->setAlignment(Qt::AlignBottom);
    chart()->setMargins(QMargins(2, 2, 2, 2));
    setMinimumHeight(220);
    clear();
}

void LayerMemoryChart::clear() {
    chart()->removeAllSeries();
    for (auto* axis : chart()->axes()) {
        chart()->removeAxis(axis); // gives it back to us
        delete axis;
    }
    chart()->setTitle(QStringLiteral("SRAM per layer: select a candidate"));
    peak_.clear();
}

void LayerMemoryChart::setReport(const CostReport& report) {
    clear();
    const double fixed =
        static_cast<double>(report.persistentBytes + report.runtimeSramBytes) / 1024.0;
    auto* normal = new QBarSet(QStringLiteral("SRAM per op"));
    auto* peak = new QBarSet(QStringLiteral("peak"));
    normal->setColor(QColor(31, 110, 190));
    peak->setColor(QColor(200, 30, 30));
    QStringList names;
    double top = 0;
    for (std::size_t i = 0; i < report.layers.size(); ++i) {
        const auto& l = report.layers[i];
        const double kib = static_cast<double>(l.arenaExtentBytes) / 1024.0 + fixed;
        const bool isPeak = static_cast<int>(i) == report.peakLayer;
        *normal << (isPeak ? 0 : kib);
        *peak << (isPeak ? kib : 0);
        top = std::max(top, kib);
        names << QString::number(i + 1);
        if (isPeak)
            peak_ = QStringLiteral("op %1 (%2): %3 KiB")
                        .arg(i + 1)
                        .arg(QString::fromStdString(l.name))
                        .arg(kib, 0, 'f', 1);
    }
    auto* bars = new QBarSeries;
    bars->setBarWidth(0.9);
    bars->append(normal);
    bars->append(peak);
    chart()->addSeries(bars);
    auto* x = new QBarCategoryAxis;
    x->append(names);
    x->setLabelsVisible(false); // dozens of ops: numbers would not fit (the title says)
    auto* y = new QValueAxis;
    const double budget = static_cast<double>(report.budgets.sramBytes) / 1024.0;
    y->setRange(0, std::max(top, budget) * 1.1);
    y->setTitleText(QStringLiteral("KiB"));
    y->applyNiceNumbers();
    chart()->addAxis(x, Qt::AlignBottom);
    chart()->addAxis(y, Qt::AlignLeft);
    bars->attachAxis(x);
    bars->attachAxis(y);
    if (budget > 0) {
        // The budget as a line over the category axis (-0.5 .. n - 0.5 on a value axis).
        auto* line = new QLineSeries;
        line->setName(QStringLiteral("budget %1 KiB").arg(budget, 0, 'f', 1));
        line->setPen(QPen(QColor(200, 30, 30), 2, Qt::DashLine));
        auto* along = new QValueAxis;
        along->setRange(-0.5, static_cast<double>(report.layers.size()) - 0.5);
        along->setVisible(false);
        chart()->addAxis(along, Qt::AlignTop);
        *line << QPointF(-0.5, budget)
              << QPointF(static_cast<double>(report.layers.size()) - 0.5, budget);
        chart()->addSeries(line);
        line->attachAxis(along);
        line->attachAxis(y);
    }
    chart()->setTitle(QStringLiteral("SRAM per op; peak %1").arg(peak_));
    applyPalette(); // the new axes
}

} // namespace dnas::ui
