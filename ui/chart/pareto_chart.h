#pragma once

#include <map>
#include <optional>
#include <tuple>
#include <vector>

#include "chart/chart_view.h"
#include <QPointer>

#include "chart/dot_layer.h"
#include "models/run_records.h"

QT_BEGIN_NAMESPACE
class QAbstractAxis;
class QAreaSeries;
class QLegendMarker;
class QLineSeries;
class QRubberBand;
class QScatterSeries;
class QValueAxis;
QT_END_NAMESPACE

namespace dnas::ui {

// The live Pareto chart over RunRecords: accuracy against a chosen cost. Every evaluated
// candidate is a faded point in its mode's colour (DNAS blue, HW-NAS orange); each mode's
// frontier under the budgets is a step line whose members show their data configuration
// (marker shape: resolution; filled: RGB, hollow: grayscale); candidates over the current
// budgets are grey rings, screened-out ones (never evaluated) small grey squares along the
// bottom edge. The budget on the cost axis is a red line with the infeasible region beyond it
// shaded; dragging the line changes that budget (`budgetDragged`), re-filtering the frontier
// from the stored figures at once. Hover shows a candidate's tooltip, a click selects it
// (`candidateClicked`), a rubber band zooms, the wheel zooms, the middle button pans,
// right-click or resetZoom() returns to the full view.
//
// Qt Charts is kept behind this class (and the hypervolume chart): it is deprecated from
// Qt 6.10 in favour of Qt Graphs, and a move should touch this folder only. Series are redrawn
// with replace() when RunRecords publishes (at most every 50 ms); picking uses our own
// nearest-point search, never a series' click signal (QTBUG-115072 in Qt 6.4).
class ParetoChart : public ChartView {
    Q_OBJECT
public:
    explicit ParetoChart(const RunRecords& records, QWidget* parent = nullptr);

    CostAxis costAxis() const { return axis_; }
    void setCostAxis(CostAxis axis);
    bool logScale() const { return log_; }
    void setLogScale(bool on);
    void setSelected(std::optional<std::size_t> row);
    std::optional<std::size_t> selected() const { return selected_; }
    void resetZoom();
    // Writes the chart as PNG or SVG (by the file's extension); false with `error` set when
    // the file cannot be written.
    bool exportTo(const QString& path, QString* error = nullptr);

    // For tests and the window: the widget position of a budget line, of a row's point, and
    // the number of points each visible series holds.
    std::optional<int> budgetLineX() const;
    QPoint pointPosition(std::size_t row) const;
    QPoint valuePosition(QPointF costAndAccuracy) const;
    int plottedCandidates(const std::string& mode) const;
    std::vector<std::size_t> frontierRows(const std::string& mode) const;
    // Faded points held, those already in the on-screen image and how often that image was
    // started from scratch (see DotLayer).
    std::size_t points() const { return dots_.dots().size(); }
    std::size_t cachedPoints() const { return dots_.cachedDots(); }
    std::size_t pointImageStarts() const { return dots_.imageStarts(); }

    // Another run's frontiers, drawn dashed with `name` in the legend (nullptr: none). Its
    // budgets are the caller's to keep in step (MainWindow gives it the shown run's).
    void setReference(const RunRecords* reference, const QString& name);
    std::vector<std::size_t> referenceFrontRows(const std::string& mode) const;

Q_SIGNALS:
    void candidateClicked(std::size_t row);
    // The budget on the cost axis, dragged to a new value (emitted while dragging and on
    // release; `finished` true on release).
    void budgetDragged(const dnas::Budgets& budgets, bool finished);

protected:
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;
    void applyPalette() override; // and the selection ring's colour
    // The many faded points are painted here (DotLayer), under the chart's items, not as
    // series: Qt Charts 6.4 re-styles every point item of a series on each replace() (10,000
    // points cost over 100 ms per redraw), and OpenGL series paint nothing into grab() or SVG.
    void drawBackground(QPainter* painter, const QRectF& rect) override;

private:
    struct ModeSeries {
        QScatterSeries* all = nullptr;
        QLineSeries* front = nullptr;
        std::map<std::pair<int, bool>, QScatterSeries*> members; // (resolution, rgb)
    };

    DotLayer::Shown dotsShown() const;
    // Value to scene / widget (viewport) position, from the axes' ranges and the plot area.
    PlotMapping mapping() const;
    QPointF toView(const PlotMapping& mapping, double x, double y) const;
    static DotLayer::Kind dotKind(const RunRecords& records, std::size_t row);

    // Everything again (budgets, axis, zoom reset); or the rows first..last appended.
    void rebuild();
    void rebuildReference();
    void toggleOnClick(QLegendMarker* marker); // a legend entry hides / shows its series
    void appendRows(std::size_t first, std::size_t last);
    void addDots(std::size_t first, std::size_t end); // rows [first, end)
    void refresh(); // frontier series, ranges, selection: after the points changed
    void rebuildAxes();
    void updateRanges();
    void drawBudget();
    QScatterSeries* memberSeries(const std::string& mode, int resolution, bool rgb);
    std::optional<std::size_t> nearestRow(const QPoint& pos) const;
    double plotX(const CandidateRecord& r) const;
    QString tooltip(std::size_t row) const;

    const RunRecords& records_;
    CostAxis axis_ = CostAxis::PeakSram;
    bool log_ = false;
    bool zoomed_ = false;
    std::map<std::string, ModeSeries> modes_;
    std::map<std::string, std::vector<std::size_t>> frontRows_;
    DotLayer dots_;
    std::map<std::string, int> plotted_; // feasible points by mode
    QScatterSeries* over_ = nullptr;
    QScatterSeries* screened_ = nullptr;
    QScatterSeries* selection_ = nullptr;
    QLineSeries* budgetLine_ = nullptr;
    QAreaSeries* infeasible_ = nullptr;
    QLineSeries* infeasibleUpper_ = nullptr;
    QLineSeries* infeasibleLower_ = nullptr;
    QAbstractAxis* xAxis_ = nullptr;
    QValueAxis* yAxis_ = nullptr;
    std::vector<int> resolutions_; // resolutions seen, for marker shapes
    std::optional<std::size_t> selected_;
    bool dragging_ = false;
    bool panning_ = false;
    QPoint lastPan_;
    QPoint pressPos_;
    QRubberBand* rubber_ = nullptr;
    struct ReferenceSeries {
        QLineSeries* front = nullptr;
        QScatterSeries* members = nullptr;
        std::vector<std::size_t> rows; // the reference's frontier rows by increasing cost
    };
    const RunRecords* reference_ = nullptr;
    QString referenceName_;
    std::map<std::string, ReferenceSeries> referenceSeries_;
    std::vector<QPointF> referencePoints_; // its frontier members, for the axis ranges
};

} // namespace dnas::ui
