#include "views/run_panel.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include <QComboBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QStyle>

#include "data/dataset.h"
#include "data/dataset_inspection.h"
#include "data/dataset_loader.h"

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
            setDataset(dir);
    });
    connect(dataset_, &QLineEdit::editingFinished, this, &RunPanel::inspectDataset);
    datasetInfo_ = new QLabel;
    datasetInfo_->setWordWrap(true);
    datasetInfo_->setObjectName(QStringLiteral("datasetInfo"));
    auto* datasetRow = new QWidget;
    auto* datasetLayout = new QHBoxLayout(datasetRow);
    datasetLayout->setContentsMargins(0, 0, 0, 0);
    datasetLayout->addWidget(dataset_, 1);
    datasetLayout->addWidget(browse);
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
    form->addRow(QString(), datasetInfo_);
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
    job.store = store_->text().trimmed().toStdString();
    job.config.mode = mode_->currentData().toString().toStdString();
    job.config.strategy.name = strategy_->currentData().toString().toStdString();
    job.config.strategy.population = population_->value();
    job.config.maxEvaluations = evaluations_->value();
    job.config.seed = static_cast<std::uint64_t>(seed_->value());
    job.config.eval.valSubset = static_cast<std::size_t>(validation_->value()); // 0: all
}

void RunPanel::apply(const SearchJob& job) {
    setDataset(QString::fromStdString(job.dataset));
    setStore(QString::fromStdString(job.store.string()));
    setMode(QString::fromStdString(job.config.mode));
    strategy_->setCurrentIndex(
        std::max(0, strategy_->findData(QString::fromStdString(job.config.strategy.name))));
    population_->setValue(job.config.strategy.population);
    evaluations_->setValue(static_cast<int>(
        std::clamp<long long>(job.config.maxEvaluations, 1, evaluations_->maximum())));
    seed_->setValue(static_cast<int>(
        std::min<std::uint64_t>(job.config.seed, static_cast<std::uint64_t>(seed_->maximum()))));
    const auto validation = job.config.eval.valSubset;
    validation_->setValue(static_cast<int>(
        std::min<std::size_t>(validation, static_cast<std::size_t>(validation_->maximum()))));
}

void RunPanel::setDataset(const QString& spec) {
    dataset_->setText(spec);
    inspectDataset();
}

QString RunPanel::datasetInfo() const {
    return datasetInfo_->text();
}

void RunPanel::inspectDataset() {
    const QString spec = dataset_->text().trimmed();
    if (spec.isEmpty() || spec == property("inspected").toString())
        return;
    setProperty("inspected", spec);
    datasetInfo_->setText(QStringLiteral("inspecting %1...").arg(spec));
    std::erase_if(inspections_, [](const Inspection& i) { return i.done->load(); });
    auto done = std::make_shared<std::atomic<bool>>(false);
    inspections_.push_back(
        {done, std::jthread([this, spec, done] {
             QString text, details;
             bool ok = false;
             try {
                 const auto ds = loadDataset(spec.toStdString());
                 const auto j = dnas::inspectDataset(*ds);
                 QStringList counts;
                 for (const char* split : {"train", "validation", "test"}) {
                     if (!j["splits"].contains(split))
                         continue;
                     const auto& v = j["splits"][split];
                     counts << QStringLiteral("%1 %2")
                                   .arg(v.value("used_for_training", v.value("count", 0)))
                                   .arg(QString::fromLatin1(split));
                     if (v.contains("held_out_from"))
                         counts.last() += QStringLiteral(" (held out from train)");
                 }
                 text =
                     QStringLiteral("%1 (%2): %3 classes; %4")
                         .arg(QString::fromStdString(ds->name), QString::fromStdString(ds->format))
                         .arg(ds->classes.size())
                         .arg(counts.join(QStringLiteral(", ")));
                 if (!ds->skipped.empty()) {
                     text += QStringLiteral("; %1 skipped (hover for why)").arg(ds->skipped.size());
                     QStringList lines;
                     for (const auto& sk : ds->skipped)
                         lines << QString::fromStdString(sk.file + ": " + sk.reason);
                     details = lines.mid(0, 50).join(QLatin1Char('\n'));
                 }
                 if (!ds->note.empty())
                     text += QStringLiteral(" - ") + QString::fromStdString(ds->note);
                 ok = true;
             } catch (const std::exception& e) {
                 text = QString::fromUtf8(e.what());
             }
             QMetaObject::invokeMethod(
                 this, [this, spec, text, details, ok] { showInspection(spec, text, details, ok); },
                 Qt::QueuedConnection);
             done->store(true);
         })});
}

void RunPanel::showInspection(const QString& spec, const QString& text, const QString& details,
                              bool ok) {
    if (spec != dataset_->text().trimmed())
        return; // another dataset was chosen meanwhile
    datasetInfo_->setText(text);
    datasetInfo_->setToolTip(details);
    datasetInfo_->setStyleSheet(ok ? QString() : QStringLiteral("color: #c62828"));
    Q_EMIT datasetInspected(spec, ok);
}

QString RunPanel::dataset() const {
    return dataset_->text();
}

void RunPanel::setStore(const QString& path) {
    store_->setText(path);
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
    for (QWidget* w : std::initializer_list<QWidget*>{dataset_, mode_, strategy_, evaluations_,
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
