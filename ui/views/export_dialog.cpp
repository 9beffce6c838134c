#include "views/export_dialog.h"

#include <QCheckBox>
#include <QCloseEvent>
#include <QDesktopServices>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QUrl>
#include <QVBoxLayout>

#include "common/error.h"
#include "export/export_request.h"

namespace dnas::ui {
namespace {

QString describe(const CandidateRecord& r) {
    return QStringLiteral("#%1 %2, %3 px %4, width %5, accuracy %6")
        .arg(r.id)
        .arg(r.mode == "hwnas" ? QStringLiteral("HW-NAS") : QStringLiteral("DNAS"))
        .arg(r.candidate.data.resolution)
        .arg(QString::fromStdString(std::string(toString(r.candidate.data.colour))))
        .arg(r.candidate.arch.width, 0, 'f', 2)
        .arg(r.evaluated ? QString::number(r.accuracy, 'f', 4) : QStringLiteral("not evaluated"));
}

QString percent(const nlohmann::json& v) {
    return QString::number(v.get<double>() * 100, 'f', 2) + " %";
}

QString summaryOf(const nlohmann::json& card) {
    const auto& val = card["accuracy"]["validation"];
    QString s =
        QStringLiteral("%1: validation accuracy float %2, int8 %3; model_int8.tflite %4 KiB")
            .arg(QString::fromStdString(card["name"].get<std::string>()),
                 percent(val["float"]["accuracy"]), percent(val["int8"]["accuracy"]))
            .arg(card["tflite"]["bytes"].get<double>() / 1024.0, 0, 'f', 1);
    for (const auto& c : card["checks"])
        s += QStringLiteral("; %1: largest difference %2")
                 .arg(QString::fromStdString(c["runtime"].get<std::string>()))
                 .arg(c["largest_difference"].get<double>());
    return s;
}

} // namespace

ExportDialog::ExportDialog(std::filesystem::path store, std::vector<CandidateRecord> candidates,
                           McuCatalog catalog, int threads, QWidget* parent)
    : QDialog(parent)
    , store_(std::move(store))
    , candidates_(std::move(candidates))
    , catalog_(std::move(catalog))
    , threads_(threads) {
    setWindowTitle(QStringLiteral("Export for firmware"));
    auto* layout = new QVBoxLayout(this);
    QString list;
    for (const auto& c : candidates_)
        list += QStringLiteral("<br>") + describe(c).toHtmlEscaped();
    auto* intro = new QLabel(QStringLiteral("<b>%1 candidate(s) of run %2</b>%3")
                                 .arg(candidates_.size())
                                 .arg(candidates_.empty() ? 0 : candidates_.front().runId)
                                 .arg(list));
    intro->setWordWrap(true);
    layout->addWidget(intro);
    auto* form = new QFormLayout;
    folder_ = new QLineEdit(
        QDir::home().filePath(QStringLiteral("dnas-exports/%1-run%2")
                                  .arg(QString::fromStdString(store_.stem().string()))
                                  .arg(candidates_.empty() ? 0 : candidates_.front().runId)));
    auto* browse = new QPushButton(QStringLiteral("Browse..."));
    auto* row = new QHBoxLayout;
    row->addWidget(folder_, 1);
    row->addWidget(browse);
    form->addRow(QStringLiteral("Folder"), row);
    finetune_ = new QSpinBox;
    finetune_->setRange(0, 100);
    finetune_->setSuffix(QStringLiteral(" epochs"));
    finetune_->setToolTip(QStringLiteral("Train the subnet further from its inherited weights "
                                         "before quantising (0: as the search scored it)"));
    form->addRow(QStringLiteral("Fine-tune"), finetune_);
    calibration_ = new QSpinBox;
    calibration_->setRange(1, 100000);
    calibration_->setValue(500);
    calibration_->setToolTip(QStringLiteral("Training images that set the int8 ranges"));
    form->addRow(QStringLiteral("Calibration images"), calibration_);
    vectors_ = new QSpinBox;
    vectors_->setRange(0, 100);
    vectors_->setValue(5);
    form->addRow(QStringLiteral("Test vectors"), vectors_);
    overwrite_ = new QCheckBox(QStringLiteral("Replace earlier exports of these candidates"));
    overwrite_->setToolTip(QStringLiteral("Only folders holding a DNAS Studio export are ever "
                                          "replaced"));
    form->addRow(QString(), overwrite_);
    layout->addLayout(form);
    progress_ = new QProgressBar;
    progress_->setRange(0, static_cast<int>(candidates_.size()));
    progress_->setValue(0);
    layout->addWidget(progress_);
    log_ = new QPlainTextEdit;
    log_->setReadOnly(true);
    log_->setMaximumBlockCount(500);
    layout->addWidget(log_, 1);
    summary_ = new QLabel;
    summary_->setWordWrap(true);
    summary_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(summary_);
    buttons_ = new QDialogButtonBox(QDialogButtonBox::Close);
    exportButton_ = buttons_->addButton(QStringLiteral("Export"), QDialogButtonBox::AcceptRole);
    openFolder_ = buttons_->addButton(QStringLiteral("Open folder"), QDialogButtonBox::ActionRole);
    openReport_ = buttons_->addButton(QStringLiteral("Open report"), QDialogButtonBox::ActionRole);
    openFolder_->setEnabled(false);
    openReport_->setEnabled(false);
    layout->addWidget(buttons_);
    exportButton_->setEnabled(!candidates_.empty());
    connect(browse, &QPushButton::clicked, this, [this] {
        const auto dir =
            QFileDialog::getExistingDirectory(this, QStringLiteral("Export into"), folder_->text());
        if (!dir.isEmpty())
            folder_->setText(dir);
    });
    connect(exportButton_, &QPushButton::clicked, this, &ExportDialog::startExport);
    connect(buttons_, &QDialogButtonBox::rejected, this, &ExportDialog::reject);
    connect(openFolder_, &QPushButton::clicked, this,
            [this] { QDesktopServices::openUrl(QUrl::fromLocalFile(lastFolder_)); });
    connect(openReport_, &QPushButton::clicked, this, [this] {
        QDesktopServices::openUrl(
            QUrl::fromLocalFile(lastFolder_ + QStringLiteral("/report.html")));
    });
    resize(640, 520);
}

ExportDialog::~ExportDialog() {
    if (worker_.joinable()) {
        worker_.request_stop();
        worker_.join();
    }
}

void ExportDialog::setFolder(const QString& folder) {
    folder_->setText(folder);
}
QString ExportDialog::folder() const {
    return folder_->text();
}
void ExportDialog::setFinetuneEpochs(int epochs) {
    finetune_->setValue(epochs);
}
void ExportDialog::setCalibrationImages(int images) {
    calibration_->setValue(images);
}
QString ExportDialog::summary() const {
    return summary_->text();
}

std::filesystem::path ExportDialog::folderFor(std::size_t index) const {
    const std::filesystem::path base = folder_->text().trimmed().toStdString();
    return base / ("candidate-" + std::to_string(candidates_[index].id));
}

void ExportDialog::setRunning(bool running) {
    running_ = running;
    exportButton_->setEnabled(!running && !candidates_.empty());
    buttons_->button(QDialogButtonBox::Close)->setEnabled(!running);
    for (QWidget* w :
         std::initializer_list<QWidget*>{folder_, finetune_, calibration_, vectors_, overwrite_})
        w->setEnabled(!running);
}

void ExportDialog::startExport() {
    if (running_ || candidates_.empty())
        return;
    if (folder_->text().trimmed().isEmpty()) {
        finishAll(QStringLiteral("Choose a folder to export into."));
        return;
    }
    std::vector<ExportRequest> requests;
    for (std::size_t i = 0; i < candidates_.size(); ++i) {
        ExportRequest r;
        r.store = store_;
        r.run = candidates_[i].runId;
        r.candidateId = candidates_[i].id;
        r.outDir = folderFor(i);
        r.overwrite = overwrite_->isChecked();
        r.finetuneEpochs = finetune_->value();
        r.calibrationImages = static_cast<std::size_t>(calibration_->value());
        r.testVectors = static_cast<std::size_t>(vectors_->value());
        r.threads = threads_;
        requests.push_back(std::move(r));
    }
    std::error_code ec; // the folder holding the candidates' folders
    std::filesystem::create_directories(folder_->text().trimmed().toStdString(), ec);
    if (ec) {
        finishAll(QStringLiteral("Cannot create %1: %2")
                      .arg(folder_->text().trimmed(), QString::fromStdString(ec.message())));
        return;
    }
    setRunning(true);
    done_ = 0;
    progress_->setValue(0);
    summary_->clear();
    log_->clear();
    worker_ = std::jthread([this, requests = std::move(requests)](std::stop_token stop) {
        QString error;
        for (const auto& r : requests) {
            if (stop.stop_requested())
                break;
            const auto say = [this](const std::string& line) {
                QMetaObject::invokeMethod(
                    this,
                    [this, text = QString::fromStdString(line)] { log_->appendPlainText(text); },
                    Qt::QueuedConnection);
            };
            try {
                const auto outcome = runExport(r, catalog_, say);
                const auto folder = QString::fromStdString(outcome.folder.string());
                const auto summary = summaryOf(outcome.card);
                QMetaObject::invokeMethod(
                    this, [this, folder, summary] { finishOne(folder, summary); },
                    Qt::QueuedConnection);
            } catch (const InputError& e) {
                error = QString::fromStdString(e.what());
                break;
            } catch (const std::exception& e) {
                error = QStringLiteral("export failed: ") + QString::fromUtf8(e.what());
                break;
            } catch (...) {
                error = QStringLiteral("export failed: unknown error");
                break;
            }
        }
        QMetaObject::invokeMethod(
            this, [this, error] { finishAll(error); }, Qt::QueuedConnection);
    });
}

void ExportDialog::finishOne(const QString& folder, const QString& summary) {
    ++done_;
    progress_->setValue(static_cast<int>(done_));
    lastFolder_ = folder;
    log_->appendPlainText(QStringLiteral("exported to ") + folder);
    summary_->setText(summary);
    openFolder_->setEnabled(true);
    openReport_->setEnabled(true);
    Q_EMIT exported(folder);
}

void ExportDialog::finishAll(const QString& error) {
    if (worker_.joinable())
        worker_.join();
    setRunning(false);
    if (!error.isEmpty()) {
        summary_->setText(
            QStringLiteral("<span style='color:#b00'>%1</span>").arg(error.toHtmlEscaped()));
        log_->appendPlainText(error);
        Q_EMIT failed(error);
    }
    Q_EMIT allDone();
}

void ExportDialog::reject() {
    if (!running_)
        QDialog::reject();
}

void ExportDialog::closeEvent(QCloseEvent* event) {
    if (running_)
        event->ignore();
    else
        QDialog::closeEvent(event);
}

} // namespace dnas::ui
