#pragma once

#include <QDialog>

QT_BEGIN_NAMESPACE
class QComboBox;
class QSpinBox;
QT_END_NAMESPACE

namespace dnas::ui {

// The user's preferences, kept in QSettings ("preferences/..."): how much of the machine a
// search may use and how the window looks.
struct Preferences {
    enum class Palette { System, Light, Dark };

    int threads = 0;     // LibTorch and image decoding; 0: one per core
    int cacheMiB = 2048; // decoded images kept in memory by a search
    Palette palette = Palette::System;

    static Preferences load();
    void save() const;
};

// Sets the application's palette: the platform's own (System: it also follows the platform
// when that changes), or Fusion's light or a dark one. Charts follow through their
// PaletteChange events (see applyChartPalette).
void applyPalette(Preferences::Palette palette);
// Whether a palette is a dark one (light text on a dark window).
bool isDark(const QPalette& palette);

class PreferencesDialog : public QDialog {
    Q_OBJECT
public:
    explicit PreferencesDialog(const Preferences& current, QWidget* parent = nullptr);
    Preferences value() const;

private:
    QSpinBox* threads_ = nullptr;
    QSpinBox* cache_ = nullptr;
    QComboBox* palette_ = nullptr;
};

} // namespace dnas::ui
