#include "chart/hypervolume_chart.h"

#include <algorithm>

#include <QLineSeries>
#include <QValueAxis>

#include "chart/chart_style.h"

namespace dnas::ui {

HypervolumeChart::HypervolumeChart(QWidget* parent)
    : ChartView(parent) {
    auto* chart = this->chart();
    chart->setTitle(QStringLiteral("Hypervolume of each mode's frontier over its evaluations"));
    chart->legend()->setAlignment(Qt::AlignBottom);
    x_ = new QValueAxis(chart);
    x_->setTitleText(QStringLiteral("evaluations"));
    x_->setLabelFormat(QStringLiteral("%d"));
    y_ = new QValueAxis(chart);
    y_->setTitleText(QStringLiteral("hypervolume (larger is better)"));
    chart->addAxis(x_, Qt::AlignBottom);
    chart->addAxis(y_, Qt::AlignLeft);
    for (const std::string mode : {"dnas", "hwnas"}) {
        auto* s = new QLineSeries(chart);
        s->setName(mode == "dnas" ? QStringLiteral("DNAS") : QStringLiteral("HW-NAS"));
        s->setPen(QPen(modeColour(mode), 2));
        chart->addSeries(s);
        s->attachAxis(x_);
        s->attachAxis(y_);
        series_[mode] = s;
    }
    applyPalette();
    clear();
}

void HypervolumeChart::addPoint(const std::string& mode, long long evaluations, double value) {
    const auto it = series_.find(mode);
    if (it == series_.end())
        return;
    auto* s = it->second;
    if (s->count() > 0) // a step: the hypervolume holds until the next point
        s->append(static_cast<double>(evaluations), s->at(s->count() - 1).y());
    s->append(static_cast<double>(evaluations), value);
    xMax_ = std::max(xMax_, static_cast<double>(evaluations));
    yMax_ = std::max(yMax_, value);
    x_->setRange(0, xMax_);
    y_->setRange(0, yMax_ > 0 ? yMax_ * 1.1 : 1);
}

void HypervolumeChart::clear() {
    for (auto& [mode, s] : series_)
        s->clear();
    xMax_ = 1;
    yMax_ = 0;
    x_->setRange(0, 1);
    y_->setRange(0, 1);
}

int HypervolumeChart::points(const std::string& mode) const {
    const auto it = series_.find(mode);
    return it == series_.end() ? 0 : static_cast<int>(it->second->count());
}

} // namespace dnas::ui
