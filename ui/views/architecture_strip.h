#pragma once

#include <QWidget>

#include "space/architecture.h"

namespace dnas::ui {

// A network drawn as a strip of blocks, input on the left: the stem, each MBConv block (its
// height grows with its output channels; labelled with kernel and expansion; stride-2 blocks
// marked "/2" with a dark edge), the last 1x1 convolution and the classifier.
class ArchitectureStrip : public QWidget {
    Q_OBJECT
public:
    explicit ArchitectureStrip(QWidget* parent = nullptr);
    void setArchitecture(const ArchitectureSpec& spec);
    void clear();
    QSize sizeHint() const override { return {640, 120}; }

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    std::optional<ArchitectureSpec> spec_;
};

} // namespace dnas::ui
