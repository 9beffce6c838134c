#include "chart/chart_style.h"

#include <QBrush>
#include <QPen>
#include <QScatterSeries>
#include <QStringList>

namespace dnas::ui {
namespace {

// Marker shapes by resolution, with the glyph that names each in the key.
struct Shape {
    QScatterSeries::MarkerShape shape;
    const char* glyph;
};
const Shape kShapes[] = {{QScatterSeries::MarkerShapeCircle, "\u25CF"},
                         {QScatterSeries::MarkerShapeRectangle, "\u25A0"},
                         {QScatterSeries::MarkerShapeRotatedRectangle, "\u25C6"},
                         {QScatterSeries::MarkerShapeTriangle, "\u25B2"},
                         {QScatterSeries::MarkerShapeStar, "\u2605"},
                         {QScatterSeries::MarkerShapePentagon, "\u2B1F"}};
constexpr int kShapeCount = sizeof kShapes / sizeof kShapes[0];

// Resolutions get shapes in the order of the demo and default spaces' sizes, so that one
// resolution keeps its shape from run to run: 16/20/24/28/32, then 48/64/96/128/160...
int shapeIndex(int resolution) {
    static const int order[] = {16, 20, 24, 28, 32, 40, 48, 64, 96, 128, 160, 192, 224};
    for (int i = 0; i < static_cast<int>(sizeof order / sizeof order[0]); ++i)
        if (order[i] == resolution)
            return i % kShapeCount;
    return resolution % kShapeCount;
}

} // namespace

QColor modeColour(const std::string& mode) {
    return mode == "hwnas" ? QColor(230, 120, 20) : QColor(31, 110, 190);
}

void styleFaded(QScatterSeries* series, QColor colour) {
    colour.setAlpha(70);
    series->setMarkerShape(QScatterSeries::MarkerShapeCircle);
    series->setMarkerSize(7);
    series->setColor(colour);
    series->setBorderColor(colour);
}

void styleRing(QScatterSeries* series, QColor colour, double size) {
    series->setMarkerShape(QScatterSeries::MarkerShapeCircle);
    series->setMarkerSize(size);
    series->setBrush(Qt::NoBrush);
    series->setPen(QPen(colour, 1.5));
}

void styleMember(QScatterSeries* series, QColor colour, int resolution, bool rgb) {
    series->setMarkerShape(kShapes[shapeIndex(resolution)].shape);
    series->setMarkerSize(11);
    series->setPen(QPen(colour.darker(120), 1.8));
    series->setBrush(rgb ? QBrush(colour) : QBrush(Qt::white));
    series->setName(QStringLiteral("%1 px %2").arg(resolution).arg(rgb ? "rgb" : "grayscale"));
}

QString shapeKey(const std::vector<int>& resolutions) {
    if (resolutions.empty())
        return QStringLiteral(
            "frontier markers: shape = resolution, filled = RGB, hollow = grayscale");
    QStringList parts;
    for (const int r : resolutions)
        parts << QStringLiteral("%1 %2 px")
                     .arg(QString::fromUtf8(kShapes[shapeIndex(r)].glyph))
                     .arg(r);
    return parts.join(QStringLiteral("   ")) +
           QStringLiteral("      filled: RGB, hollow: grayscale");
}

} // namespace dnas::ui
