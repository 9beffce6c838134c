#pragma once

#include <array>
#include <cstddef>
#include <vector>

#include <QImage>
#include <QPointF>
#include <QRectF>
#include <QSize>
#include <QTransform>

QT_BEGIN_NAMESPACE
class QPainter;
QT_END_NAMESPACE

namespace dnas::ui {

// Where values land on the Pareto chart: its plot area in scene coordinates and the axes'
// ranges (cost on x, linear or logarithmic; accuracy on y).
struct PlotMapping {
    QRectF plot;
    double xMin = 0, xMax = 1, yMin = 0, yMax = 1;
    bool log = false;

    QPointF toScene(double x, double y) const;
    // Where screened-out candidates (no accuracy) sit: along the bottom edge.
    double screenedY() const { return yMin + (yMax - yMin) * 0.015; }
    bool operator==(const PlotMapping&) const = default;
};

// The chart's many faded points, painted under its items (see ParetoChart::drawBackground).
// On a raster device (the screen, grab()) they are kept in an image of the plot area in device
// pixels: a refresh paints into it only the points appended since, and it is painted again
// from the start only when the points are replaced (budgets, cost axis) or the mapping, the
// kinds shown or the device transform (resize, zoom, pan, devicePixelRatio) change; a point
// goes in as a pre-painted sprite, at the nearest quarter pixel. Any other device (SVG export,
// printing) gets every point as a vector shape. GUI thread only.
class DotLayer {
public:
    enum class Kind : unsigned char { Dnas, Hwnas, Over, Screened };
    static constexpr std::size_t kKinds = 4;
    static constexpr int kSteps = 4;        // sprite offsets per pixel and direction
    using Shown = std::array<bool, kKinds>; // by Kind
    struct Dot {
        double x = 0; // cost, in the axis's display unit
        double accuracy = 0;
        Kind kind = Kind::Dnas;
        std::size_t row = 0; // the RunRecords row
    };

    const std::vector<Dot>& dots() const { return dots_; }
    // Replaces every point: the image is painted from the start at the next paint.
    void clear();
    void append(const Dot& dot) { dots_.push_back(dot); }
    static QPointF position(const Dot& dot, const PlotMapping& mapping);

    // Paints the shown points within `exposed` (scene coordinates), clipped to the plot area.
    void paint(QPainter* painter, const QRectF& exposed, const PlotMapping& mapping,
               const Shown& shown);
    // For tests: the points painted into the image so far, and how often it was started from
    // scratch.
    std::size_t cachedDots() const { return cached_; }
    std::size_t imageStarts() const { return starts_; }

private:
    struct CacheKey {
        PlotMapping mapping;
        Shown shown{};
        QTransform device; // scene to the image's pixels
        QSize pixels;      // the image's size: the plot area in device pixels
        bool operator==(const CacheKey&) const = default;
    };
    // Every shown point within `bounds` (scene coordinates) as a vector shape.
    void paintDots(QPainter* painter, const PlotMapping& mapping, const Shown& shown,
                   const QRectF& bounds) const;
    static void paintShape(QPainter* painter, Kind kind, QPointF at);
    void paintCached(QPainter* painter, const PlotMapping& mapping, const Shown& shown);
    // Each kind's shape painted at the device scale, at each quarter-pixel offset: the image
    // takes a point as one small blit (10,000 antialiased ellipses cost about 25 ms).
    void makeSprites(double scaleX, double scaleY);

    std::vector<Dot> dots_;
    QImage image_; // transparent where no point is; device pixels, devicePixelRatio 1
    CacheKey key_;
    std::size_t cached_ = 0; // dots_[0, cached_) are in image_
    // By kind, then offset (row-major quarter pixels); made for the scale `spriteScale_`.
    std::array<std::array<QImage, kSteps * kSteps>, kKinds> sprites_;
    QPointF spriteScale_;
    int spriteHalf_ = 0; // a sprite's centre pixel
    std::size_t starts_ = 0;
};

} // namespace dnas::ui
