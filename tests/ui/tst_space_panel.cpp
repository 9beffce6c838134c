// The search-space dock: a preset loaded into editable fields, every edit checked by the
// space reader, the candidate count, the HW-NAS data configuration, the space a search gets.
#include <QLabel>
#include <QLineEdit>
#include <QTableWidget>
#include <QtTest>

#include "cost/mcu_catalog.h"
#include "views/main_window.h"
#include "views/space_panel.h"

using namespace dnas;
using namespace dnas::ui;

class TestSpacePanel : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void presetLoadsUnchanged();
    void editsChangeTheCount();
    void invalidEditsAreExplainedInline();
    void editedSpaceIsWrittenForTheSearch();
    void hwNasDataConfiguration();
    void startRefusesAnInvalidSpace();

private:
    QTemporaryDir dir_;
};

void TestSpacePanel::presetLoadsUnchanged() {
    SpacePanel panel;
    QVERIFY(panel.load(QStringLiteral("demo")));
    QVERIFY(panel.space().has_value());
    QCOMPARE(panel.candidates(), SearchSpace::preset("demo").cardinality());
    QCOMPARE(panel.spaceSpec(dir_.path()), std::string("demo"));
    QCOMPARE(panel.findChild<QLineEdit*>(QStringLiteral("resolutions"))->text(),
             QStringLiteral("16 20 24 28 32"));
    QVERIFY(!panel.load(QStringLiteral("no-such-space")));
    QVERIFY(panel.problems().contains(QStringLiteral("no-such-space")));
}

void TestSpacePanel::editsChangeTheCount() {
    SpacePanel panel;
    QVERIFY(panel.load(QStringLiteral("demo")));
    const double all = panel.candidates();
    panel.findChild<QLineEdit*>(QStringLiteral("resolutions"))->setText(QStringLiteral("16, 20"));
    QVERIFY2(panel.problems().isEmpty(), qPrintable(panel.problems()));
    QCOMPARE(panel.space()->resolutions, (std::vector<int>{16, 20}));
    QCOMPARE(panel.candidates(), all * 2 / 5); // data configurations 10 -> 4
    QVERIFY(panel.findChild<QLabel*>(QStringLiteral("candidateCount"))
                ->text()
                .contains(QStringLiteral("4 data configurations")));
    // A stage's depth range 1-3 -> 1-1 removes depth vectors.
    auto* stages = panel.findChild<QTableWidget*>();
    stages->item(2, 3)->setText(QStringLiteral("1"));
    QCOMPARE(panel.space()->stages[2].maxDepth, 1);
    QVERIFY(panel.candidates() < all * 2 / 5);
}

void TestSpacePanel::invalidEditsAreExplainedInline() {
    SpacePanel panel;
    QVERIFY(panel.load(QStringLiteral("demo")));
    auto* resolutions = panel.findChild<QLineEdit*>(QStringLiteral("resolutions"));
    resolutions->setText(QStringLiteral("16 abc"));
    QVERIFY(!panel.space().has_value());
    QVERIFY2(panel.problems().contains(QStringLiteral("'abc' is not a whole number")),
             qPrintable(panel.problems()));
    // The reader's own checks: a repeated resolution, an even kernel.
    resolutions->setText(QStringLiteral("16 16"));
    QVERIFY(!panel.space().has_value());
    QVERIFY2(panel.problems().contains(QStringLiteral("resolutions")),
             qPrintable(panel.problems()));
    resolutions->setText(QStringLiteral("16 20"));
    QVERIFY(panel.space().has_value());
    panel.findChild<QTableWidget*>()->item(1, 5)->setText(QStringLiteral("3 4"));
    QVERIFY(!panel.space().has_value());
    QVERIFY2(panel.problems().contains(QStringLiteral("stages[1].kernels")),
             qPrintable(panel.problems()));
}

void TestSpacePanel::editedSpaceIsWrittenForTheSearch() {
    SpacePanel panel;
    QVERIFY(panel.load(QStringLiteral("demo")));
    panel.findChild<QLineEdit*>(QStringLiteral("resolutions"))->setText(QStringLiteral("24 32"));
    const auto spec = panel.spaceSpec(dir_.filePath(QStringLiteral("spaces")));
    QVERIFY(spec != "demo");
    const auto written = SearchSpace::load(spec);
    QCOMPARE(written.resolutions, (std::vector<int>{24, 32}));
    QCOMPARE(written.cardinality(), panel.candidates());
    QCOMPARE(panel.spaceSpec(dir_.filePath(QStringLiteral("spaces"))), spec); // by content
}

void TestSpacePanel::hwNasDataConfiguration() {
    SpacePanel panel;
    QVERIFY(panel.load(QStringLiteral("demo")));
    QVERIFY(!panel.fixedData().has_value()); // default: the dataset's native configuration
    panel.setFixedData(DataConfig{20, ColourMode::Grayscale});
    QCOMPARE(panel.fixedData().value(), (DataConfig{20, ColourMode::Grayscale}));
    // A configuration the edited space no longer has falls back to native.
    panel.findChild<QLineEdit*>(QStringLiteral("resolutions"))->setText(QStringLiteral("16 24"));
    QVERIFY(!panel.fixedData().has_value());
}

void TestSpacePanel::startRefusesAnInvalidSpace() {
    MainWindow w(McuCatalog::builtIn());
    w.spacePanel()
        ->findChild<QLineEdit*>(QStringLiteral("resolutions"))
        ->setText(QStringLiteral("x"));
    w.start();
    QVERIFY(!w.runner()->running());
}

QTEST_MAIN(TestSpacePanel)
#include "tst_space_panel.moc"
