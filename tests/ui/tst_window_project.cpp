// The main window's projects and preferences: a saved project reopened in a fresh window
// sets every panel as it was; a broken one changes nothing; recent projects; preferences
// reach the search job and the palette reaches the charts.
#include <QDoubleSpinBox>
#include <QSettings>
#include <QtTest>

#include "chart/hypervolume_chart.h"
#include "chart/pareto_chart.h"
#include "common/error.h"
#include "models/project.h"
#include "support/image_fixtures.h"
#include "support/temp_files.h"
#include "views/budget_panel.h"
#include "views/main_window.h"
#include "views/run_panel.h"
#include "views/space_panel.h"

using namespace dnas;
using namespace dnas::ui;
namespace fs = std::filesystem;

class TestWindowProject : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void savedProjectReopensAsItWas();
    void brokenProjectChangesNothing();
    void settingsThePanelsDoNotShowAreKept();
    void preferencesReachTheJobAndThePalette();

private:
    QTemporaryDir dir_;
};

void TestWindowProject::initTestCase() {
    // Settings of their own: the preferences and recent projects written here must not
    // reach the other tests' windows (which share the tests' HOME).
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope,
                       dir_.filePath(QStringLiteral("settings")));
    fixtures::writeSquaresDataset(fs::path(dir_.filePath(QStringLiteral("squares")).toStdString()));
    writeTempFile(dir_, QStringLiteral("tiny_space.json"), fixtures::kTinySpaceJson);
}

void TestWindowProject::savedProjectReopensAsItWas() {
    MainWindow a(McuCatalog::builtIn());
    a.setProperty("quietErrors", true);
    a.runPanel()->setDataset(dir_.filePath(QStringLiteral("squares")));
    QVERIFY(a.spacePanel()->load(dir_.filePath(QStringLiteral("tiny_space.json"))));
    a.runPanel()->setStore(dir_.filePath(QStringLiteral("project-runs.db")));
    a.runPanel()->setMode(QStringLiteral("hwnas"));
    a.runPanel()->setMaxEvaluations(33);
    a.runPanel()->setPopulation(6);
    QVERIFY(a.budgetPanel()->setMcu("rp2040"));
    QVERIFY(a.budgetPanel()->setRuntime("cmsis-nn"));
    a.budgetPanel()->setBudgets({100 * 1024, 500 * 1024, 250.0});
    const auto saved = a.job();
    const fs::path path = dir_.filePath(QStringLiteral("p.dnasproj")).toStdString();
    a.saveProject(path);
    QCOMPARE(a.recentProjects().value(0), QString::fromStdString(path.string()));

    MainWindow b(McuCatalog::builtIn());
    b.setProperty("quietErrors", true);
    QVERIFY(b.job().mcu != saved.mcu); // a fresh window starts elsewhere
    b.openProject(path);
    const auto back = b.job();
    QCOMPARE(back.dataset, saved.dataset);
    QCOMPARE(back.space, saved.space);
    QCOMPARE(back.mcu, std::string("rp2040"));
    QCOMPARE(back.runtime, std::string("cmsis-nn"));
    QCOMPARE(back.store, saved.store);
    QCOMPARE(back.config.toJson().dump(), saved.config.toJson().dump());
    QCOMPARE(b.projectPath(), path);
    QVERIFY(b.windowTitle().contains(QStringLiteral("p.dnasproj")));
}

void TestWindowProject::brokenProjectChangesNothing() {
    MainWindow w(McuCatalog::builtIn());
    w.setProperty("quietErrors", true);
    const auto before = w.job();
    const auto path =
        writeTempFile(dir_, QStringLiteral("broken.dnasproj"),
                      R"({"schema_version": 1, "kind": "dnas-studio-project", "dataset": "x",
  "space": "demo", "mcu": "rp2040", "store": "r.db", "search": {"mode": "dnas"}})");
    try {
        w.openProject(path.toStdString());
        QFAIL("a project without its search settings was opened");
    } catch (const InputError& e) {
        QVERIFY2(QString::fromUtf8(e.what()).contains(QStringLiteral("search.")), e.what());
    }
    const auto after = w.job();
    QCOMPARE(after.mcu, before.mcu);
    QCOMPARE(after.dataset, before.dataset);
    QCOMPARE(after.config.toJson().dump(), before.config.toJson().dump());
    QVERIFY(w.projectPath().empty());
}

void TestWindowProject::settingsThePanelsDoNotShowAreKept() {
    // Validation "all", a store named relative to the folder the window was started in, and
    // objectives / a time limit the panels have no field for: all survive save and open.
    MainWindow a(McuCatalog::builtIn());
    a.setProperty("quietErrors", true);
    QVERIFY(a.spacePanel()->load(dir_.filePath(QStringLiteral("tiny_space.json"))));
    const auto cwd = fs::current_path();
    fs::current_path(dir_.path().toStdString());
    a.runPanel()->setStore(QStringLiteral("relative-runs.db"));
    auto withHidden = a.job();
    withHidden.config.objectives = {"latency_ms", "flash_bytes"};
    withHidden.config.timeLimitSeconds = 600;
    withHidden.config.eval.valSubset = 0; // all
    a.applyJob(withHidden);
    const fs::path folder = dir_.filePath(QStringLiteral("elsewhere")).toStdString();
    fs::create_directories(folder);
    a.saveProject(folder / "hidden.dnasproj");
    fs::current_path(cwd);
    MainWindow b(McuCatalog::builtIn());
    b.openProject(folder / "hidden.dnasproj");
    const auto back = b.job();
    QCOMPARE(back.store, fs::path(dir_.filePath(QStringLiteral("relative-runs.db")).toStdString()));
    QCOMPARE(back.config.objectives, withHidden.config.objectives);
    QCOMPARE(back.config.timeLimitSeconds, 600.0);
    QCOMPARE(back.config.eval.valSubset, std::size_t{0});
    // A project for an MCU this machine has no profile of is refused before anything changes.
    auto other = back;
    other.mcu = "no-such-board";
    Project p;
    p.job = other;
    p.save(folder / "board.dnasproj");
    try {
        b.openProject(folder / "board.dnasproj");
        QFAIL("opened");
    } catch (const InputError& e) {
        QVERIFY2(QString::fromUtf8(e.what()).contains(QStringLiteral("no-such-board")), e.what());
    }
    QCOMPARE(b.job().mcu, back.mcu);
    QCOMPARE(b.projectPath(), folder / "hidden.dnasproj");
}

void TestWindowProject::preferencesReachTheJobAndThePalette() {
    MainWindow w(McuCatalog::builtIn());
    w.show();
    // What a user sees: the painted chart's background, at the view's corner.
    auto dark = [&](QWidget* chart) {
        return chart->grab().toImage().pixelColor(2, 2).lightness() < 128;
    };
    QVERIFY(!dark(w.chart()));
    Preferences p;
    p.threads = 1;
    p.cacheMiB = 256;
    p.palette = Preferences::Palette::Dark;
    w.setPreferences(p);
    QCOMPARE(w.job().threads, 1);
    QCOMPARE(w.job().cacheBytes, std::int64_t{256} << 20);
    QTRY_VERIFY(dark(w.chart()));
    QVERIFY(dark(w.hypervolumeChart()));
    QCOMPARE(Preferences::load().palette, Preferences::Palette::Dark); // remembered
    p.palette = Preferences::Palette::System;
    w.setPreferences(p);
    QTRY_VERIFY(!dark(w.chart()));
    QCOMPARE(Preferences::load().palette, Preferences::Palette::System);
}

QTEST_MAIN(TestWindowProject)
#include "tst_window_project.moc"
