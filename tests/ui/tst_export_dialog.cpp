// Exporting from the app: candidates selected in the main window's table go to the Export
// dialog, which exports them on a worker thread (a real run made by the real `dnas` binary,
// real files checked by Arm NN inside the export), one folder or one per candidate; an
// existing folder is refused in the dialog; the dialog cannot be closed mid-export.
#include <QItemSelectionModel>
#include <QSignalSpy>
#include <QTableView>
#include <QtTest>

#include "support/cli_process.h"
#include "support/image_fixtures.h"
#include "views/export_dialog.h"
#include "views/main_window.h"

using namespace dnas;
using namespace dnas::ui;
namespace fs = std::filesystem;

class TestExportDialog : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void selectedCandidatesAreExported();
    void existingFolderIsRefusedInTheDialog();

private:
    fs::path path(const std::string& name) const {
        return fs::path(dir_.path().toStdString()) / name;
    }
    QString q(const std::string& name) const { return QString::fromStdString(path(name).string()); }
    // The dialog the window opened for the rows `rows` of its table.
    ExportDialog* openDialog(MainWindow& w, const std::vector<int>& rows);
    QTemporaryDir dir_;
};

void TestExportDialog::initTestCase() {
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, q("settings"));
    fixtures::writeSquaresDataset(path("squares"));
    fixtures::writeText(path("tiny_space.json"), fixtures::kTinySpaceJson);
    auto r = fixtures::cliRun({"train-supernet", "--dataset", q("squares"), "--space",
                               q("tiny_space.json"), "--out", q("tiny.pt"), "--max-steps", "6",
                               "--batch-size", "8", "--no-eval"});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    r = fixtures::cliRun({"search", "--dataset", q("squares"), "--supernet", q("tiny.pt"),
                          "--space", q("tiny_space.json"), "--max-evals", "4", "--population", "4",
                          "--store", q("run.db")});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
}

ExportDialog* TestExportDialog::openDialog(MainWindow& w, const std::vector<int>& rows) {
    auto* table = w.table();
    table->clearSelection();
    for (const int row : rows)
        table->selectionModel()->select(table->model()->index(row, 0),
                                        QItemSelectionModel::Select | QItemSelectionModel::Rows);
    w.exportSelected();
    auto dialogs = w.findChildren<ExportDialog*>();
    return dialogs.isEmpty() ? nullptr : dialogs.last();
}

void TestExportDialog::selectedCandidatesAreExported() {
    MainWindow w(McuCatalog::builtIn());
    w.setProperty("quietErrors", true);
    w.openRun(path("run.db"), 1);
    QVERIFY(w.table()->model()->rowCount() >= 2);

    auto* one = openDialog(w, {0});
    QVERIFY(one);
    one->setFolder(q("one"));
    one->setCalibrationImages(32);
    QSignalSpy done(one, &ExportDialog::allDone);
    QSignalSpy exported(one, &ExportDialog::exported);
    one->startExport();
    QVERIFY(one->running());
    one->reject(); // ignored while the export runs
    QVERIFY(one->isVisible());
    QVERIFY(done.wait(240000));
    QVERIFY2(exported.count() == 1, qPrintable(one->summary()));
    QCOMPARE(exported.first().first().toString().toStdString(), one->folderFor(0).string());
    QVERIFY(one->folderFor(0).parent_path() == path("one")); // created: it did not exist
    QVERIFY2(fs::is_regular_file(one->folderFor(0) / "model_int8.tflite"),
             qPrintable(one->summary()));
    QVERIFY2(one->summary().contains(QStringLiteral("int8")), qPrintable(one->summary()));
    one->close();

    auto* two = openDialog(w, {0, 1});
    QVERIFY(two && two != one);
    two->setFolder(q("two"));
    two->setCalibrationImages(32);
    QSignalSpy doneTwo(two, &ExportDialog::allDone);
    QSignalSpy exportedTwo(two, &ExportDialog::exported);
    two->startExport();
    QVERIFY(doneTwo.wait(240000));
    QCOMPARE(exportedTwo.count(), 2);
    int folders = 0;
    for (const auto& entry : fs::directory_iterator(path("two"))) {
        QVERIFY(entry.path().filename().string().rfind("candidate-", 0) == 0);
        QVERIFY(fs::is_regular_file(entry.path() / "model_card.json"));
        ++folders;
    }
    QCOMPARE(folders, 2);
}

void TestExportDialog::existingFolderIsRefusedInTheDialog() {
    MainWindow w(McuCatalog::builtIn());
    w.setProperty("quietErrors", true);
    w.openRun(path("run.db"), 1);
    auto* dialog = openDialog(w, {0});
    QVERIFY(dialog);
    dialog->setFolder(q("taken"));
    const auto taken = dialog->folderFor(0); // a folder of the user's where the export would go
    fs::create_directories(taken);
    fixtures::writeText(taken / "mine.txt", "keep");
    QSignalSpy failed(dialog, &ExportDialog::failed);
    QSignalSpy done(dialog, &ExportDialog::allDone);
    dialog->startExport();
    QVERIFY(done.wait(60000));
    QCOMPARE(failed.count(), 1);
    QVERIFY2(failed.first().first().toString().contains(QStringLiteral("already exists")),
             qPrintable(failed.first().first().toString()));
    QVERIFY(!dialog->running());
    QCOMPARE(fixtures::readBytes(taken / "mine.txt").size(), std::size_t{4});
    QCOMPARE(std::distance(fs::directory_iterator(taken), fs::directory_iterator()), 1L);
    QCOMPARE(std::distance(fs::directory_iterator(path("taken")), fs::directory_iterator()), 1L);
}

QTEST_MAIN(TestExportDialog)
#include "tst_export_dialog.moc"
