#include "chart/pareto_chart.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include <QAreaSeries>
#include <QLegendMarker>
#include <QLineSeries>
#include <QLogValueAxis>
#include <QScatterSeries>
#include <QValueAxis>

#include "chart/chart_style.h"
#include "models/candidate_table_model.h"

namespace dnas::ui {
ParetoChart::ParetoChart(const RunRecords& records, QWidget* parent)
    : ChartView(parent)
    , records_(records) {
    setMouseTracking(true);
    setRubberBand(QChartView::NoRubberBand); // ours: a click must not zoom
    auto* chart = this->chart();
    chart->legend()->setAlignment(Qt::AlignBottom);
    QFont legendFont = chart->legend()->font();
    legendFont.setPointSizeF(legendFont.pointSizeF() * 0.85);
    chart->legend()->setFont(legendFont);
    chart->setMargins(QMargins(4, 4, 4, 4));
    // The background is painted by drawBackground(), under the faded points it paints.
    chart->setBackgroundVisible(false);
    for (const std::string mode : {"dnas", "hwnas"}) {
        auto& m = modes_[mode];
        m.all = new QScatterSeries(chart);
        m.all->setName(modeTitle(mode));
        styleFaded(m.all, modeColour(mode));
        m.front = new QLineSeries(chart);
        m.front->setName(modeTitle(mode) + QStringLiteral(" front"));
        m.front->setPen(QPen(modeColour(mode), 2));
        chart->addSeries(m.all);
        chart->addSeries(m.front);
    }
    over_ = new QScatterSeries(chart);
    over_->setName(QStringLiteral("over budget"));
    styleRing(over_, QColor(150, 150, 150), 7);
    screened_ = new QScatterSeries(chart);
    screened_->setName(QStringLiteral("screened"));
    screened_->setMarkerShape(QScatterSeries::MarkerShapeRectangle);
    screened_->setMarkerSize(5);
    screened_->setColor(QColor(170, 170, 170));
    screened_->setBorderColor(QColor(170, 170, 170));
    infeasibleUpper_ = new QLineSeries(chart);
    infeasibleLower_ = new QLineSeries(chart);
    infeasible_ = new QAreaSeries(infeasibleUpper_, infeasibleLower_);
    infeasible_->setName(QStringLiteral("beyond the budget"));
    infeasible_->setColor(QColor(220, 40, 40, 28));
    infeasible_->setBorderColor(Qt::transparent);
    budgetLine_ = new QLineSeries(chart);
    budgetLine_->setName(QStringLiteral("budget"));
    budgetLine_->setPen(QPen(QColor(200, 30, 30), 2, Qt::DashLine));
    selection_ = new QScatterSeries(chart);
    styleRing(selection_, QColor(20, 20, 20), 16);
    for (QAbstractSeries* s : std::initializer_list<QAbstractSeries*>{over_, screened_, infeasible_,
                                                                      budgetLine_, selection_})
        chart->addSeries(s);
    for (QAbstractSeries* s : std::initializer_list<QAbstractSeries*>{selection_, infeasible_})
        for (auto* marker : chart->legend()->markers(s))
            marker->setVisible(false);
    // Legend entries toggle their series.
    for (auto* marker : chart->legend()->markers())
        toggleOnClick(marker);
    rebuildAxes();
    connect(&records_, &RunRecords::appended, this, &ParetoChart::appendRows);
    connect(&records_, &RunRecords::budgetsChanged, this, &ParetoChart::rebuild);
    connect(&records_, &RunRecords::reset, this, [this] {
        selected_.reset();
        resolutions_.clear();
        resetZoom();
    });
    rebuild();
}

void ParetoChart::applyPalette() {
    ChartView::applyPalette();
    if (selection_) // in the text's colour: visible on light and dark backgrounds
        styleRing(selection_, palette().color(QPalette::Text), 16);
    viewport()->update();
}

void ParetoChart::setCostAxis(CostAxis axis) {
    axis_ = axis;
    rebuildAxes();
    rebuildReference();
    resetZoom();
}

void ParetoChart::setLogScale(bool on) {
    log_ = on;
    rebuildAxes();
    rebuildReference();
    resetZoom();
}

void ParetoChart::setSelected(std::optional<std::size_t> row) {
    selected_ = row;
    QList<QPointF> points;
    if (row && *row < records_.size() && records_.at(*row).evaluated)
        points.append(QPointF(plotX(records_.at(*row)), records_.at(*row).accuracy));
    selection_->replace(points);
}

void ParetoChart::resetZoom() {
    zoomed_ = false;
    chart()->zoomReset();
    rebuild();
}

double ParetoChart::plotX(const CandidateRecord& r) const {
    const double x = axisValue(r, axis_);
    return log_ ? std::max(x, 1e-6) : x;
}

void ParetoChart::rebuildAxes() {
    auto* chart = this->chart();
    for (auto* axis : chart->axes()) {
        chart->removeAxis(axis); // gives it back to us
        delete axis;
    }
    if (log_) {
        auto* axis = new QLogValueAxis(chart);
        axis->setBase(10);
        axis->setLabelFormat(QStringLiteral("%g"));
        axis->setMinorTickCount(8);
        xAxis_ = axis;
    } else {
        auto* axis = new QValueAxis(chart);
        axis->setLabelFormat(QStringLiteral("%g"));
        xAxis_ = axis;
    }
    xAxis_->setTitleText(axisTitle(axis_));
    yAxis_ = new QValueAxis(chart);
    yAxis_->setTitleText(QStringLiteral("accuracy (validation)"));
    yAxis_->setLabelFormat(QStringLiteral("%.2f"));
    chart->addAxis(xAxis_, Qt::AlignBottom);
    chart->addAxis(yAxis_, Qt::AlignLeft);
    for (auto* series : chart->series()) {
        series->attachAxis(xAxis_);
        series->attachAxis(yAxis_);
    }
    applyPalette(); // the new axes' colours
}

QScatterSeries* ParetoChart::memberSeries(const std::string& mode, int resolution, bool rgb) {
    if (std::find(resolutions_.begin(), resolutions_.end(), resolution) == resolutions_.end()) {
        resolutions_.push_back(resolution); // the shape key in the title
        std::sort(resolutions_.begin(), resolutions_.end());
    }
    auto& members = modes_[mode].members;
    const auto key = std::make_pair(resolution, rgb);
    if (const auto it = members.find(key); it != members.end())
        return it->second;
    auto* series = new QScatterSeries(chart());
    styleMember(series, modeColour(mode), resolution, rgb);
    chart()->addSeries(series);
    series->attachAxis(xAxis_);
    series->attachAxis(yAxis_);
    for (auto* marker : chart()->legend()->markers(series))
        marker->setVisible(false);
    members[key] = series;
    return series;
}

DotLayer::Kind ParetoChart::dotKind(const RunRecords& records, std::size_t row) {
    const auto& r = records.at(row);
    return !r.evaluated             ? DotLayer::Kind::Screened
           : !records.feasible(row) ? DotLayer::Kind::Over
           : r.mode == "hwnas"      ? DotLayer::Kind::Hwnas
                                    : DotLayer::Kind::Dnas;
}

void ParetoChart::rebuild() {
    dots_.clear();
    plotted_.clear();
    addDots(0, records_.size());
    refresh();
}

void ParetoChart::appendRows(std::size_t first, std::size_t last) {
    if (first != dots_.dots().size()) { // not the rows after those held: all again
        rebuild();
        return;
    }
    addDots(first, std::min(last + 1, records_.size()));
    refresh();
}

void ParetoChart::addDots(std::size_t first, std::size_t end) {
    for (std::size_t i = first; i < end; ++i) {
        const auto& r = records_.at(i);
        const auto kind = dotKind(records_, i);
        if (kind == DotLayer::Kind::Dnas || kind == DotLayer::Kind::Hwnas)
            ++plotted_[r.mode];
        dots_.append({plotX(r), r.evaluated ? r.accuracy : 0.0, kind, i});
    }
}

void ParetoChart::refresh() {
    for (auto& [mode, m] : modes_) {
        frontRows_[mode] = records_.frontier2d(mode, axis_);
        QList<QPointF> steps;
        std::map<std::pair<int, bool>, QList<QPointF>> members;
        for (const auto row : frontRows_[mode]) {
            const auto& r = records_.at(row);
            const QPointF p(plotX(r), r.accuracy);
            if (!steps.isEmpty())
                steps.append(QPointF(p.x(), steps.last().y()));
            steps.append(p);
            members[{r.candidate.data.resolution, r.candidate.data.colour == ColourMode::Rgb}]
                .append(p);
        }
        m.front->replace(steps);
        for (auto& [key, series] : m.members)
            if (!members.count(key))
                series->clear();
        for (const auto& [key, points] : members)
            memberSeries(mode, key.first, key.second)->replace(points);
    }
    // A compared run is named here, not in its legend entries: nine full names do not fit.
    chart()->setTitle(reference_ ? shapeKey(resolutions_) + QStringLiteral("<br>dashed (B): ") +
                                       referenceName_.toHtmlEscaped()
                                 : shapeKey(resolutions_));
    updateRanges();
    setSelected(selected_);
    viewport()->update(); // the painted points
}

void ParetoChart::updateRanges() {
    double xMin = std::numeric_limits<double>::max(), xMax = 0;
    double yMin = 1, yMax = 0;
    bool any = false;
    for (std::size_t i = 0; i < records_.size(); ++i) {
        const auto& r = records_.at(i);
        const double x = plotX(r);
        xMin = std::min(xMin, x);
        xMax = std::max(xMax, x);
        if (r.evaluated) {
            yMin = std::min(yMin, r.accuracy);
            yMax = std::max(yMax, r.accuracy);
            any = true;
        }
    }
    for (const auto& p : referencePoints_) { // a compared run's frontier stays in view
        xMin = std::min(xMin, p.x());
        xMax = std::max(xMax, p.x());
        yMin = std::min(yMin, p.y());
        yMax = std::max(yMax, p.y());
        any = true;
    }
    const auto budget = budgetOnAxis(records_.budgets(), axis_);
    if (records_.size() == 0 && referencePoints_.empty()) {
        xMin = log_ ? 1 : 0;
        xMax = budget ? *budget * 1.2 : 100;
    }
    if (budget && *budget < xMax * 4) // a budget far off the points would squash them
        xMax = std::max(xMax, *budget);
    if (!any) {
        yMin = 0;
        yMax = 1;
    }
    const double yPad = std::max(0.01, (yMax - yMin) * 0.08);
    yMin = std::max(0.0, yMin - yPad);
    yMax = std::min(1.0, yMax + yPad);
    // Frozen while the budget line is dragged: the line stays under the pointer (the range
    // follows the budget, so it would otherwise move away); set again on release.
    if (!zoomed_ && !dragging_) {
        if (log_) {
            xAxis_->setRange(xMin / 1.3, xMax * 1.3);
        } else {
            const double pad = (xMax - std::min(xMin, xMax)) * 0.05 + 1e-9;
            auto* axis = static_cast<QValueAxis*>(xAxis_);
            // Nice numbers worked out on a detached axis: the chart's axis changes (and lays the
            // chart out again) only when they do, not twice on every refresh.
            QValueAxis nice;
            nice.setTickCount(axis->tickCount());
            nice.setRange(std::max(0.0, xMin - pad), xMax + pad);
            nice.applyNiceNumbers();
            if (nice.min() != axis->min() || nice.max() != axis->max()) // exact: unchanged
                axis->setRange(nice.min(), nice.max());
            axis->setTickCount(nice.tickCount());
        }
        yAxis_->setRange(yMin, yMax);
    }
    drawBudget();
}

void ParetoChart::drawBudget() {
    const auto budget = budgetOnAxis(records_.budgets(), axis_);
    auto* x = xAxis_;
    const double xMax =
        log_ ? static_cast<QLogValueAxis*>(x)->max() : static_cast<QValueAxis*>(x)->max();
    const double yLow = yAxis_->min(), yHigh = yAxis_->max();
    if (!budget || *budget <= 0) {
        budgetLine_->clear();
        infeasibleUpper_->clear();
        infeasibleLower_->clear();
        return;
    }
    budgetLine_->replace({QPointF(*budget, yLow), QPointF(*budget, yHigh)});
    const double right = std::max(xMax, *budget) * 10; // beyond the view: no visible edge
    infeasibleUpper_->replace({QPointF(*budget, yHigh), QPointF(right, yHigh)});
    infeasibleLower_->replace({QPointF(*budget, yLow), QPointF(right, yLow)});
}

} // namespace dnas::ui
