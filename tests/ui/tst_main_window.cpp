// The main window driven as a user drives it, offscreen, through real searches: a tiny
// generated dataset, a supernet the runner trains itself, the real engine and run store.
#include <set>

#include <QDoubleSpinBox>
#include <QPushButton>
#include <QTableView>
#include <QtTest>

#include "chart/hypervolume_chart.h"
#include "chart/pareto_chart.h"
#include "chart/training_chart.h"
#include "common/error.h"
#include "engine/search_config.h"
#include "models/candidate_table_model.h"
#include "models/run_records.h"
#include "store/run_store.h"
#include "support/image_fixtures.h"
#include "support/temp_files.h"
#include "views/budget_panel.h"
#include "views/candidate_detail.h"
#include "views/main_window.h"
#include "views/run_panel.h"
#include "views/space_panel.h"

using namespace dnas;
using namespace dnas::ui;

class TestMainWindow : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void searchFillsChartAndTable();
    void draggingTheBudgetRefiltersAndReachesTheEngine();
    void clickingAPointSelectsItsRow();
    void chartExports();
    void reopenedRunShowsTheSameFrontier();
    void comparedRunDrawsItsFrontierBeside();
    void datasetIsInspected();
    void continuingAnOpenedRunExtendsIt(); // last: it extends first.db

private:
    std::unique_ptr<MainWindow> window(const QString& store, int evaluations);
    static void click(QWidget* w, const char* name);
    // The spy sees `finished` when the worker emits it; the window has handled it (and every
    // candidate queued before it) once Start is enabled again.
    static bool windowIdle(QWidget* w);

    QTemporaryDir dir_;
    std::unique_ptr<MainWindow> finished_; // the window of the first, finished search
};

void TestMainWindow::initTestCase() {
    fixtures::writeSquaresDataset(
        std::filesystem::path(dir_.filePath(QStringLiteral("squares")).toStdString()));
    writeTempFile(dir_, QStringLiteral("tiny_space.json"), fixtures::kTinySpaceJson);
    finished_ = window(QStringLiteral("first.db"), 8);
    QSignalSpy done(finished_->runner(), &SearchRunner::finished);
    click(finished_.get(), "start");
    QTRY_VERIFY_WITH_TIMEOUT(!done.isEmpty(), 180000);
    QTRY_VERIFY(windowIdle(finished_.get()));
    QCOMPARE(done[0][1].toBool(), false);
}

std::unique_ptr<MainWindow> TestMainWindow::window(const QString& store, int evaluations) {
    auto w = std::make_unique<MainWindow>(McuCatalog::builtIn());
    w->setProperty("quietErrors", true);
    w->runPanel()->setDataset(dir_.filePath(QStringLiteral("squares")));
    if (!w->spacePanel()->load(dir_.filePath(QStringLiteral("tiny_space.json"))))
        qFatal("the tiny space did not load: %s", qPrintable(w->spacePanel()->problems()));
    w->runPanel()->setStore(dir_.filePath(store));
    w->runPanel()->setMode(QStringLiteral("compare"));
    w->runPanel()->setMaxEvaluations(evaluations);
    w->runPanel()->setPopulation(4);
    w->setSupernetCacheDir(dir_.filePath(QStringLiteral("supernets")).toStdString());
    w->setCalibrationImages(16);
    // Budgets every tiny network meets: the whole MCU.
    w->findChild<QDoubleSpinBox*>(QStringLiteral("sramBudget"))->setValue(320);
    w->findChild<QDoubleSpinBox*>(QStringLiteral("flashBudget"))->setValue(1024);
    w->resize(1300, 850);
    w->show();
    return w;
}

bool TestMainWindow::windowIdle(QWidget* w) {
    return w->findChild<QPushButton*>(QStringLiteral("start"))->isEnabled();
}

void TestMainWindow::click(QWidget* w, const char* name) {
    auto* button = w->findChild<QPushButton*>(QString::fromLatin1(name));
    QVERIFY(button && button->isEnabled());
    QTest::mouseClick(button, Qt::LeftButton);
}

void TestMainWindow::searchFillsChartAndTable() {
    auto& w = *finished_;
    const auto& records = *w.records();
    auto store = RunStore::open(dir_.filePath(QStringLiteral("first.db")).toStdString());
    const auto stored = store->candidates(store->runs()[0].id);
    QCOMPARE(records.size(), stored.size()); // every record, screened-out ones too
    std::map<std::string, int> evaluated;
    std::set<std::pair<int, int>> hwnasData;
    for (const auto& r : stored) {
        evaluated[r.mode] += r.evaluated ? 1 : 0;
        if (r.mode == "hwnas")
            hwnasData.insert(
                {r.candidate.data.resolution, static_cast<int>(r.candidate.data.colour)});
    }
    QCOMPARE(evaluated["dnas"], 8);
    QCOMPARE(evaluated["hwnas"], 8);
    // N evaluated candidates give N points (all feasible under the whole MCU).
    QCOMPARE(w.chart()->plottedCandidates("dnas"), 8);
    QCOMPARE(w.chart()->plottedCandidates("hwnas"), 8);
    QCOMPARE(w.table()->model()->rowCount(), static_cast<int>(stored.size()));
    // HW-NAS never varies its data configuration: one in the store, one on its frontier.
    QCOMPARE(hwnasData.size(), std::size_t{1});
    for (const auto row : w.chart()->frontierRows("hwnas"))
        QCOMPARE(std::make_pair(records.at(row).candidate.data.resolution,
                                static_cast<int>(records.at(row).candidate.data.colour)),
                 *hwnasData.begin());
    QVERIFY(!w.chart()->frontierRows("dnas").empty());
    QCOMPARE(w.hypervolumeChart()->points("dnas") > 0, true);
    // The supernet was trained for this run: its loss at every step, and probes of the
    // largest and smallest subnets' accuracy (at least the last step's).
    const auto* training = w.trainingChart();
    QTRY_VERIFY(training->lossPoints() > 0);
    QTRY_VERIFY(training->probePoints() >= 1);
    QVERIFY(training->lossPoints() >= training->probePoints());
}

void TestMainWindow::draggingTheBudgetRefiltersAndReachesTheEngine() {
    // A longer search, dragged while it runs.
    auto w = window(QStringLiteral("drag.db"), 400);
    QSignalSpy adopted(w->runner(), &SearchRunner::budgetsChanged);
    QSignalSpy done(w->runner(), &SearchRunner::finished);
    click(w.get(), "start");
    QTRY_VERIFY_WITH_TIMEOUT(w->records()->size() >= 12, 180000);
    // Pause: nothing more arrives; the drag works on what is stored.
    click(w.get(), "pause");
    QTest::qWait(800);
    w->records()->flush();
    const auto atPause = w->records()->size();
    QTest::qWait(800);
    w->records()->flush();
    QCOMPARE(w->records()->size(), atPause);
    // The line starts right of every point; it is dragged to halfway between the cheapest
    // point of the costlier mode (so that the engine can accept it: every mode still has a
    // network within it) and the DNAS frontier's costliest member (which it then leaves out).
    const auto& records = *w->records();
    double maxSram = 0;
    std::map<std::string, double> minSram;
    for (std::size_t i = 0; i < records.size(); ++i) {
        if (!records.at(i).evaluated)
            continue;
        const double kib = axisValue(records.at(i), CostAxis::PeakSram);
        maxSram = std::max(maxSram, kib);
        const auto it = minSram.find(records.at(i).mode);
        minSram[records.at(i).mode] = it == minSram.end() ? kib : std::min(it->second, kib);
    }
    w->findChild<QDoubleSpinBox*>(QStringLiteral("sramBudget"))->setValue(maxSram + 1);
    const auto before = w->chart()->frontierRows("dnas");
    const double lower = std::max(minSram["dnas"], minSram["hwnas"]);
    const double top = axisValue(records.at(before.back()), CostAxis::PeakSram);
    QVERIFY2(lower < top, "the seeded search must leave room to drag");
    const double target = (lower + top) / 2;
    const auto line = w->chart()->budgetLineX();
    QVERIFY(line.has_value());
    const int to = w->chart()->valuePosition(QPointF(target, 0.5)).x();
    auto* view = w->chart()->viewport();
    const int y = view->height() / 2;
    QTest::mousePress(view, Qt::LeftButton, {}, QPoint(*line, y));
    QTest::mouseMove(view, QPoint((*line + to) / 2, y));
    QTest::mouseMove(view, QPoint(to, y));
    QTest::mouseRelease(view, Qt::LeftButton, {}, QPoint(to, y));
    const auto budget = budgetOnAxis(records.budgets(), CostAxis::PeakSram).value();
    QVERIFY2(std::abs(budget - target) < (top - lower) / 4, qPrintable(QString::number(budget)));
    QCOMPARE(w->budgetPanel()->budgets().sramBytes, records.budgets().sramBytes);
    const auto after = w->chart()->frontierRows("dnas");
    QVERIFY(after != before);
    for (const auto row : after)
        QVERIFY(axisValue(records.at(row), CostAxis::PeakSram) <= budget);
    QCOMPARE(records.size(), atPause); // nothing re-evaluated
    // Resume: candidates arrive again, then Stop ends the run, resumable.
    click(w.get(), "pause"); // resume: the engine adopts the dragged budget, then goes on
    QTRY_VERIFY_WITH_TIMEOUT(!adopted.isEmpty(), 60000);
    QCOMPARE(qvariant_cast<Budgets>(adopted.last()[0]).sramBytes, records.budgets().sramBytes);
    QTRY_VERIFY_WITH_TIMEOUT(w->records()->size() > atPause, 60000);
    // A budget no network meets is refused by the engine; the window goes back to the budget
    // the run searches under.
    const auto kept = records.budgets();
    w->findChild<QDoubleSpinBox*>(QStringLiteral("sramBudget"))->setValue(1);
    QCOMPARE(records.budgets().sramBytes, Bytes{1024}); // shown at once ...
    QTRY_VERIFY_WITH_TIMEOUT(records.budgets().sramBytes == kept.sramBytes, 60000); // ... undone
    QCOMPARE(w->budgetPanel()->budgets().sramBytes, kept.sramBytes);
    click(w.get(), "stop");
    QTRY_VERIFY_WITH_TIMEOUT(!done.isEmpty(), 60000);
    QCOMPARE(done[0][1].toBool(), true);
    auto store = RunStore::open(dir_.filePath(QStringLiteral("drag.db")).toStdString());
    QCOMPARE(store->runs()[0].status, std::string("stopped"));
}

void TestMainWindow::clickingAPointSelectsItsRow() {
    auto& w = *finished_;
    const auto row = w.chart()->frontierRows("dnas").front();
    QTest::mouseClick(w.chart()->viewport(), Qt::LeftButton, {}, w.chart()->pointPosition(row));
    QCOMPARE(w.chart()->selected().value(), row);
    const auto current = w.table()->currentIndex();
    QVERIFY(current.isValid());
    QCOMPARE(w.table()->model()->data(current, CandidateTableModel::kRowRole).toULongLong(),
             static_cast<qulonglong>(row));
    // The detail shows that candidate, its network costed layer by layer.
    const auto& r = w.records()->at(row);
    QVERIFY2(w.detail()->summary().contains(QStringLiteral("#%1 ").arg(r.id)),
             qPrintable(w.detail()->summary()));
    QVERIFY(w.detail()->summary().contains(dataConfigText(r.candidate)));
    QVERIFY2(w.detail()->peakText().startsWith(QStringLiteral("op ")),
             qPrintable(w.detail()->peakText()));
    // And the other way: a row chosen in the table is the chart's selection.
    const auto other = w.chart()->frontierRows("hwnas").front();
    w.selectRow(other);
    QCOMPARE(w.chart()->selected().value(), other);
}

void TestMainWindow::chartExports() {
    auto& w = *finished_;
    const auto png = dir_.filePath(QStringLiteral("frontier.png"));
    const auto svg = dir_.filePath(QStringLiteral("frontier.svg"));
    QVERIFY(w.chart()->exportTo(png));
    QVERIFY(w.chart()->exportTo(svg));
    QImage image(png);
    QVERIFY(!image.isNull() && image.width() > 100);
    QFile file(svg);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const auto text = file.readAll();
    QVERIFY(text.contains("<svg") && text.contains("accuracy"));
    QString error;
    QVERIFY(!w.chart()->exportTo(QStringLiteral("/nonexistent/dir/x.png"), &error));
    QVERIFY(error.contains(QStringLiteral("/nonexistent/dir/x.png")));
}

void TestMainWindow::reopenedRunShowsTheSameFrontier() {
    auto& live = *finished_;
    MainWindow reopened(McuCatalog::builtIn());
    reopened.openRun(dir_.filePath(QStringLiteral("first.db")).toStdString(), 1);
    const auto& a = *live.records();
    const auto& b = *reopened.records();
    QCOMPARE(b.size(), a.size());
    QCOMPARE(b.budgets(), a.budgets());
    auto ids = [](const RunRecords& records, const std::vector<std::size_t>& rows) {
        std::vector<std::int64_t> out;
        for (const auto row : rows)
            out.push_back(records.at(row).id);
        return out;
    };
    for (const std::string mode : {"dnas", "hwnas"}) {
        QVERIFY(!live.chart()->frontierRows(mode).empty());
        QCOMPARE(ids(b, reopened.chart()->frontierRows(mode)),
                 ids(a, live.chart()->frontierRows(mode)));
        QCOMPARE(reopened.chart()->plottedCandidates(mode), live.chart()->plottedCandidates(mode));
        QCOMPARE(reopened.hypervolumeChart()->points(mode), live.hypervolumeChart()->points(mode));
    }
    for (std::size_t i = 0; i < a.size(); ++i)
        QCOMPARE(b.onFrontier(i), a.onFrontier(i));
    // Its detail costs the network layer by layer: the run's space was loaded from its inputs.
    reopened.selectRow(reopened.chart()->frontierRows("dnas").front());
    QVERIFY2(reopened.detail()->peakText().startsWith(QStringLiteral("op ")),
             qPrintable(reopened.detail()->summary()));
    // A run that is not there: refused, naming it.
    try {
        reopened.openRun(dir_.filePath(QStringLiteral("first.db")).toStdString(), 9);
        QFAIL("run 9 opened");
    } catch (const InputError& e) {
        QVERIFY2(QString::fromUtf8(e.what()).contains(QStringLiteral("9")), e.what());
    }
}

void TestMainWindow::comparedRunDrawsItsFrontierBeside() {
    // The dragged run next to the first one, under the first one's budgets.
    MainWindow w(McuCatalog::builtIn());
    w.resize(1300, 850);
    w.show();
    w.openRun(dir_.filePath(QStringLiteral("first.db")).toStdString(), 1);
    w.compareWithRun(dir_.filePath(QStringLiteral("drag.db")).toStdString(), 1);
    const auto& other = *w.comparedRun();
    QVERIFY(other.size() > 0);
    QCOMPARE(other.budgets(), w.records()->budgets());
    // Its frontier on the chart's axis: feasible members by increasing cost, none dominated
    // by another of its evaluated, feasible candidates.
    auto checkFrontier = [&](const std::vector<std::size_t>& rows, const Budgets& budgets) {
        QVERIFY(!rows.empty());
        for (std::size_t k = 0; k < rows.size(); ++k) {
            const auto& m = other.at(rows[k]);
            QVERIFY(withinBudgets(m, budgets));
            if (k > 0)
                QVERIFY(axisValue(m, CostAxis::PeakSram) >=
                        axisValue(other.at(rows[k - 1]), CostAxis::PeakSram));
            for (std::size_t i = 0; i < other.size(); ++i) {
                const auto& c = other.at(i);
                if (c.mode != m.mode || !c.evaluated || !withinBudgets(c, budgets))
                    continue;
                const double cc = axisValue(c, CostAxis::PeakSram);
                const double mc = axisValue(m, CostAxis::PeakSram);
                QVERIFY2(
                    !(cc <= mc && c.accuracy >= m.accuracy && (cc < mc || c.accuracy > m.accuracy)),
                    qPrintable(QStringLiteral("#%1 dominates #%2").arg(c.id).arg(m.id)));
            }
        }
    };
    const auto before = w.chart()->referenceFrontRows("dnas");
    checkFrontier(before, w.records()->budgets());
    checkFrontier(w.chart()->referenceFrontRows("hwnas"), w.records()->budgets());
    // A tighter SRAM budget typed in the Budget dock re-filters both runs' frontiers.
    double cheapest = 1e300;
    for (std::size_t i = 0; i < other.size(); ++i)
        if (other.at(i).evaluated)
            cheapest = std::min(cheapest, axisValue(other.at(i), CostAxis::PeakSram));
    const double top = axisValue(other.at(before.back()), CostAxis::PeakSram);
    QVERIFY2(cheapest < top, "the dragged run must leave room for a tighter budget");
    w.findChild<QDoubleSpinBox*>(QStringLiteral("sramBudget"))->setValue((cheapest + top) / 2);
    QCOMPARE(other.budgets(), w.records()->budgets());
    const auto after = w.chart()->referenceFrontRows("dnas");
    QVERIFY(after != before);
    checkFrontier(after, w.records()->budgets());
    w.clearComparison();
    QVERIFY(w.chart()->referenceFrontRows("dnas").empty());
}

void TestMainWindow::datasetIsInspected() {
    auto& w = *finished_;
    // The squares: 4 classes of generated PNGs (see fixtures::writeSquaresDataset).
    QTRY_VERIFY_WITH_TIMEOUT(w.runPanel()->datasetInfo().contains(QStringLiteral("classes")),
                             30000);
    QVERIFY2(w.runPanel()->datasetInfo().contains(QStringLiteral("train")),
             qPrintable(w.runPanel()->datasetInfo()));
    const auto missing = dir_.filePath(QStringLiteral("no-such-folder"));
    w.runPanel()->setDataset(missing);
    QTRY_VERIFY_WITH_TIMEOUT(!w.runPanel()->datasetInfo().startsWith(QStringLiteral("inspecting")),
                             30000);
    QVERIFY2(w.runPanel()->datasetInfo().contains(missing),
             qPrintable(w.runPanel()->datasetInfo()));
    w.runPanel()->setDataset(dir_.filePath(QStringLiteral("squares")));
}

void TestMainWindow::continuingAnOpenedRunExtendsIt() {
    auto w = window(QStringLiteral("unused.db"), 12);
    const auto path = dir_.filePath(QStringLiteral("first.db")).toStdString();
    w->openRun(path, 1);
    const auto before = w->records()->size();
    QSignalSpy done(w->runner(), &SearchRunner::finished);
    w->continueRun();
    QVERIFY(w->runner()->running());
    QTRY_VERIFY_WITH_TIMEOUT(!done.isEmpty(), 180000);
    QTRY_VERIFY(windowIdle(w.get()));
    QCOMPARE(done[0][0].toLongLong(), qint64{1}); // the same run, continued
    QCOMPARE(done[0][1].toBool(), false);
    auto store = RunStore::open(path);
    const auto stored = store->candidates(1);
    QCOMPARE(store->runs()[0].evaluations, std::int64_t{24}); // 12 per mode now
    QVERIFY(w->records()->size() > before);                   // the old ones stay, new ones added
    QCOMPARE(w->records()->size(), stored.size());
    QCOMPARE(w->chart()->plottedCandidates("dnas"), 12);
    QCOMPARE(w->chart()->plottedCandidates("hwnas"), 12);
}

QTEST_MAIN(TestMainWindow)
#include "tst_main_window.moc"
