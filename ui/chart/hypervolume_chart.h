#pragma once

#include <map>
#include <string>

#include "chart/chart_view.h"

QT_BEGIN_NAMESPACE
class QLineSeries;
class QValueAxis;
QT_END_NAMESPACE

namespace dnas::ui {

// The DNAS vs HW-NAS race: each mode's hypervolume over its evaluations, as step lines.
class HypervolumeChart : public ChartView {
    Q_OBJECT
public:
    explicit HypervolumeChart(QWidget* parent = nullptr);

    void addPoint(const std::string& mode, long long evaluations, double value);
    void clear();
    int points(const std::string& mode) const;

private:
    std::map<std::string, QLineSeries*> series_;
    QValueAxis* x_ = nullptr;
    QValueAxis* y_ = nullptr;
    double xMax_ = 1, yMax_ = 0;
};

} // namespace dnas::ui
