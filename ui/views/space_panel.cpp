#include "views/space_panel.h"

#include <cmath>
#include <functional>

#include <QCheckBox>
#include <QComboBox>
#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QTableWidget>
#include <QVBoxLayout>

#include "common/error.h"
#include "common/json_document.h"

namespace dnas::ui {
namespace {

enum StageColumn { Channels, Stride, MinDepth, MaxDepth, Expansions, Kernels, StageColumns };

template <typename T>
QString joined(const std::vector<T>& values) {
    QStringList parts;
    for (const auto& v : values)
        parts << QString::number(v);
    return parts.join(QLatin1Char(' '));
}

// "16 20, 24" as numbers; the words that are not numbers go to `bad`.
nlohmann::json numbers(const QString& text, bool whole, QStringList& bad) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& word :
         text.split(QRegularExpression(QStringLiteral("[\\s,;]+")), Qt::SkipEmptyParts)) {
        bool ok = false;
        if (whole) {
            const int v = word.toInt(&ok);
            if (ok)
                out.push_back(v);
        } else {
            const double v = word.toDouble(&ok);
            if (ok && std::isfinite(v))
                out.push_back(v);
            ok = ok && std::isfinite(v);
        }
        if (!ok)
            bad << word;
    }
    return out;
}

} // namespace

SpacePanel::SpacePanel(QWidget* parent)
    : QWidget(parent) {
    auto* outer = new QVBoxLayout(this);
    auto* form = new QFormLayout;
    outer->addLayout(form);
    outer->addStretch(1); // rows keep their height in a tall dock
    preset_ = new QComboBox;
    for (const auto& name : SearchSpace::presetNames())
        preset_->addItem(QString::fromStdString(name));
    auto* open = new QPushButton(QStringLiteral("Open..."));
    auto* save = new QPushButton(QStringLiteral("Save as..."));
    auto* presetRow = new QWidget;
    auto* presetLayout = new QHBoxLayout(presetRow);
    presetLayout->setContentsMargins(0, 0, 0, 0);
    presetLayout->addWidget(preset_, 1);
    presetLayout->addWidget(open);
    presetLayout->addWidget(save);
    resolutions_ = new QLineEdit;
    resolutions_->setObjectName(QStringLiteral("resolutions"));
    rgb_ = new QCheckBox(QStringLiteral("RGB"));
    gray_ = new QCheckBox(QStringLiteral("grayscale"));
    auto* colours = new QWidget;
    auto* colourLayout = new QHBoxLayout(colours);
    colourLayout->setContentsMargins(0, 0, 0, 0);
    colourLayout->addWidget(rgb_);
    colourLayout->addWidget(gray_);
    colourLayout->addStretch(1);
    widths_ = new QLineEdit;
    stages_ = new QTableWidget(0, StageColumns);
    stages_->setHorizontalHeaderLabels({QStringLiteral("channels"), QStringLiteral("stride"),
                                        QStringLiteral("min d"), QStringLiteral("max d"),
                                        QStringLiteral("expand"), QStringLiteral("kernels")});
    stages_->horizontalHeaderItem(MinDepth)->setToolTip(
        QStringLiteral("fewest blocks of the stage"));
    stages_->horizontalHeaderItem(MaxDepth)->setToolTip(QStringLiteral("most blocks of the stage"));
    stages_->horizontalHeaderItem(Expansions)
        ->setToolTip(QStringLiteral("expansion ratios a block may take"));
    stages_->horizontalHeaderItem(Kernels)->setToolTip(
        QStringLiteral("depthwise kernel sizes a block may take"));
    stages_->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    stages_->verticalHeader()->setDefaultSectionSize(22);
    stages_->setVerticalScrollBarPolicy(Qt::ScrollBarAsNeeded);
    count_ = new QLabel;
    count_->setObjectName(QStringLiteral("candidateCount"));
    problems_ = new QLabel;
    problems_->setWordWrap(true);
    problems_->setStyleSheet(QStringLiteral("color: #c62828"));
    fixed_ = new QComboBox;
    fixed_->setObjectName(QStringLiteral("fixedData"));
    form->addRow(QStringLiteral("Space"), presetRow);
    form->addRow(QStringLiteral("Resolutions"), resolutions_);
    form->addRow(QStringLiteral("Colour"), colours);
    form->addRow(QStringLiteral("Widths"), widths_);
    form->addRow(stages_);
    form->addRow(count_);
    form->addRow(problems_);
    form->addRow(QStringLiteral("HW-NAS data"), fixed_);

    connect(preset_, &QComboBox::activated, this, [this] { load(preset_->currentText()); });
    connect(open, &QPushButton::clicked, this, [this] {
        const auto file =
            QFileDialog::getOpenFileName(this, QStringLiteral("Open a search space"), QString(),
                                         QStringLiteral("Spaces (*.json)"));
        if (!file.isEmpty())
            load(file);
    });
    connect(save, &QPushButton::clicked, this, [this] {
        if (!space_)
            return;
        const auto file = QFileDialog::getSaveFileName(
            this, QStringLiteral("Save the search space"), QStringLiteral("space.json"),
            QStringLiteral("Spaces (*.json)"));
        QFile out(file);
        if (!file.isEmpty() && out.open(QIODevice::WriteOnly | QIODevice::Truncate))
            out.write(QByteArray::fromStdString(space_->toJson().dump(2) + "\n"));
    });
    for (auto* edit : {resolutions_, widths_})
        connect(edit, &QLineEdit::textChanged, this, &SpacePanel::revalidate);
    for (auto* box : {rgb_, gray_})
        connect(box, &QCheckBox::toggled, this, &SpacePanel::revalidate);
    connect(stages_, &QTableWidget::cellChanged, this, &SpacePanel::revalidate);
    load(QStringLiteral("demo"));
}

bool SpacePanel::load(const QString& presetOrFile) {
    try {
        auto space = SearchSpace::load(presetOrFile.toStdString());
        base_ = space;
        loadedSpec_ = presetOrFile;
        fillFields(space);
        revalidate();
        const int i = preset_->findText(presetOrFile);
        if (i >= 0)
            preset_->setCurrentIndex(i);
        return true;
    } catch (const std::exception& e) {
        problems_->setText(QString::fromUtf8(e.what()));
        problems_->setVisible(true);
        return false;
    }
}

void SpacePanel::fillFields(const SearchSpace& s) {
    filling_ = true;
    resolutions_->setText(joined(s.resolutions));
    rgb_->setChecked(std::find(s.colours.begin(), s.colours.end(), ColourMode::Rgb) !=
                     s.colours.end());
    gray_->setChecked(std::find(s.colours.begin(), s.colours.end(), ColourMode::Grayscale) !=
                      s.colours.end());
    widths_->setText(joined(s.widths));
    stages_->setRowCount(static_cast<int>(s.stages.size()));
    for (int r = 0; r < static_cast<int>(s.stages.size()); ++r) {
        const auto& st = s.stages[static_cast<std::size_t>(r)];
        const QString cells[StageColumns] = {
            QString::number(st.channels), QString::number(st.stride), QString::number(st.minDepth),
            QString::number(st.maxDepth), joined(st.expansions),      joined(st.kernels)};
        for (int c = 0; c < StageColumns; ++c)
            stages_->setItem(r, c, new QTableWidgetItem(cells[c]));
    }
    // As tall as its rows (a space has a handful of stages).
    stages_->setFixedHeight(stages_->horizontalHeader()->sizeHint().height() +
                            22 * std::min(stages_->rowCount(), 10) + 4);
    filling_ = false;
}

QString SpacePanel::problems() const {
    return problems_->text();
}

void SpacePanel::revalidate() {
    if (filling_)
        return;
    QStringList bad;
    auto j = base_.toJson();
    QStringList words;
    j["data"]["resolutions"] = numbers(resolutions_->text(), true, words);
    for (const auto& w : words)
        bad << QStringLiteral("resolutions: '%1' is not a whole number").arg(w);
    nlohmann::json colours = nlohmann::json::array();
    if (rgb_->isChecked())
        colours.push_back("rgb");
    if (gray_->isChecked())
        colours.push_back("grayscale");
    j["data"]["colours"] = colours;
    words.clear();
    j["width"]["values"] = numbers(widths_->text(), false, words);
    for (const auto& w : words)
        bad << QStringLiteral("widths: '%1' is not a number").arg(w);
    for (int r = 0; r < stages_->rowCount(); ++r) {
        auto& st = j["stages"][static_cast<std::size_t>(r)];
        auto cell = [&](int c) {
            return stages_->item(r, c) ? stages_->item(r, c)->text() : QString();
        };
        auto one = [&](int c, const char* what) -> nlohmann::json {
            QStringList w;
            auto v = numbers(cell(c), true, w);
            if (!w.isEmpty() || v.size() != 1)
                bad << QStringLiteral("stage %1: %2 '%3' is not one whole number")
                           .arg(r + 1)
                           .arg(what, cell(c));
            return v.empty() ? nlohmann::json(0) : v[0];
        };
        st["channels"] = one(Channels, "channels");
        st["stride"] = one(Stride, "stride");
        st["depth"] = {one(MinDepth, "min depth"), one(MaxDepth, "max depth")};
        for (const auto& [column, key] :
             {std::pair{Expansions, "expansions"}, std::pair{Kernels, "kernels"}}) {
            QStringList w;
            st[key] = numbers(cell(column), true, w);
            for (const auto& word : w)
                bad << QStringLiteral("stage %1: %2: '%3' is not a whole number")
                           .arg(r + 1)
                           .arg(key, word);
        }
    }
    space_.reset();
    if (bad.isEmpty()) {
        try {
            space_ = SearchSpace::fromDocument(JsonDocument::fromText(j.dump(2), "edited space"));
        } catch (const InputError& e) {
            for (const auto& p : e.problems())
                bad << QString::fromStdString((p.field.empty() ? "" : p.field + ": ") + p.message);
        }
    }
    problems_->setText(bad.join(QLatin1Char('\n')));
    problems_->setVisible(!bad.isEmpty());
    count_->setText(space_ ? QStringLiteral("%1 candidates (%2 data configurations)")
                                 .arg(space_->cardinality(), 0, 'g', 3)
                                 .arg(space_->resolutions.size() * space_->colours.size())
                           : QStringLiteral("not a valid space"));
    refreshFixedData();
    Q_EMIT spaceChanged();
}

void SpacePanel::refreshFixedData() {
    const QString current = fixed_->currentText();
    const QSignalBlocker block(fixed_);
    fixed_->clear();
    fixed_->addItem(QStringLiteral("native configuration of the dataset"));
    if (space_)
        for (const int r : space_->resolutions)
            for (const auto c : space_->colours)
                fixed_->addItem(fixedDataText(DataConfig{r, c}));
    fixed_->setCurrentIndex(std::max(0, fixed_->findText(current)));
}

QString SpacePanel::fixedDataText(const DataConfig& d) {
    return QStringLiteral("%1 px %2")
        .arg(d.resolution)
        .arg(QString::fromUtf8(toString(d.colour).data()));
}

void SpacePanel::setFixedData(const std::optional<DataConfig>& d) {
    fixed_->setCurrentIndex(d ? std::max(0, fixed_->findText(fixedDataText(*d))) : 0);
}

std::optional<DataConfig> SpacePanel::fixedData() const {
    const auto match =
        QRegularExpression(QStringLiteral("^(\\d+) px (\\w+)$")).match(fixed_->currentText());
    if (!match.hasMatch())
        return std::nullopt;
    DataConfig d;
    d.resolution = match.captured(1).toInt();
    d.colour = parseColourMode(match.captured(2).toStdString()).value_or(ColourMode::Rgb);
    return d;
}

double SpacePanel::candidates() const {
    return space_ ? space_->cardinality() : 0;
}

std::string SpacePanel::spaceSpec(const QString& folder) const {
    if (!space_ || space_->toJson() == base_.toJson()) // unchanged: the preset or file itself
        return loadedSpec_.toStdString();
    const auto text = QByteArray::fromStdString(space_->toJson().dump(2) + "\n");
    const auto hash = QCryptographicHash::hash(text, QCryptographicHash::Sha256).toHex().left(12);
    QDir().mkpath(folder);
    const auto path =
        QDir(folder).filePath(QStringLiteral("space-%1.json").arg(QString::fromLatin1(hash)));
    QFile out(path);
    if (out.open(QIODevice::WriteOnly | QIODevice::Truncate))
        out.write(text);
    return path.toStdString();
}

} // namespace dnas::ui
