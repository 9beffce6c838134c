// ParetoChart: picking, tooltips, dragging the budget line, zoom and pan, export.
#include "chart/pareto_chart.h"

#include <cmath>

#include <QFileInfo>
#include <QLogValueAxis>
#include <QMouseEvent>
#include <QPainter>
#include <QRubberBand>
#include <QScatterSeries>
#include <QSvgGenerator>
#include <QToolTip>
#include <QValueAxis>
#include <QWheelEvent>

#include "chart/chart_style.h"
#include "models/candidate_table_model.h"

namespace dnas::ui {
namespace {

constexpr int kPickPixels = 8; // how near the pointer must be to a point
constexpr int kDragPixels = 6; // ... or to the budget line to drag it

} // namespace

PlotMapping ParetoChart::mapping() const {
    PlotMapping m;
    m.plot = chart()->mapRectToScene(chart()->plotArea());
    m.log = log_;
    if (log_) {
        const auto* axis = static_cast<const QLogValueAxis*>(xAxis_);
        m.xMin = axis->min();
        m.xMax = axis->max();
    } else {
        const auto* axis = static_cast<const QValueAxis*>(xAxis_);
        m.xMin = axis->min();
        m.xMax = axis->max();
    }
    m.yMin = yAxis_->min();
    m.yMax = yAxis_->max();
    return m;
}

QPointF ParetoChart::toView(const PlotMapping& mapping, double x, double y) const {
    return mapFromScene(mapping.toScene(x, y));
}

QPoint ParetoChart::valuePosition(QPointF value) const {
    return toView(mapping(), value.x(), value.y()).toPoint();
}

QPoint ParetoChart::pointPosition(std::size_t row) const {
    const auto& r = records_.at(row);
    const auto m = mapping();
    return toView(m, plotX(r), r.evaluated ? r.accuracy : m.screenedY()).toPoint();
}

DotLayer::Shown ParetoChart::dotsShown() const {
    DotLayer::Shown shown{};
    shown[static_cast<std::size_t>(DotLayer::Kind::Dnas)] = modes_.at("dnas").all->isVisible();
    shown[static_cast<std::size_t>(DotLayer::Kind::Hwnas)] = modes_.at("hwnas").all->isVisible();
    shown[static_cast<std::size_t>(DotLayer::Kind::Over)] = over_->isVisible();
    shown[static_cast<std::size_t>(DotLayer::Kind::Screened)] = screened_->isVisible();
    return shown;
}

void ParetoChart::drawBackground(QPainter* painter, const QRectF& rect) {
    painter->fillRect(rect, palette().base());
    dots_.paint(painter, rect, mapping(), dotsShown());
}

std::optional<int> ParetoChart::budgetLineX() const {
    const auto budget = budgetOnAxis(records_.budgets(), axis_);
    if (!budget || *budget <= 0)
        return std::nullopt;
    const auto scene = chart()->mapToScene(
        chart()->mapToPosition(QPointF(*budget, yAxis_->min()), modes_.at("dnas").all));
    const int x = mapFromScene(scene).x();
    const auto plot = chart()->plotArea();
    const int left = mapFromScene(chart()->mapToScene(plot.topLeft())).x();
    const int right = mapFromScene(chart()->mapToScene(plot.topRight())).x();
    if (x < left || x > right)
        return std::nullopt;
    return x;
}

int ParetoChart::plottedCandidates(const std::string& mode) const {
    const auto it = plotted_.find(mode);
    return it == plotted_.end() ? 0 : it->second;
}

std::vector<std::size_t> ParetoChart::frontierRows(const std::string& mode) const {
    const auto it = frontRows_.find(mode);
    return it == frontRows_.end() ? std::vector<std::size_t>{} : it->second;
}

std::optional<std::size_t> ParetoChart::nearestRow(const QPoint& pos) const {
    std::optional<std::size_t> best;
    double bestDistance = kPickPixels * kPickPixels + 1;
    const auto m = mapping();
    const auto shown = dotsShown();
    for (const auto& d : dots_.dots()) {
        if (!shown[static_cast<std::size_t>(d.kind)])
            continue;
        const QPointF delta = mapFromScene(DotLayer::position(d, m)) - pos;
        const double distance = delta.x() * delta.x() + delta.y() * delta.y();
        if (distance < bestDistance) {
            bestDistance = distance;
            best = d.row;
        }
    }
    return best;
}

QString ParetoChart::tooltip(std::size_t row) const {
    const auto& r = records_.at(row);
    QStringList depths;
    for (const int d : r.candidate.arch.depths)
        depths << QString::number(d);
    const QString state = !r.evaluated ? QStringLiteral("screened out (over budget, not evaluated)")
                          : records_.onFrontier(row) ? QStringLiteral("on the frontier")
                          : records_.feasible(row)   ? QStringLiteral("feasible")
                                                     : QStringLiteral("over the budgets");
    return QStringLiteral("<b>#%1 %2</b> - %3<br>%4, width %5, depths %6<br>"
                          "accuracy %7<br>peak SRAM %8 KiB, flash %9 KiB<br>"
                          "latency %10 ms, %11 M MACs, %12 mJ")
        .arg(r.id)
        .arg(modeTitle(r.mode), state, dataConfigText(r.candidate))
        .arg(r.candidate.arch.width, 0, 'f', 2)
        .arg(depths.join(QLatin1Char(' ')))
        .arg(r.evaluated ? QString::number(r.accuracy, 'f', 4) : QStringLiteral("-"))
        .arg(axisValue(r, CostAxis::PeakSram), 0, 'f', 1)
        .arg(axisValue(r, CostAxis::Flash), 0, 'f', 1)
        .arg(r.latencyMs, 0, 'f', 1)
        .arg(axisValue(r, CostAxis::Macs), 0, 'f', 2)
        .arg(r.energyMj, 0, 'f', 3);
}

void ParetoChart::mousePressEvent(QMouseEvent* event) {
    const QPoint pos = event->position().toPoint();
    pressPos_ = pos;
    if (event->button() == Qt::LeftButton) {
        if (const auto line = budgetLineX(); line && std::abs(pos.x() - *line) <= kDragPixels) {
            dragging_ = true;
            return;
        }
        if (!rubber_)
            rubber_ = new QRubberBand(QRubberBand::Rectangle, this);
        rubber_->setGeometry(QRect(pos, QSize()));
        rubber_->show();
    } else if (event->button() == Qt::MiddleButton) {
        panning_ = true;
        lastPan_ = pos;
        setCursor(Qt::ClosedHandCursor);
    }
}

void ParetoChart::mouseMoveEvent(QMouseEvent* event) {
    const QPoint pos = event->position().toPoint();
    if (dragging_) {
        const auto value =
            chart()->mapToValue(chart()->mapFromScene(mapToScene(pos)), modes_.at("dnas").all);
        Q_EMIT budgetDragged(withBudgetOnAxis(records_.budgets(), axis_, value.x()), false);
        return;
    }
    if (panning_) {
        const QPoint d = pos - lastPan_;
        lastPan_ = pos;
        chart()->scroll(-d.x(), d.y());
        zoomed_ = true;
        return;
    }
    if (rubber_ && rubber_->isVisible()) {
        rubber_->setGeometry(QRect(pressPos_, pos).normalized());
        return;
    }
    const auto line = budgetLineX();
    setCursor(line && std::abs(pos.x() - *line) <= kDragPixels ? Qt::SplitHCursor
                                                               : Qt::ArrowCursor);
    if (const auto row = nearestRow(pos))
        QToolTip::showText(event->globalPosition().toPoint(), tooltip(*row), this);
    else
        QToolTip::hideText();
}

void ParetoChart::mouseReleaseEvent(QMouseEvent* event) {
    const QPoint pos = event->position().toPoint();
    if (dragging_) {
        dragging_ = false;
        const auto value =
            chart()->mapToValue(chart()->mapFromScene(mapToScene(pos)), modes_.at("dnas").all);
        Q_EMIT budgetDragged(withBudgetOnAxis(records_.budgets(), axis_, value.x()), true);
        updateRanges(); // no longer frozen
        return;
    }
    if (panning_) {
        panning_ = false;
        unsetCursor();
        return;
    }
    if (event->button() == Qt::RightButton) {
        resetZoom();
        return;
    }
    if (!rubber_ || !rubber_->isVisible())
        return;
    rubber_->hide();
    const QRect band = QRect(pressPos_, pos).normalized();
    if (band.width() > 4 && band.height() > 4) {
        const QRectF inChart(chart()->mapFromScene(mapToScene(band.topLeft())),
                             chart()->mapFromScene(mapToScene(band.bottomRight())));
        chart()->zoomIn(inChart.intersected(chart()->plotArea()));
        zoomed_ = true;
        return;
    }
    if (const auto row = nearestRow(pos))
        Q_EMIT candidateClicked(*row); // the receiver may change series: no series signal used
}

void ParetoChart::wheelEvent(QWheelEvent* event) {
    const double steps = event->angleDelta().y() / 120.0;
    if (steps == 0)
        return;
    chart()->zoom(std::pow(1.2, steps));
    zoomed_ = true;
}

bool ParetoChart::exportTo(const QString& path, QString* error) {
    const auto suffix = QFileInfo(path).suffix().toLower();
    bool ok = false;
    if (suffix == QLatin1String("svg")) {
        QSvgGenerator svg;
        svg.setFileName(path);
        svg.setSize(size());
        svg.setViewBox(rect());
        svg.setTitle(QStringLiteral("DNAS Studio Pareto chart"));
        QPainter painter;
        ok = painter.begin(&svg);
        if (ok) {
            render(&painter);
            ok = painter.end();
        }
    } else {
        ok = grab().save(path, suffix == QLatin1String("jpg") ? "JPG" : "PNG");
    }
    if (!ok && error)
        *error = QStringLiteral("%1: cannot be written").arg(path);
    return ok && QFileInfo(path).size() > 0;
}

} // namespace dnas::ui
