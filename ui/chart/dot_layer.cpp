#include "chart/dot_layer.h"

#include <algorithm>
#include <cmath>

#include <QPaintEngine>
#include <QPainter>

#include "chart/chart_style.h"

namespace dnas::ui {
namespace {

constexpr double kRadius = 3.5; // a faded point
constexpr double kSquare = 5;   // a screened-out candidate's side
constexpr double kReach = 6;    // beyond a point's position, nothing of it is painted

int floorDiv(int quarters) {
    return quarters >= 0 ? quarters / DotLayer::kSteps
                         : -((-quarters + DotLayer::kSteps - 1) / DotLayer::kSteps);
}

QColor faded(const std::string& mode) {
    QColor c = modeColour(mode);
    c.setAlpha(70);
    return c;
}

} // namespace

QPointF PlotMapping::toScene(double x, double y) const {
    double fx = 0;
    if (log) {
        const double low = std::log10(xMin), high = std::log10(xMax);
        fx = (std::log10(std::max(x, 1e-12)) - low) / (high - low);
    } else {
        fx = (x - xMin) / (xMax - xMin);
    }
    const double fy = (y - yMin) / (yMax - yMin);
    return {plot.left() + fx * plot.width(), plot.bottom() - fy * plot.height()};
}

QPointF DotLayer::position(const Dot& dot, const PlotMapping& mapping) {
    return mapping.toScene(dot.x, dot.kind == Kind::Screened ? mapping.screenedY() : dot.accuracy);
}

void DotLayer::clear() {
    dots_.clear();
    cached_ = 0;
    key_ = {}; // matches no paint: the image starts again
}

void DotLayer::paint(QPainter* painter, const QRectF& exposed, const PlotMapping& mapping,
                     const Shown& shown) {
    painter->save();
    painter->setClipRect(mapping.plot.intersected(exposed));
    // The image holds device pixels: only for a raster device, and only when scene to device
    // is a scale and a shift (always so in a chart view).
    const bool raster = painter->paintEngine() &&
                        painter->paintEngine()->type() == QPaintEngine::Raster &&
                        painter->deviceTransform().type() <= QTransform::TxScale;
    if (raster) {
        paintCached(painter, mapping, shown);
    } else {
        painter->setRenderHint(QPainter::Antialiasing);
        paintDots(painter, mapping, shown, exposed.adjusted(-kReach, -kReach, kReach, kReach));
    }
    painter->restore();
}

void DotLayer::paintCached(QPainter* painter, const PlotMapping& mapping, const Shown& shown) {
    const QTransform device = painter->deviceTransform();
    const QRect pixels = device.mapRect(mapping.plot).toAlignedRect();
    if (pixels.isEmpty())
        return;
    // Keyed by scene to image, not to device: a grab() at another offset keeps the image.
    const QTransform toImage = device * QTransform::fromTranslate(-pixels.x(), -pixels.y());
    const CacheKey key{mapping, shown, toImage, pixels.size()};
    if (!(key == key_) || image_.size() != pixels.size()) {
        if (spriteScale_ != QPointF(toImage.m11(), toImage.m22()))
            makeSprites(toImage.m11(), toImage.m22());
        key_ = key;
        if (image_.size() != pixels.size())
            image_ = QImage(pixels.size(), QImage::Format_ARGB32_Premultiplied);
        image_.fill(Qt::transparent);
        cached_ = 0;
        ++starts_;
    }
    if (cached_ < dots_.size()) {
        QPainter p(&image_);
        const QRectF inside =
            QRectF(image_.rect()).adjusted(-spriteHalf_, -spriteHalf_, spriteHalf_, spriteHalf_);
        for (std::size_t i = cached_; i < dots_.size(); ++i) {
            const auto& d = dots_[i];
            if (!shown[static_cast<std::size_t>(d.kind)])
                continue;
            const QPointF at = toImage.map(position(d, mapping));
            if (!inside.contains(at))
                continue;
            // The nearest quarter pixel: a whole pixel and the sprite of its quarter offset.
            const auto qx = static_cast<int>(std::floor(at.x() * kSteps + 0.5));
            const auto qy = static_cast<int>(std::floor(at.y() * kSteps + 0.5));
            const int px = floorDiv(qx), py = floorDiv(qy);
            const auto step = (qy - py * kSteps) * kSteps + (qx - px * kSteps);
            p.drawImage(QPoint(px - spriteHalf_, py - spriteHalf_),
                        sprites_[static_cast<std::size_t>(d.kind)][static_cast<std::size_t>(step)]);
        }
        cached_ = dots_.size();
    }
    // Drawn 1:1 in device pixels: world = shift in pixels, then back through the device
    // transform to the painter's own coordinates.
    painter->setWorldTransform(QTransform::fromTranslate(pixels.x(), pixels.y()) *
                               device.inverted() * painter->worldTransform());
    painter->drawImage(QPointF(0, 0), image_);
}

void DotLayer::makeSprites(double scaleX, double scaleY) {
    spriteScale_ = QPointF(scaleX, scaleY);
    spriteHalf_ =
        static_cast<int>(std::ceil(kReach * std::max(std::abs(scaleX), std::abs(scaleY))));
    const int side = 2 * spriteHalf_ + 1;
    for (std::size_t kind = 0; kind < kKinds; ++kind)
        for (int step = 0; step < kSteps * kSteps; ++step) {
            QImage sprite(side, side, QImage::Format_ARGB32_Premultiplied);
            sprite.fill(Qt::transparent);
            QPainter p(&sprite);
            p.setRenderHint(QPainter::Antialiasing);
            p.translate(spriteHalf_ + static_cast<double>(step % kSteps) / kSteps,
                        spriteHalf_ + static_cast<double>(step / kSteps) / kSteps);
            p.scale(scaleX, scaleY);
            paintShape(&p, static_cast<Kind>(kind), QPointF(0, 0));
            p.end();
            sprites_[kind][static_cast<std::size_t>(step)] = std::move(sprite);
        }
}

void DotLayer::paintDots(QPainter* painter, const PlotMapping& mapping, const Shown& shown,
                         const QRectF& bounds) const {
    for (const auto& d : dots_) {
        if (!shown[static_cast<std::size_t>(d.kind)])
            continue;
        const QPointF at = position(d, mapping);
        if (bounds.contains(at))
            paintShape(painter, d.kind, at);
    }
}

void DotLayer::paintShape(QPainter* painter, Kind kind, QPointF at) {
    static const QColor dnas = faded("dnas"), hwnas = faded("hwnas");
    switch (kind) {
    case Kind::Dnas:
    case Kind::Hwnas:
        painter->setPen(Qt::NoPen);
        painter->setBrush(kind == Kind::Dnas ? dnas : hwnas);
        painter->drawEllipse(at, kRadius, kRadius);
        break;
    case Kind::Over:
        painter->setPen(QPen(QColor(150, 150, 150), 1.2));
        painter->setBrush(Qt::NoBrush);
        painter->drawEllipse(at, kRadius, kRadius);
        break;
    case Kind::Screened:
        painter->setPen(Qt::NoPen);
        painter->setBrush(QColor(170, 170, 170));
        painter->drawRect(QRectF(at.x() - kSquare / 2, at.y() - kSquare / 2, kSquare, kSquare));
        break;
    }
}

} // namespace dnas::ui
