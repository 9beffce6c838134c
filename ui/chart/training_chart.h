#pragma once

#include "chart/chart_view.h"

#include <QList>
#include <QPointF>
#include <QTimer>

QT_BEGIN_NAMESPACE
class QLineSeries;
class QScatterSeries;
class QValueAxis;
QT_END_NAMESPACE

namespace dnas::ui {

// Supernet training while it happens: the largest subnet's loss over the steps (left axis)
// and the validation accuracy of the largest and smallest subnets at the probe steps (right
// axis). Steps can arrive far faster than a chart should repaint, so they are buffered and
// drawn every 100 ms by replacing whole series.
class TrainingChart : public ChartView {
    Q_OBJECT
public:
    explicit TrainingChart(QWidget* parent = nullptr);

    // A training step; accuracies are NaN between probes.
    void addStep(long long step, long long totalSteps, double loss, double largestAccuracy,
                 double smallestAccuracy);
    void clear();
    // Says why there is no curve (a supernet loaded, not trained, for this run).
    void showNote(const QString& note);

    bool empty() const { return lossPoints_.isEmpty(); } // no step since clear()
    int lossPoints() const;
    int probePoints() const; // probes drawn (largest subnet)

private:
    void flush();

    QLineSeries* loss_ = nullptr;
    QLineSeries* largest_ = nullptr;
    QLineSeries* smallest_ = nullptr;
    QValueAxis* x_ = nullptr;
    QValueAxis* lossAxis_ = nullptr;
    QValueAxis* accuracyAxis_ = nullptr;
    QList<QPointF> lossPoints_, largestPoints_, smallestPoints_;
    double lossMax_ = 0;
    double lossMin_ = 0;
    long long totalSteps_ = 1;
    bool dirty_ = false;
    QTimer timer_;
};

} // namespace dnas::ui
