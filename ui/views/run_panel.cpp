#include "views/run_panel.h"

#include <cmath>
#include <limits>

#include <QComboBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QStyle>

namespace dnas::ui {

QString formatEta(double seconds) {
    if (!(seconds > 0) || !std::isfinite(seconds))
        return {};
    const auto s = static_cast<long long>(std::lround(seconds));
    if (s >= 3600)
        return QStringLiteral("ETA %1h%2m")
            .arg(s / 3600)
            .arg((s % 3600) / 60, 2, 10, QLatin1Char('0'));
    if (s >= 60)
        return QStringLiteral("ETA %1m%2s").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
    return QStringLiteral("ETA %1s").arg(s);
}

namespace {

QProgressBar* progressBar() {
    auto* bar = new QProgressBar;
    bar->setRange(0, 1);
    bar->setValue(0);
    bar->setTextVisible(true);
    bar->setFormat(QStringLiteral("idle"));
    return bar;
}

QSpinBox* spin(int low, int high, int value) {
    auto* s = new QSpinBox;
    s->setRange(low, high);
    s->setValue(value);
    return s;
}

} // namespace

RunPanel::RunPanel(QWidget* parent)
    : QWidget(parent) {
    auto* form = new QFormLayout(this);
    dataset_ = new QLineEdit(QStringLiteral("fashion-mnist"));
    dataset_->setToolTip(QStringLiteral(
        "A built-in dataset (fashion-mnist, fashion-mnist:binary, openclipart), an image folder "
        "(one sub-folder per class) or a Wake Vision CSV; drop a folder onto the window"));
    auto* browse = new QPushButton(QStringLiteral("Folder..."));
    connect(browse, &QPushButton::clicked, this, [this] {
        const auto dir = QFileDialog::getExistingDirectory(this, QStringLiteral("Image folder"));
        if (!dir.isEmpty())
            dataset_->setText(dir);
    });
    auto* datasetRow = new QWidget;
    auto* datasetLayout = new QHBoxLayout(datasetRow);
    datasetLayout->setContentsMargins(0, 0, 0, 0);
    datasetLayout->addWidget(dataset_, 1);
    datasetLayout->addWidget(browse);
    space_ = new QComboBox;
    space_->setEditable(true); // a preset or a space file
    space_->addItems({QStringLiteral("demo"), QStringLiteral("default"), QStringLiteral("paper")});
    mode_ = new QComboBox;
    mode_->addItem(QStringLiteral("DNAS vs HW-NAS"), QStringLiteral("compare"));
    mode_->addItem(QStringLiteral("DNAS only"), QStringLiteral("dnas"));
    mode_->addItem(QStringLiteral("HW-NAS only"), QStringLiteral("hwnas"));
    strategy_ = new QComboBox;
    strategy_->addItem(QStringLiteral("NSGA-II"), QStringLiteral("nsga2"));
    strategy_->addItem(QStringLiteral("paper GA"), QStringLiteral("paper-ga"));
    strategy_->addItem(QStringLiteral("random"), QStringLiteral("random"));
    evaluations_ = spin(1, 1000000, 100);
    evaluations_->setSuffix(QStringLiteral(" per mode"));
    population_ = spin(2, 100000, 10);
    seed_ = spin(0, 2147483647, 1);
    validation_ = spin(0, 10000000, 2000);
    validation_->setSpecialValueText(QStringLiteral("all"));
    validation_->setToolTip(QStringLiteral(
        "Validation images each candidate is scored on (at most; 0: the whole split)"));
    store_ = new QLineEdit;
    store_->setToolTip(QStringLiteral("The run store (SQLite) every evaluation is committed to"));
    start_ = new QPushButton(style()->standardIcon(QStyle::SP_MediaPlay), QStringLiteral("Start"));
    pause_ = new QPushButton(style()->standardIcon(QStyle::SP_MediaPause), QStringLiteral("Pause"));
    stop_ = new QPushButton(style()->standardIcon(QStyle::SP_MediaStop), QStringLiteral("Stop"));
    start_->setObjectName(QStringLiteral("start"));
    pause_->setObjectName(QStringLiteral("pause"));
    stop_->setObjectName(QStringLiteral("stop"));
    auto* buttons = new QWidget;
    auto* buttonLayout = new QHBoxLayout(buttons);
    buttonLayout->setContentsMargins(0, 0, 0, 0);
    for (auto* b : {start_, pause_, stop_})
        buttonLayout->addWidget(b);
    supernet_ = progressBar();
    dnas_ = progressBar();
    hwnas_ = progressBar();
    form->addRow(QStringLiteral("Dataset"), datasetRow);
    form->addRow(QStringLiteral("Space"), space_);
    form->addRow(QStringLiteral("Mode"), mode_);
    form->addRow(QStringLiteral("Strategy"), strategy_);
    form->addRow(QStringLiteral("Evaluations"), evaluations_);
    form->addRow(QStringLiteral("Population"), population_);
    form->addRow(QStringLiteral("Seed"), seed_);
    form->addRow(QStringLiteral("Validation"), validation_);
    form->addRow(QStringLiteral("Run store"), store_);
    form->addRow(buttons);
    form->addRow(QStringLiteral("Supernet"), supernet_);
    form->addRow(QStringLiteral("DNAS"), dnas_);
    form->addRow(QStringLiteral("HW-NAS"), hwnas_);
    connect(start_, &QPushButton::clicked, this, &RunPanel::startRequested);
    connect(pause_, &QPushButton::clicked, this, &RunPanel::pauseRequested);
    connect(stop_, &QPushButton::clicked, this, &RunPanel::stopRequested);
    setState(false, false);
}

void RunPanel::fill(SearchJob& job) const {
    job.dataset = dataset_->text().trimmed().toStdString();
    job.space = space_->currentText().trimmed().toStdString();
    job.store = store_->text().trimmed().toStdString();
    job.config.mode = mode_->currentData().toString().toStdString();
    job.config.strategy.name = strategy_->currentData().toString().toStdString();
    job.config.strategy.population = population_->value();
    job.config.maxEvaluations = evaluations_->value();
    job.config.seed = static_cast<std::uint64_t>(seed_->value());
    const auto validation = static_cast<std::size_t>(validation_->value());
    job.config.eval.valSubset =
        validation == 0 ? std::numeric_limits<std::size_t>::max() : validation;
}

void RunPanel::setDataset(const QString& spec) {
    dataset_->setText(spec);
}

QString RunPanel::dataset() const {
    return dataset_->text();
}

void RunPanel::setStore(const QString& path) {
    store_->setText(path);
}

void RunPanel::setSpace(const QString& presetOrFile) {
    space_->setCurrentText(presetOrFile);
}

void RunPanel::setMode(const QString& mode) {
    mode_->setCurrentIndex(std::max(0, mode_->findData(mode)));
}

void RunPanel::setPopulation(int n) {
    population_->setValue(n);
}

void RunPanel::setMaxEvaluations(int n) {
    evaluations_->setValue(n);
}

void RunPanel::setState(bool running, bool paused) {
    start_->setEnabled(!running);
    pause_->setEnabled(running);
    stop_->setEnabled(running);
    pause_->setText(paused ? QStringLiteral("Resume") : QStringLiteral("Pause"));
    pause_->setIcon(style()->standardIcon(paused ? QStyle::SP_MediaPlay : QStyle::SP_MediaPause));
    for (QWidget* w :
         std::initializer_list<QWidget*>{dataset_, space_, mode_, strategy_, evaluations_,
                                         population_, seed_, validation_, store_})
        w->setEnabled(!running);
}

void RunPanel::showPhase(const QString& name, qlonglong done, qlonglong total, double eta) {
    supernet_->setRange(0, static_cast<int>(std::max<qlonglong>(total, 1)));
    supernet_->setValue(static_cast<int>(done));
    supernet_->setFormat(
        QStringLiteral("%1: %2/%3 %4").arg(name).arg(done).arg(total).arg(formatEta(eta)));
}

void RunPanel::showProgress(const QString& mode, qlonglong done, qlonglong planned, double eta) {
    auto* bar = mode == QLatin1String("hwnas") ? hwnas_ : dnas_;
    bar->setRange(0, static_cast<int>(std::max<qlonglong>(planned, 1)));
    bar->setValue(static_cast<int>(std::min(done, std::max<qlonglong>(planned, 1))));
    bar->setFormat(
        planned > 0
            ? QStringLiteral("%1/%2 evaluations %3").arg(done).arg(planned).arg(formatEta(eta))
            : QStringLiteral("%1 evaluations").arg(done));
}

void RunPanel::resetProgress() {
    for (auto* bar : {supernet_, dnas_, hwnas_}) {
        bar->setRange(0, 1);
        bar->setValue(0);
        bar->setFormat(QStringLiteral("idle"));
    }
}

} // namespace dnas::ui

namespace dnas::ui {

void RunPanel::showSupernetReady() {
    if (supernet_->format() != QLatin1String("idle"))
        return; // it was trained: its bar says so
    supernet_->setRange(0, 1);
    supernet_->setValue(1);
    supernet_->setFormat(QStringLiteral("trained checkpoint loaded"));
}

} // namespace dnas::ui
