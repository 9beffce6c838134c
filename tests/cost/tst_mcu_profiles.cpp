#include <QtTest>

#include "common/json_document.h"
#include "cost/mcu_catalog.h"
#include "support/temp_files.h"

using namespace dnas;

namespace {

QByteArray builtInText(const std::string& id) {
    const auto catalog = McuCatalog::builtIn();
    const nlohmann::json j = catalog.find(id);
    return QByteArray::fromStdString(j.dump(2));
}

} // namespace

class TestMcuProfiles : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void builtInBoards_data();
    void builtInBoards();
    void everyFigureHasASource();
    void jsonRoundTrip();
    void optionalScratchFieldsDefault();
    void unknownMcuListsKnownOnes();
    void userFolderAddsAndOverrides();
    void brokenUserFileIsSkippedWithReason();
    void explicitBrokenFileIsAnError_data();
    void explicitBrokenFileIsAnError();
};

// reference-figures.md, microcontroller boards table.
void TestMcuProfiles::builtInBoards_data() {
    QTest::addColumn<QString>("id");
    QTest::addColumn<double>("clockMhz");
    QTest::addColumn<qlonglong>("sramKb");
    QTest::addColumn<qlonglong>("flashKb");
    QTest::addRow("stm32f746") << "stm32f746" << 216.0 << 320LL << 1024LL;
    QTest::addRow("stm32f412") << "stm32f412" << 100.0 << 256LL << 1024LL;
    QTest::addRow("stm32h743") << "stm32h743" << 480.0 << 512LL << 2048LL;
    QTest::addRow("nano33ble") << "nano33ble" << 64.0 << 256LL << 1024LL;
    QTest::addRow("rp2040") << "rp2040" << 133.0 << 264LL << 2048LL;
    QTest::addRow("esp32s3") << "esp32s3" << 240.0 << 512LL << 8192LL;
}

void TestMcuProfiles::builtInBoards() {
    QFETCH(QString, id);
    QFETCH(double, clockMhz);
    QFETCH(qlonglong, sramKb);
    QFETCH(qlonglong, flashKb);
    const auto catalog = McuCatalog::builtIn();
    const auto& p = catalog.find(id.toStdString());
    QCOMPARE(p.clockHz, clockMhz * 1e6);
    QCOMPARE(p.sramBytes, sramKb * 1024);
    QCOMPARE(p.flashBytes, flashKb * 1024);
    QVERIFY(p.activePowerMw > 0);
    QVERIFY(p.runtime(p.defaultRuntime));
    QVERIFY(p.runtime("tflm")); // reference kernels run everywhere
    for (const auto& rt : p.runtimes) {
        QVERIFY(rt.cyclesPerMac > 0);
        // Optimised kernels are faster than the reference kernels on the same core.
        if (rt.kind != RuntimeKind::Reference)
            QVERIFY(rt.cyclesPerMac < p.runtime("tflm")->cyclesPerMac);
    }
}

void TestMcuProfiles::everyFigureHasASource() {
    const auto catalog = McuCatalog::builtIn();
    QCOMPARE(static_cast<int>(catalog.profiles().size()), 6);
    for (const auto& p : catalog.profiles()) {
        for (const char* key : {"clock_hz", "sram_bytes", "flash_bytes", "active_power_mw"})
            QVERIFY2(p.sources.count(key) && !p.sources.at(key).empty(),
                     qPrintable(QString::fromStdString(p.id) + " " + key));
        for (const auto& rt : p.runtimes) {
            const nlohmann::json j = rt;
            for (const auto& [key, value] : j.items()) {
                if (!value.is_number())
                    continue;
                QVERIFY2(rt.sources.count(key) && !rt.sources.at(key).empty(),
                         qPrintable(QString::fromStdString(p.id + "/" + rt.id + " " + key)));
            }
        }
    }
}

void TestMcuProfiles::jsonRoundTrip() {
    const auto catalog = McuCatalog::builtIn();
    for (const auto& p : catalog.profiles()) {
        const nlohmann::json j = p;
        auto back = readMcuProfile(JsonDocument::fromText(j.dump(), "roundtrip"));
        back.origin = p.origin;
        QVERIFY2(back == p, p.id.c_str());
    }
}

// Profiles written before the 3x3-depthwise and patch-alignment figures existed still read:
// 3x3 depthwise convolutions take the depthwise figure, patches are not rounded.
void TestMcuProfiles::optionalScratchFieldsDefault() {
    auto j = nlohmann::json::parse(builtInText("stm32f746").toStdString());
    auto& rt = j["runtimes"][1];
    QCOMPARE(rt["id"].get<std::string>(), std::string("cmsis-nn"));
    rt.erase("depthwise_3x3_scratch_per_patch_element");
    rt.erase("conv_scratch_patch_alignment");
    const auto p = readMcuProfile(JsonDocument::fromText(j.dump(2), "old.json"));
    const auto* cmsis = p.runtime("cmsis-nn");
    QVERIFY(cmsis);
    QCOMPARE(cmsis->depthwise3x3ScratchPerPatchElement, cmsis->depthwiseScratchPerPatchElement);
    QCOMPARE(cmsis->convScratchPatchAlignment, Bytes{1});
    QCOMPARE(McuCatalog::builtIn().find("stm32f746").runtime("cmsis-nn")->convScratchPatchAlignment,
             Bytes{4});
}

void TestMcuProfiles::unknownMcuListsKnownOnes() {
    const auto catalog = McuCatalog::builtIn();
    try {
        catalog.find("stm32f999");
        QFAIL("expected InputError");
    } catch (const InputError& e) {
        const QString text = QString::fromStdString(e.what());
        QVERIFY(text.contains(QStringLiteral("--mcu")));
        QVERIFY(text.contains(QStringLiteral("stm32f999")));
        for (const char* id :
             {"stm32f746", "stm32f412", "stm32h743", "nano33ble", "rp2040", "esp32s3"})
            QVERIFY2(text.contains(QLatin1String(id)), id);
    }
}

void TestMcuProfiles::userFolderAddsAndOverrides() {
    QTemporaryDir dir;
    auto custom = nlohmann::json::parse(builtInText("stm32f746").toStdString());
    custom["id"] = "my-board";
    custom["name"] = "My board";
    custom["sram_bytes"] = 128 * 1024;
    writeTempFile(dir, QStringLiteral("my-board.json"), QByteArray::fromStdString(custom.dump(2)));
    auto override = nlohmann::json::parse(builtInText("rp2040").toStdString());
    override["sram_bytes"] = 200 * 1024;
    writeTempFile(dir, QStringLiteral("rp2040.json"), QByteArray::fromStdString(override.dump(2)));
    qputenv("DNAS_MCU_PATH", dir.path().toUtf8());
    const auto catalog = McuCatalog::load();
    qunsetenv("DNAS_MCU_PATH");
    QVERIFY(catalog.problems().empty());
    QCOMPARE(static_cast<int>(catalog.profiles().size()), 7);
    QCOMPARE(catalog.find("my-board").sramBytes, Bytes{128 * 1024});
    QCOMPARE(catalog.find("rp2040").sramBytes, Bytes{200 * 1024});
    QVERIFY(catalog.find("my-board").origin.ends_with("my-board.json"));
}

void TestMcuProfiles::brokenUserFileIsSkippedWithReason() {
    QTemporaryDir dir;
    writeTempFile(dir, QStringLiteral("broken.json"),
                  "{\n  \"schema_version\": 1,\n  \"id\": \"x\",\n  \"clock_hz\": \"fast\"\n");
    qputenv("DNAS_MCU_PATH", dir.path().toUtf8());
    const auto catalog = McuCatalog::load();
    qunsetenv("DNAS_MCU_PATH");
    QCOMPARE(static_cast<int>(catalog.profiles().size()), 6);
    QCOMPARE(static_cast<int>(catalog.problems().size()), 1);
    QVERIFY(
        QString::fromStdString(catalog.problems()[0].file).endsWith(QStringLiteral("broken.json")));
    QCOMPARE(catalog.problems()[0].line, 5); // unterminated object: error at the end of the text
}

void TestMcuProfiles::explicitBrokenFileIsAnError_data() {
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<int>("line");
    QTest::addColumn<QString>("field");
    QTest::addColumn<QString>("message");
    const QByteArray base = builtInText("stm32f746");
    auto edited = [&](const std::function<void(nlohmann::json&)>& edit) {
        auto j = nlohmann::json::parse(base.toStdString());
        edit(j);
        return QByteArray::fromStdString(j.dump(2));
    };
    QTest::addRow("syntax") << QByteArray("{\n  \"id\": \"a\",\n  \"clock_hz\" 5\n}\n") << 3
                            << QString() << QStringLiteral("malformed JSON");
    QTest::addRow("wrong type") << edited([](auto& j) { j["sram_bytes"] = "lots"; }) << 0
                                << QStringLiteral("sram_bytes")
                                << QStringLiteral("expected an integer");
    QTest::addRow("negative") << edited([](auto& j) { j["flash_bytes"] = -5; }) << 0
                              << QStringLiteral("flash_bytes") << QStringLiteral("must be between");
    QTest::addRow("missing") << edited([](auto& j) { j.erase("clock_hz"); }) << 0
                             << QStringLiteral("clock_hz")
                             << QStringLiteral("required field is missing");
    QTest::addRow("unknown runtime kind")
        << edited([](auto& j) { j["runtimes"][1]["kind"] = "magic"; }) << 0
        << QStringLiteral("runtimes[1].kind") << QStringLiteral("magic");
    QTest::addRow("typo") << edited([](auto& j) { j["sram_byte"] = 5; }) << 0
                          << QStringLiteral("sram_byte") << QStringLiteral("unknown field");
    QTest::addRow("bad default") << edited([](auto& j) { j["default_runtime"] = "x"; }) << 0
                                 << QStringLiteral("default_runtime")
                                 << QStringLiteral("names no runtime");
}

void TestMcuProfiles::explicitBrokenFileIsAnError() {
    QFETCH(QByteArray, text);
    QFETCH(int, line);
    QFETCH(QString, field);
    QFETCH(QString, message);
    QTemporaryDir dir;
    const QString path = writeTempFile(dir, QStringLiteral("board.json"), text);
    try {
        McuCatalog::load({path.toStdString()});
        QFAIL("expected InputError");
    } catch (const InputError& e) {
        QVERIFY(!e.problems().empty());
        const auto& p = e.problems().front();
        QCOMPARE(QString::fromStdString(p.file), path);
        QCOMPARE(QString::fromStdString(p.field), field);
        QVERIFY2(QString::fromStdString(p.message).contains(message), e.what());
        if (line > 0)
            QCOMPARE(p.line, line);
        else
            QVERIFY2(p.line > 0, e.what()); // every field problem names its line
    }
}

QTEST_APPLESS_MAIN(TestMcuProfiles)
#include "tst_mcu_profiles.moc"
