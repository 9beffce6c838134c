// The Pareto chart over hand-made records: the faded points it keeps in an image on screen,
// painted incrementally as rows stream in, against the image painted from the start; budgets,
// legend toggles, high-DPI devices and the SVG export's vector points.
#include <QLegendMarker>
#include <QPainter>
#include <QtTest>

#include "chart/pareto_chart.h"
#include "models/run_records.h"

using namespace dnas;
using namespace dnas::ui;

namespace {

const Budgets kWide{Bytes{400} * 1024, Bytes{2048} * 1024, {}};
const Budgets kNoFlash{Bytes{400} * 1024, Bytes{400} * 1024, {}}; // every record has 500 KiB

CandidateRecord record(std::int64_t id, const std::string& mode, double sramKib, double accuracy,
                       bool evaluated = true) {
    CandidateRecord r;
    r.id = id;
    r.mode = mode;
    r.candidate.data = {32, ColourMode::Rgb};
    r.evaluated = evaluated;
    r.accuracy = evaluated ? accuracy : 0;
    r.peakSramBytes = static_cast<Bytes>(sramKib * 1024);
    r.flashBytes = Bytes{500} * 1024;
    r.macs = static_cast<Macs>(sramKib * 1e4);
    r.latencyMs = sramKib / 10;
    return r;
}

// The extremes first (so that the axes' ranges stay put while the rest streams in), then
// `n` scattered candidates of both modes, some screened out; row 4 is a lone dominated DNAS
// point at (250 KiB, 0.55).
std::vector<CandidateRecord> records(int n) {
    std::vector<CandidateRecord> out = {record(1, "dnas", 5, 0.5), record(2, "hwnas", 300, 0.9),
                                        record(3, "dnas", 300, 0.5, false),
                                        record(4, "hwnas", 5, 0.9)};
    out.push_back(record(5, "dnas", 250, 0.55));
    std::uint32_t state = 12345;
    auto uniform = [&state] {
        state = state * 1664525u + 1013904223u;
        return static_cast<double>(state >> 8) / static_cast<double>(1u << 24);
    };
    for (int i = 0; i < n; ++i) {
        const double sram = 10 + 150 * uniform();
        const double accuracy = 0.6 + 0.0015 * sram + 0.05 * uniform();
        out.push_back(record(6 + i, i % 2 ? "hwnas" : "dnas", sram, accuracy, i % 9 != 0));
    }
    return out;
}

QImage shot(ParetoChart& chart) {
    return chart.grab().toImage().convertToFormat(QImage::Format_RGB32);
}

QLegendMarker* marker(ParetoChart& chart, const QString& label) {
    for (auto* m : chart.chart()->legend()->markers())
        if (m->label() == label)
            return m;
    return nullptr;
}

// A faded DNAS point there (blue at 70/255 over white, about (193, 213, 237)).
bool blueAt(const QImage& image, QPoint p) {
    const QColor c = image.pixelColor(p);
    return c.blue() > c.red() + 20;
}

} // namespace

class TestParetoChart : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void streamedPointsLookLikePointsPaintedAtOnce();
    void legendTogglesAndHighDpi();
    void svgExportPaintsThePoints();
};

void TestParetoChart::streamedPointsLookLikePointsPaintedAtOnce() {
    const auto all = records(3000);
    RunRecords streamed;
    streamed.setBudgets(kWide);
    ParetoChart live(streamed);
    live.resize(900, 560);
    live.show();
    QVERIFY(QTest::qWaitForWindowExposed(&live));
    std::size_t starts = 0;
    for (std::size_t i = 0; i < all.size(); ++i) {
        streamed.append(all[i]);
        if ((i + 1) % 500 == 0 || i + 1 == all.size()) {
            streamed.flush();
            shot(live);
            QCOMPARE(live.cachedPoints(), i + 1);
            if (i + 1 == 500)
                starts = live.pointImageStarts();
        }
    }
    // Painted incrementally: the image was never started again.
    QCOMPARE(live.pointImageStarts(), starts);
    QCOMPARE(live.points(), all.size());
    int evaluated = 0;
    for (const auto& r : all)
        evaluated += r.evaluated ? 1 : 0;
    QCOMPARE(live.plottedCandidates("dnas") + live.plottedCandidates("hwnas"), evaluated);

    // The same picture as the image painted from the start (hiding a kind of point and
    // showing it again starts it twice).
    const QImage streamedShot = shot(live);
    auto* screened = marker(live, QStringLiteral("screened"));
    QVERIFY(screened);
    Q_EMIT screened->clicked();
    shot(live);
    Q_EMIT screened->clicked();
    QCOMPARE(shot(live), streamedShot);
    QCOMPARE(live.pointImageStarts(), starts + 2);

    // Budgets re-judge every point, the axes unchanged (flash is on none): the image starts
    // again, every point over the budgets now.
    streamed.setBudgets(kNoFlash);
    QCOMPARE(live.plottedCandidates("dnas") + live.plottedCandidates("hwnas"), 0);
    const QImage judged = shot(live);
    QCOMPARE(live.pointImageStarts(), starts + 3);
    QVERIFY(!blueAt(judged, live.viewport()->pos() + live.pointPosition(4)));
    Q_EMIT screened->clicked();
    shot(live);
    Q_EMIT screened->clicked();
    QCOMPARE(shot(live), judged);
}

void TestParetoChart::legendTogglesAndHighDpi() {
    RunRecords records;
    records.assign(::records(200), kWide, records.objectives());
    ParetoChart chart(records);
    chart.resize(800, 500);
    chart.show();
    QVERIFY(QTest::qWaitForWindowExposed(&chart));
    const QPoint lone = chart.viewport()->pos() + chart.pointPosition(4);
    QVERIFY(blueAt(shot(chart), lone));
    // Twice the pixels: the point lands at twice the position.
    QImage doubled(chart.size() * 2, QImage::Format_RGB32);
    doubled.setDevicePixelRatio(2);
    doubled.fill(Qt::white);
    chart.QWidget::render(&doubled); // the widget's paint, not the scene fitted to a target
    QVERIFY(blueAt(doubled, lone * 2));
    QVERIFY(!blueAt(doubled, lone * 2 + QPoint(0, 12)));
    QVERIFY(blueAt(shot(chart), lone)); // and back on screen
    // The legend hides DNAS points.
    auto* dnas = marker(chart, QStringLiteral("DNAS"));
    QVERIFY(dnas);
    Q_EMIT dnas->clicked();
    QVERIFY(!blueAt(shot(chart), lone));
    Q_EMIT dnas->clicked();
    QVERIFY(blueAt(shot(chart), lone));
}

void TestParetoChart::svgExportPaintsThePoints() {
    RunRecords records;
    const auto all = ::records(300);
    records.assign(all, kWide, records.objectives());
    ParetoChart chart(records);
    chart.resize(800, 500);
    chart.show();
    QVERIFY(QTest::qWaitForWindowExposed(&chart));
    shot(chart);
    QTemporaryDir dir;
    const auto path = dir.filePath(QStringLiteral("chart.svg"));
    QVERIFY(chart.exportTo(path));
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const auto svg = file.readAll();
    // A vector shape per point, not one picture of them all.
    qsizetype evaluated = 0;
    for (const auto& r : all)
        evaluated += r.evaluated ? 1 : 0;
    QVERIFY2(svg.count("<circle") >= evaluated, qPrintable(QString::number(svg.count("<circle"))));
    QVERIFY(!svg.contains("<image"));
}

QTEST_MAIN(TestParetoChart)
#include "tst_pareto_chart.moc"
