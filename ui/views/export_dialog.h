#pragma once

#include <filesystem>
#include <thread>
#include <vector>

#include <QDialog>

#include "cost/mcu_catalog.h"
#include "store/run_store.h"

QT_BEGIN_NAMESPACE
class QCheckBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;
QT_END_NAMESPACE

namespace dnas::ui {

// File > Export selected candidates: the chosen candidates of a stored run as firmware files
// (core/export: int8 TFLite, ONNX, C arrays, test vectors, model card), one folder each,
// exported on a worker thread while the dialog streams its progress. Each candidate goes
// into a "candidate-<id>" folder inside the chosen one (created when missing), so choosing an
// existing folder of one's own never puts it at risk. The dialog cannot be closed while an
// export runs; destroying it waits for the candidate at hand and skips the rest.
class ExportDialog : public QDialog {
    Q_OBJECT
public:
    ExportDialog(std::filesystem::path store, std::vector<CandidateRecord> candidates,
                 McuCatalog catalog, int threads, QWidget* parent = nullptr);
    ~ExportDialog() override;

    void setFolder(const QString& folder);
    QString folder() const;
    void setFinetuneEpochs(int epochs);
    void setCalibrationImages(int images);
    // Where candidate `index` of the list goes.
    std::filesystem::path folderFor(std::size_t index) const;
    bool running() const { return running_; }
    QString summary() const; // what the last export said (results or the error)

public Q_SLOTS:
    void startExport();
    void reject() override; // ignored while running

Q_SIGNALS:
    void exported(const QString& folder); // one candidate done
    void failed(const QString& message);  // the export stopped with this one-line message
    void allDone();                       // every candidate exported, or stopped by a failure

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void finishOne(const QString& folder, const QString& summary);
    void finishAll(const QString& error);
    void setRunning(bool running);

    std::filesystem::path store_;
    std::vector<CandidateRecord> candidates_;
    McuCatalog catalog_;
    int threads_ = 0;
    QLineEdit* folder_ = nullptr;
    QSpinBox* finetune_ = nullptr;
    QSpinBox* calibration_ = nullptr;
    QSpinBox* vectors_ = nullptr;
    QCheckBox* overwrite_ = nullptr;
    QProgressBar* progress_ = nullptr;
    QPlainTextEdit* log_ = nullptr;
    QLabel* summary_ = nullptr;
    QPushButton* exportButton_ = nullptr;
    QPushButton* openFolder_ = nullptr;
    QPushButton* openReport_ = nullptr;
    QDialogButtonBox* buttons_ = nullptr;
    std::jthread worker_;
    bool running_ = false;
    std::size_t done_ = 0;
    QString lastFolder_;
};

} // namespace dnas::ui
