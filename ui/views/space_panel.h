#pragma once

#include <optional>
#include <string>

#include <QWidget>

#include "space/search_space.h"

QT_BEGIN_NAMESPACE
class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QTableWidget;
QT_END_NAMESPACE

namespace dnas::ui {

// The search space, from a preset or a space file, editable: resolutions, colour modes,
// widths, and per stage its depth range, expansions and kernels. Every edit is checked by the
// same reader as a space file (so the window and `dnas search --space` agree); problems are
// shown inline and the number of candidates is kept up to date. Also the HW-NAS baseline's
// fixed data configuration (default: the dataset's native one).
class SpacePanel : public QWidget {
    Q_OBJECT
public:
    explicit SpacePanel(QWidget* parent = nullptr);

    // Loads a preset name or a space file into the fields; false (and the reason shown) when
    // it cannot be read.
    bool load(const QString& presetOrFile);
    // The space as edited, or nullopt when the fields do not make a valid one (problems()).
    const std::optional<SearchSpace>& space() const { return space_; }
    QString problems() const;
    // What a search is given: the preset name or file as loaded when nothing was edited,
    // else the edited space written to `folder` (a file named after its content).
    std::string spaceSpec(const QString& folder) const;
    // The HW-NAS fixed data configuration; nullopt: the dataset's native one.
    std::optional<DataConfig> fixedData() const;
    void setFixedData(const std::optional<DataConfig>& data); // nullopt: native
    static QString fixedDataText(const DataConfig& data);     // "28 px grayscale"
    double candidates() const;

Q_SIGNALS:
    void spaceChanged();

private:
    void fillFields(const SearchSpace& space);
    void revalidate();
    void refreshFixedData();

    SearchSpace base_;   // the loaded space; fields not shown are kept from it
    QString loadedSpec_; // preset name or file of base_
    bool filling_ = false;
    std::optional<SearchSpace> space_;
    QComboBox* preset_ = nullptr;
    QLineEdit* resolutions_ = nullptr;
    QCheckBox* rgb_ = nullptr;
    QCheckBox* gray_ = nullptr;
    QLineEdit* widths_ = nullptr;
    QTableWidget* stages_ = nullptr;
    QLabel* count_ = nullptr;
    QLabel* problems_ = nullptr;
    QComboBox* fixed_ = nullptr;
};

} // namespace dnas::ui
