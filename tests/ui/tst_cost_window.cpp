#include <QComboBox>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QSpinBox>
#include <QTableView>
#include <QtTest>

#include "support/printers.h"

#include "models/cost_table_model.h"
#include "support/temp_files.h"
#include "views/cost_window.h"

using namespace dnas;
using namespace dnas::ui;

namespace {

template <class W>
W* widgetWithValue(QWidget& root, const std::function<bool(W*)>& match) {
    for (auto* w : root.findChildren<W*>())
        if (match(w))
            return w;
    return nullptr;
}

} // namespace

class TestCostWindow : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }
    void showsDefaultNetwork();
    void changingResolutionRecomputes();
    void switchingMcuChangesVerdict();
    void tooSmallResolutionShowsErrorNotCrash();
    void opensArchitectureFile();
    void brokenArchitectureFileShowsError();
};

void TestCostWindow::showsDefaultNetwork() {
    CostWindow w(McuCatalog::builtIn());
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    const auto& model = w.model();
    QVERIFY(model.rowCount() > 50);
    QCOMPARE(model.data(model.index(0, CostTableModel::Name)).toString(), QStringLiteral("stem"));
    QCOMPARE(model.data(model.index(0, CostTableModel::Output)).toString(),
             QStringLiteral("48×48×16"));
    QVERIFY(w.verdictText().startsWith(QStringLiteral("Fits")));
    QVERIFY(w.errorText().isEmpty());
    auto* table = w.findChild<QTableView*>();
    QVERIFY(table);
    QCOMPARE(table->model()->rowCount(), model.rowCount());
}

void TestCostWindow::changingResolutionRecomputes() {
    CostWindow w(McuCatalog::builtIn());
    auto* resolution = widgetWithValue<QSpinBox>(w, [](QSpinBox* s) { return s->value() == 96; });
    QVERIFY(resolution);
    const auto before = w.model().report().peakSramBytes;
    resolution->setValue(160);
    QVERIFY(w.model().report().peakSramBytes > before);
    QCOMPARE(w.model().report().layers[0].input.height, 160);
}

void TestCostWindow::switchingMcuChangesVerdict() {
    CostWindow w(McuCatalog::builtIn());
    auto* width = w.findChild<QDoubleSpinBox*>();
    QVERIFY(width);
    auto* resolution = widgetWithValue<QSpinBox>(w, [](QSpinBox* s) { return s->value() == 96; });
    width->setValue(0.75);
    resolution->setValue(160);
    w.selectMcu(QStringLiteral("stm32f746"));
    QVERIFY2(w.verdictText().startsWith(QStringLiteral("Does not fit")),
             qPrintable(w.verdictText()));
    w.selectMcu(QStringLiteral("esp32s3"));
    QCOMPARE(w.model().report().mcuId, std::string("esp32s3"));
    QCOMPARE(w.model().report().runtimeId, std::string("esp-nn"));
}

void TestCostWindow::tooSmallResolutionShowsErrorNotCrash() {
    CostWindow w(McuCatalog::builtIn());
    auto* resolution = widgetWithValue<QSpinBox>(w, [](QSpinBox* s) { return s->value() == 96; });
    resolution->setValue(8);
    QVERIFY2(w.errorText().contains(QStringLiteral("too small")), qPrintable(w.errorText()));
    QCOMPARE(w.verdictText(), QStringLiteral("No estimate"));
    resolution->setValue(64);
    QVERIFY(w.errorText().isEmpty());
}

void TestCostWindow::opensArchitectureFile() {
    QTemporaryDir dir;
    const QString path = writeTempFile(dir, QStringLiteral("net.json"), R"({
  "input": {"resolution": 48, "channels": 1},
  "stem": {"channels": 8},
  "blocks": [{"expansion": 2, "kernel": 3, "stride": 2, "out_channels": 8}],
  "head": {"last_channels": 0, "classes": 4}
})");
    CostWindow w(McuCatalog::builtIn());
    w.openArchitecture(path);
    QVERIFY(w.errorText().isEmpty());
    const auto& r = w.model().report();
    QCOMPARE(r.layers.front().input, (TensorShape{48, 48, 1}));
    QCOMPARE(r.layers.back().output, (TensorShape{1, 1, 4}));
    QCOMPARE(w.model().rowCount(), 6); // stem, expand, dw, project, pool, fc
}

void TestCostWindow::brokenArchitectureFileShowsError() {
    QTemporaryDir dir;
    const QString path = writeTempFile(dir, QStringLiteral("bad.json"), "{\n  \"input\": 5\n}\n");
    CostWindow w(McuCatalog::builtIn());
    const int rowsBefore = w.model().rowCount();
    w.openArchitecture(path);
    QVERIFY2(w.errorText().contains(QStringLiteral("bad.json:2")), qPrintable(w.errorText()));
    QCOMPARE(w.model().rowCount(), rowsBefore); // the previous estimate stays
}

QTEST_MAIN(TestCostWindow)
#include "tst_cost_window.moc"
