#include "views/architecture_strip.h"

#include <algorithm>
#include <cmath>

#include <QPainter>

namespace dnas::ui {
namespace {

struct Box {
    QString top;    // above the box: channels
    QString inside; // kernel / expansion
    int channels = 0;
    bool downsample = false;
    QColor colour;
};

} // namespace

ArchitectureStrip::ArchitectureStrip(QWidget* parent)
    : QWidget(parent) {
    setMinimumHeight(110);
}

void ArchitectureStrip::setArchitecture(const ArchitectureSpec& spec) {
    spec_ = spec;
    update();
}

void ArchitectureStrip::clear() {
    spec_.reset();
    update();
}

void ArchitectureStrip::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const auto text = palette().color(QPalette::WindowText);
    if (!spec_) {
        p.setPen(text);
        p.drawText(rect(), Qt::AlignCenter,
                   QStringLiteral("Select a candidate to see its network"));
        return;
    }
    const auto& s = *spec_;
    std::vector<Box> boxes;
    boxes.push_back({QString::number(s.stemChannels), QStringLiteral("stem\nk%1").arg(s.stemKernel),
                     s.stemChannels, s.stemStride > 1, QColor(120, 144, 156)});
    for (const auto& b : s.blocks)
        boxes.push_back({QString::number(b.outChannels),
                         QStringLiteral("k%1\ne%2").arg(b.kernel).arg(b.expansion), b.outChannels,
                         b.stride > 1, QColor(31, 110, 190)});
    if (s.lastChannels > 0)
        boxes.push_back({QString::number(s.lastChannels), QStringLiteral("1x1"), s.lastChannels,
                         false, QColor(120, 144, 156)});
    boxes.push_back(
        {QString::number(s.classes), QStringLiteral("FC"), s.classes, false, QColor(230, 120, 20)});
    int most = 1;
    for (const auto& b : boxes)
        most = std::max(most, b.channels);
    const double gap = 4;
    const double inputWidth = 46;
    const double w =
        std::max(14.0, (width() - inputWidth - 8 - gap * static_cast<double>(boxes.size())) /
                           static_cast<double>(boxes.size()));
    const double top = 18, bottom = height() - 16.0;
    const double full = bottom - top;
    // The input: resolution and channels.
    p.setPen(text);
    p.drawText(
        QRectF(0, top, inputWidth, full), Qt::AlignCenter,
        QStringLiteral("%1px\n%2").arg(s.resolution).arg(s.inputChannels == 1 ? "gray" : "rgb"));
    double x = inputWidth + 4;
    QFont small = font();
    small.setPointSizeF(std::max(6.0, font().pointSizeF() - 2));
    p.setFont(small);
    for (const auto& b : boxes) {
        // Height grows with the square root of channels: 16 and 1280 channels both readable.
        const double h = std::max(14.0, full * std::sqrt(static_cast<double>(b.channels) / most));
        const QRectF r(x, top + (full - h) / 2, w, h);
        p.setBrush(b.colour.lighter(150));
        p.setPen(QPen(b.downsample ? QColor(20, 20, 20) : b.colour, b.downsample ? 2.2 : 1));
        p.drawRoundedRect(r, 3, 3);
        p.setPen(text);
        if (w >= 18)
            p.drawText(r, Qt::AlignCenter, b.inside);
        p.drawText(QRectF(x - 4, 0, w + 8, top), Qt::AlignCenter, b.top);
        if (b.downsample)
            p.drawText(QRectF(x - 4, bottom, w + 8, 16), Qt::AlignCenter, QStringLiteral("/2"));
        x += w + gap;
    }
}

} // namespace dnas::ui
