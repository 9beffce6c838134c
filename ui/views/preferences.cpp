#include "views/preferences.h"

#include <algorithm>

#include <QApplication>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QPalette>
#include <QSettings>
#include <QSpinBox>
#include <QStyle>
#include <QStyleFactory>
#include <QThread>

namespace dnas::ui {
namespace {

QPalette darkPalette() {
    QPalette p;
    const QColor window(45, 45, 48), base(30, 30, 32), text(225, 225, 225);
    const QColor disabled(130, 130, 130), highlight(42, 130, 218);
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, base);
    p.setColor(QPalette::AlternateBase, window);
    p.setColor(QPalette::ToolTipBase, base);
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::PlaceholderText, disabled);
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, window);
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::BrightText, Qt::red);
    p.setColor(QPalette::Link, highlight.lighter(130));
    p.setColor(QPalette::Highlight, highlight);
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::Light, window.lighter(160));
    p.setColor(QPalette::Midlight, window.lighter(130));
    p.setColor(QPalette::Mid, window.darker(120));
    p.setColor(QPalette::Dark, window.darker(160));
    p.setColor(QPalette::Shadow, Qt::black);
    for (const auto role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText})
        p.setColor(QPalette::Disabled, role, disabled);
    return p;
}

} // namespace

Preferences Preferences::load() {
    QSettings s;
    Preferences p;
    p.threads = std::clamp(s.value(QStringLiteral("preferences/threads"), 0).toInt(), 0, 1024);
    p.cacheMiB =
        std::clamp(s.value(QStringLiteral("preferences/cacheMiB"), 2048).toInt(), 64, 1 << 20);
    const auto palette = s.value(QStringLiteral("preferences/palette")).toString();
    p.palette = palette == QLatin1String("light")  ? Palette::Light
                : palette == QLatin1String("dark") ? Palette::Dark
                                                   : Palette::System;
    return p;
}

void Preferences::save() const {
    QSettings s;
    s.setValue(QStringLiteral("preferences/threads"), threads);
    s.setValue(QStringLiteral("preferences/cacheMiB"), cacheMiB);
    s.setValue(QStringLiteral("preferences/palette"),
               palette == Palette::Light  ? QStringLiteral("light")
               : palette == Palette::Dark ? QStringLiteral("dark")
                                          : QStringLiteral("system"));
}

void applyPalette(Preferences::Palette palette) {
    // The style the application started with is the platform's choice; light and dark are
    // drawn by Fusion, whose look is the same everywhere and honours any palette.
    static const QString platformStyle = QApplication::style()->name();
    if (palette == Preferences::Palette::System) {
        QApplication::setStyle(QStyleFactory::create(platformStyle));
        QApplication::setPalette(QPalette()); // nothing resolved: the platform's palette
        return;
    }
    QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
    QApplication::setPalette(palette == Preferences::Palette::Dark
                                 ? darkPalette()
                                 : QApplication::style()->standardPalette());
}

bool isDark(const QPalette& palette) {
    return palette.color(QPalette::Window).lightness() < 128;
}

PreferencesDialog::PreferencesDialog(const Preferences& current, QWidget* parent)
    : QDialog(parent) {
    setWindowTitle(QStringLiteral("Preferences"));
    auto* form = new QFormLayout(this);
    threads_ = new QSpinBox;
    threads_->setRange(0, 1024);
    threads_->setSpecialValueText(
        QStringLiteral("one per core (%1)").arg(QThread::idealThreadCount()));
    threads_->setValue(current.threads);
    threads_->setToolTip(QStringLiteral("LibTorch and image-decoding threads of a search"));
    cache_ = new QSpinBox;
    cache_->setRange(64, 1 << 20);
    cache_->setSingleStep(256);
    cache_->setSuffix(QStringLiteral(" MiB"));
    cache_->setValue(current.cacheMiB);
    cache_->setToolTip(QStringLiteral(
        "Decoded images a search keeps in memory, per data configuration it scores"));
    palette_ = new QComboBox;
    palette_->addItems(
        {QStringLiteral("follow the system"), QStringLiteral("light"), QStringLiteral("dark")});
    palette_->setCurrentIndex(static_cast<int>(current.palette));
    form->addRow(QStringLiteral("Threads"), threads_);
    form->addRow(QStringLiteral("Image cache"), cache_);
    form->addRow(QStringLiteral("Palette"), palette_);
    auto* note = new QLabel(QStringLiteral("Threads and cache apply to the next search."));
    note->setEnabled(false);
    form->addRow(note);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    form->addRow(buttons);
}

Preferences PreferencesDialog::value() const {
    Preferences p;
    p.threads = threads_->value();
    p.cacheMiB = cache_->value();
    p.palette = static_cast<Preferences::Palette>(palette_->currentIndex());
    return p;
}

} // namespace dnas::ui
