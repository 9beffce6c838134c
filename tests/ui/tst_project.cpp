// Project files: what the window saves is what it reads back, paths inside the project's
// folder travel with it, and every malformed file is refused naming the field and its line.
#include <fstream>

#include <QtTest>

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "models/project.h"
#include "support/temp_files.h"

using namespace dnas;
using namespace dnas::ui;
namespace fs = std::filesystem;

namespace {

SearchJob sampleJob(const fs::path& folder) {
    SearchJob j;
    j.dataset = (folder / "data" / "images").string();
    j.space = "demo";
    j.mcu = "nucleo-h743zi";
    j.runtime = "tflm";
    j.store = folder / "runs.db";
    j.supernet = "/elsewhere/supernet.pt";
    j.config.mode = "compare";
    j.config.fixedData = DataConfig{28, ColourMode::Grayscale};
    j.config.strategy.name = "paper-ga";
    j.config.strategy.population = 12;
    j.config.costMode = CostMode::Tflm;
    j.config.budgets = {200 * 1024, 900 * 1024, 150.0};
    j.config.maxEvaluations = 60;
    j.config.seed = 7;
    j.config.eval.valSubset = 1500;
    return j;
}

// The InputError's text, or "" when `f` does not throw one.
template <class F>
std::string refusal(F f) {
    try {
        f();
    } catch (const InputError& e) {
        return e.what();
    }
    return {};
}

} // namespace

class TestProject : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void roundTrip();
    void movedFolderKeepsItsFiles();
    void malformedFilesAreRefused_data();
    void malformedFilesAreRefused();
    void unwritableFileIsAnInputError();

private:
    // The sample project saved as `name`/p.dnasproj, its dataset folder created.
    Project savedSample(const QString& name);

    QTemporaryDir dir_;
};

Project TestProject::savedSample(const QString& name) {
    const fs::path folder = dir_.filePath(name).toStdString();
    fs::create_directories(folder / "data" / "images");
    Project p;
    p.job = sampleJob(folder);
    p.save(folder / "p.dnasproj");
    return p;
}

void TestProject::roundTrip() {
    const auto p = savedSample(QStringLiteral("round"));
    const fs::path folder = dir_.filePath(QStringLiteral("round")).toStdString();
    const auto j = nlohmann::json::parse(std::ifstream(folder / "p.dnasproj"));
    QCOMPARE(j["schema_version"].get<int>(), Project::kSchemaVersion);
    // Inside the project's folder: relative; outside: as given.
    QCOMPARE(j["dataset"].get<std::string>(), std::string("data/images"));
    QCOMPARE(j["store"].get<std::string>(), std::string("runs.db"));
    QCOMPARE(j["supernet"].get<std::string>(), std::string("/elsewhere/supernet.pt"));
    QVERIFY(!j["search"].contains("inputs"));
    const auto back = Project::load(folder / "p.dnasproj").job;
    QCOMPARE(back.dataset, p.job.dataset);
    QCOMPARE(back.space, p.job.space);
    QCOMPARE(back.mcu, p.job.mcu);
    QCOMPARE(back.runtime, p.job.runtime);
    QCOMPARE(back.store, p.job.store);
    QCOMPARE(back.supernet, p.job.supernet);
    QCOMPARE(back.config.toJson().dump(), p.job.config.toJson().dump());
    QVERIFY(back.config.fixedData == p.job.config.fixedData);
    QVERIFY(back.config.budgets == p.job.config.budgets);
}

void TestProject::movedFolderKeepsItsFiles() {
    savedSample(QStringLiteral("before"));
    const fs::path folder = dir_.filePath(QStringLiteral("before")).toStdString();
    const fs::path moved = dir_.filePath(QStringLiteral("after")).toStdString();
    fs::rename(folder, moved);
    const auto back = Project::load(moved / "p.dnasproj").job;
    QCOMPARE(back.dataset, (moved / "data" / "images").string());
    // The store need not exist yet: it is created in the project's folder.
    QCOMPARE(back.store, moved / "runs.db");
    QCOMPARE(back.space, std::string("demo")); // a preset name is never taken for a path
}

void TestProject::malformedFilesAreRefused_data() {
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("expected");
    const QByteArray good = R"({"schema_version": 1, "kind": "dnas-studio-project",
 "dataset": "fashion-mnist", "space": "demo", "mcu": "stm32f746", "store": "r.db",
 "search": )";
    Project p;
    p.job = sampleJob("/tmp");
    const auto search = QByteArray::fromStdString(p.job.config.toJson().dump(1));
    QTest::newRow("not json") << QByteArray("{ nope") << "bad.dnasproj:1: malformed JSON";
    QTest::newRow("an array") << QByteArray("[1, 2]") << "not a DNAS Studio project";
    QTest::newRow("newer schema")
        << QByteArray(good + search + "}").replace("\"schema_version\": 1", "\"schema_version\": 9")
        << "schema_version: is 9, newer than this DNAS Studio";
    QTest::newRow("other kind")
        << QByteArray(good + search + "}").replace("dnas-studio-project", "optuna")
        << "kind: is \"optuna\"";
    QTest::newRow("typo") << QByteArray(good + search + ", \"datset\": 1}") << "datset";
    QTest::newRow("no search") << QByteArray(good + "null}") << "search";
    QTest::newRow("bad budget")
        << QByteArray(good + search + "}").replace("\"sram_bytes\": 204800", "\"sram_bytes\": -3")
        << "search.budgets.sram_bytes";
    QTest::newRow("typo in search")
        << QByteArray(good + search + "}").replace("\"fixed_data\"", "\"fixed_dta\"")
        << "search.fixed_dta";
    QTest::newRow("no evaluation limit")
        << QByteArray(good + search + "}")
               .replace("\"max_evaluations\": 60", "\"max_evaluations\": 0")
        << "search.max_evaluations: must be between 1 and 1000000";
    QTest::newRow("unknown mode")
        << QByteArray(good + search + "}").replace("\"mode\": \"compare\"", "\"mode\": \"fast\"")
        << "search.mode";
}

void TestProject::malformedFilesAreRefused() {
    QFETCH(QByteArray, text);
    QFETCH(QString, expected);
    const auto path = writeTempFile(dir_, QStringLiteral("bad.dnasproj"), text).toStdString();
    const auto message = refusal([&] { Project::load(path); });
    QVERIFY2(!message.empty(), "accepted");
    QVERIFY2(QString::fromStdString(message).contains(expected), message.c_str());
    QVERIFY2(message.find("bad.dnasproj") != std::string::npos, message.c_str());
}

void TestProject::unwritableFileIsAnInputError() {
    Project p;
    p.job = sampleJob("/tmp");
    const fs::path missing =
        dir_.filePath(QStringLiteral("no/such/folder/p.dnasproj")).toStdString();
    const auto message = refusal([&] { p.save(missing); });
    QVERIFY2(message.find("p.dnasproj") != std::string::npos, message.c_str());
    QVERIFY(!fs::exists(missing));
}

QTEST_APPLESS_MAIN(TestProject)
#include "tst_project.moc"
