#include "chart/training_chart.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include <QLineSeries>
#include <QValueAxis>

#include "chart/chart_style.h"

namespace dnas::ui {
namespace {

constexpr qsizetype kMaxLossPoints = 4000; // thinned by halves beyond this

QLineSeries* addLine(QChart* chart, const QString& name, QPen pen, QValueAxis* x, QValueAxis* y) {
    auto* s = new QLineSeries(chart);
    s->setName(name);
    s->setPen(pen);
    chart->addSeries(s);
    s->attachAxis(x);
    s->attachAxis(y);
    return s;
}

} // namespace

TrainingChart::TrainingChart(QWidget* parent)
    : ChartView(parent) {
    auto* chart = this->chart();
    chart->legend()->setAlignment(Qt::AlignBottom);
    x_ = new QValueAxis(chart);
    x_->setTitleText(QStringLiteral("training step"));
    x_->setLabelFormat(QStringLiteral("%d"));
    lossAxis_ = new QValueAxis(chart);
    lossAxis_->setTitleText(QStringLiteral("loss of the largest subnet"));
    accuracyAxis_ = new QValueAxis(chart);
    accuracyAxis_->setTitleText(QStringLiteral("validation accuracy"));
    accuracyAxis_->setRange(0, 1);
    chart->addAxis(x_, Qt::AlignBottom);
    chart->addAxis(lossAxis_, Qt::AlignLeft);
    chart->addAxis(accuracyAxis_, Qt::AlignRight);
    loss_ = addLine(chart, QStringLiteral("loss"), QPen(QColor(128, 128, 128), 1.5), x_, lossAxis_);
    largest_ = addLine(chart, QStringLiteral("largest subnet"), QPen(modeColour("dnas"), 2), x_,
                       accuracyAxis_);
    smallest_ = addLine(chart, QStringLiteral("smallest subnet"),
                        QPen(QColor(40, 150, 90), 2, Qt::DashLine), x_, accuracyAxis_);
    largest_->setPointsVisible(true);
    smallest_->setPointsVisible(true);
    applyPalette();
    timer_.setInterval(100);
    connect(&timer_, &QTimer::timeout, this, &TrainingChart::flush);
    clear();
}

void TrainingChart::addStep(long long step, long long totalSteps, double loss,
                            double largestAccuracy, double smallestAccuracy) {
    const auto x = static_cast<double>(step);
    if (std::isfinite(loss)) {
        lossPoints_.append({x, loss});
        lossMax_ = std::max(lossMax_, loss);
        lossMin_ = std::min(lossMin_, loss);
        if (lossPoints_.size() > kMaxLossPoints) { // keep every other point: the curve's shape
            QList<QPointF> thinned;
            thinned.reserve(lossPoints_.size() / 2 + 1);
            for (qsizetype i = 0; i < lossPoints_.size(); i += 2)
                thinned.append(lossPoints_[i]);
            lossPoints_.swap(thinned);
        }
    }
    if (std::isfinite(largestAccuracy))
        largestPoints_.append({x, largestAccuracy});
    if (std::isfinite(smallestAccuracy))
        smallestPoints_.append({x, smallestAccuracy});
    totalSteps_ = std::max(totalSteps, step);
    dirty_ = true;
    if (!timer_.isActive())
        timer_.start();
}

void TrainingChart::flush() {
    if (!dirty_) {
        timer_.stop();
        return;
    }
    dirty_ = false;
    loss_->replace(lossPoints_);
    largest_->replace(largestPoints_);
    smallest_->replace(smallestPoints_);
    x_->setRange(0, static_cast<double>(std::max<long long>(1, totalSteps_)));
    // The loss's own span (not from 0): its fall is what the curve is there to show.
    if (lossMax_ > 0) {
        const double pad = std::max(1e-3, (lossMax_ - lossMin_) * 0.1);
        lossAxis_->setRange(std::max(0.0, lossMin_ - pad), lossMax_ + pad);
        lossAxis_->applyNiceNumbers();
    } else {
        lossAxis_->setRange(0, 1);
    }
    chart()->setTitle(QStringLiteral("Supernet training: step %1 of %2")
                          .arg(lossPoints_.isEmpty() ? 0 : qRound64(lossPoints_.last().x()))
                          .arg(totalSteps_));
}

void TrainingChart::clear() {
    lossPoints_.clear();
    largestPoints_.clear();
    smallestPoints_.clear();
    lossMax_ = 0;
    lossMin_ = std::numeric_limits<double>::max();
    totalSteps_ = 1;
    dirty_ = true;
    flush();
    chart()->setTitle(QStringLiteral("Supernet training (shown while a supernet trains)"));
}

void TrainingChart::showNote(const QString& note) {
    chart()->setTitle(note);
}

int TrainingChart::lossPoints() const {
    return static_cast<int>(loss_->count());
}

int TrainingChart::probePoints() const {
    return static_cast<int>(largest_->count());
}

} // namespace dnas::ui
