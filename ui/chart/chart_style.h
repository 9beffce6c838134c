#pragma once

#include <string>
#include <vector>

#include <QColor>
#include <QString>

QT_BEGIN_NAMESPACE
class QScatterSeries;
QT_END_NAMESPACE

namespace dnas::ui {

// Colours and markers shared by the window's charts and its legend texts.
QColor modeColour(const std::string& mode); // DNAS blue, HW-NAS orange
void styleFaded(QScatterSeries* series, QColor colour);
void styleRing(QScatterSeries* series, QColor colour, double size);
// A frontier member: shape by the resolution's place among `resolution`s seen (circle,
// square, diamond, triangle, star, pentagon, repeating), filled for RGB, hollow for grayscale.
void styleMember(QScatterSeries* series, QColor colour, int resolution, bool rgb);
// "● 16 px  ■ 20 px ...   filled: RGB, hollow: grayscale" for the resolutions seen.
QString shapeKey(const std::vector<int>& resolutions);

} // namespace dnas::ui
