#include <QtTest>

#include "support/printers.h"

#include "common/error.h"
#include "common/json_document.h"
#include "cost/network.h"
#include "space/architecture.h"
#include "support/temp_files.h"

using namespace dnas;

namespace {

const char* kExample = R"({
  "schema_version": 1,
  "name": "vww-small",
  "input": {"resolution": 96, "channels": 1},
  "stem": {"channels": 16, "kernel": 3, "stride": 2},
  "blocks": [
    {"expansion": 1, "kernel": 3, "stride": 1, "out_channels": 8},
    {"expansion": 4, "kernel": 5, "stride": 2, "out_channels": 16, "repeat": 2},
    {"expansion": 4, "kernel": 3, "stride": 2, "out_channels": 24}
  ],
  "head": {"last_channels": 256, "classes": 2}
}
)";

InputProblem firstProblem(const std::string& text) {
    try {
        readArchitecture(JsonDocument::fromText(text, "arch.json"));
    } catch (const InputError& e) {
        return e.problems().front();
    }
    return {};
}

} // namespace

class TestArchitectureJson : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void readsDocumentedExample();
    void roundTrip();
    void fileErrors();
    void badInput_data();
    void badInput();
    void resolutionTooSmallForStrides();
    void allProblemsReportedAtOnce();
    void jsonLimits();
    void sizeLimits();
};

void TestArchitectureJson::readsDocumentedExample() {
    const auto spec = readArchitecture(JsonDocument::fromText(kExample, "example"));
    QCOMPARE(spec.name, std::string("vww-small"));
    QCOMPARE(spec.resolution, 96);
    QCOMPARE(spec.inputChannels, 1);
    QCOMPARE(static_cast<int>(spec.blocks.size()), 4); // "repeat": 2 expands to two blocks
    QCOMPARE(spec.blocks[1].stride, 2);
    QCOMPARE(spec.blocks[2].stride, 1); // repeats after the first use stride 1
    QCOMPARE(spec.blocks[2].kernel, 5);
    QCOMPARE(spec.lastChannels, 256);
    const auto net = buildNetwork(spec);
    // block 0 has no expansion; the repeated block has a residual add.
    int adds = 0;
    for (const auto& op : net.ops)
        adds += op.kind == OpKind::Add;
    QCOMPARE(adds, 1);
    QCOMPARE(net.tensors.back(), (TensorShape{1, 1, 2}));
    // 96 -> 48 (stem) -> 48 -> 24 -> 24 -> 12
    QCOMPARE(net.inputOf(net.ops[net.ops.size() - 3]), (TensorShape{12, 12, 24}));
}

void TestArchitectureJson::roundTrip() {
    for (const auto& spec : {readArchitecture(JsonDocument::fromText(kExample, "example")),
                             mobileNetV2(0.5, 128, 10, 3), mobileNetV2(1.4, 224, 1000, 1)}) {
        const nlohmann::json j = spec;
        const auto back = readArchitecture(JsonDocument::fromText(j.dump(2), "roundtrip"));
        QVERIFY(back == spec);
    }
}

void TestArchitectureJson::fileErrors() {
    try {
        readArchitecture(JsonDocument::fromFile("/nonexistent/arch.json"));
        QFAIL("expected InputError");
    } catch (const InputError& e) {
        QCOMPARE(e.problems().front().file, std::string("/nonexistent/arch.json"));
        QVERIFY(std::string(e.what()).find("does not exist") != std::string::npos);
    }
    QTemporaryDir dir;
    const QString path = writeTempFile(dir, QStringLiteral("a.json"),
                                       "{\n  \"input\": {\n    \"resolution\": 96,\n  }\n}\n");
    try {
        readArchitecture(JsonDocument::fromFile(path.toStdString()));
        QFAIL("expected InputError");
    } catch (const InputError& e) {
        QCOMPARE(e.problems().front().line, 4); // the trailing comma is found at the '}'
        QVERIFY(std::string(e.what()).find("malformed JSON") != std::string::npos);
    }
}

// Each row edits one line of the example: on line `line`, `from` becomes `to`.
void TestArchitectureJson::badInput_data() {
    QTest::addColumn<int>("line");
    QTest::addColumn<QString>("from");
    QTest::addColumn<QString>("to");
    QTest::addColumn<QString>("field");
    QTest::addColumn<QString>("message");
    QTest::addRow("zero resolution") << 4 << "96"
                                     << "0"
                                     << "input.resolution"
                                     << "between 1";
    QTest::addRow("negative resolution") << 4 << "96"
                                         << "-32"
                                         << "input.resolution"
                                         << "between 1";
    QTest::addRow("two channels") << 4 << "\"channels\": 1"
                                  << "\"channels\": 2"
                                  << "input.channels"
                                  << "1 (grayscale) or 3";
    QTest::addRow("zero out channels") << 7 << "\"out_channels\": 8"
                                       << "\"out_channels\": 0"
                                       << "blocks[0].out_channels"
                                       << "between 1";
    QTest::addRow("even kernel") << 8 << "\"kernel\": 5"
                                 << "\"kernel\": 4"
                                 << "blocks[1].kernel"
                                 << "must be odd";
    QTest::addRow("stride 3") << 9 << "\"stride\": 2"
                              << "\"stride\": 3"
                              << "blocks[2].stride"
                              << "between 1 and 2";
    QTest::addRow("text classes") << 11 << "\"classes\": 2"
                                  << "\"classes\": \"two\""
                                  << "head.classes"
                                  << "expected an integer";
    QTest::addRow("zero classes") << 11 << "\"classes\": 2"
                                  << "\"classes\": 0"
                                  << "head.classes"
                                  << "between 1";
    QTest::addRow("fraction") << 7 << "\"expansion\": 1"
                              << "\"expansion\": 1.5"
                              << "blocks[0].expansion"
                              << "expected an integer";
    QTest::addRow("missing blocks") << 6 << "\"blocks\""
                                    << "\"layers\""
                                    << "layers"
                                    << "unknown field";
}

void TestArchitectureJson::badInput() {
    QFETCH(int, line);
    QFETCH(QString, from);
    QFETCH(QString, to);
    QFETCH(QString, field);
    QFETCH(QString, message);
    QStringList lines = QString::fromUtf8(kExample).split(QLatin1Char('\n'));
    QVERIFY2(lines[line - 1].contains(from), "fixture edit not found on the expected line");
    lines[line - 1].replace(from, to);
    const auto p = firstProblem(lines.join(QLatin1Char('\n')).toStdString());
    QCOMPARE(QString::fromStdString(p.field), field);
    QVERIFY2(QString::fromStdString(p.message).contains(message), p.message.c_str());
    QCOMPARE(p.line, line);
    QCOMPARE(p.file, std::string("arch.json"));
}

void TestArchitectureJson::resolutionTooSmallForStrides() {
    auto spec = mobileNetV2(1.0, 16, 2, 3);
    try {
        validateArchitecture(spec, "--mobilenetv2");
        QFAIL("expected InputError");
    } catch (const InputError& e) {
        const auto& p = e.problems().front();
        QCOMPARE(p.field, std::string("input.resolution"));
        QVERIFY(p.message.find("too small") != std::string::npos);
        QVERIFY(p.message.find("use at least 17") != std::string::npos);
    }
    QCOMPARE(minimumResolution(spec), 17); // total stride 32: 17 -> 9 -> 5 -> 3 -> 2 -> 1
    spec.resolution = 17;
    validateArchitecture(spec);
}

void TestArchitectureJson::allProblemsReportedAtOnce() {
    auto j = nlohmann::json::parse(kExample);
    j["stem"]["channels"] = 0;
    j["blocks"][1]["kernel"] = 4;
    j["head"]["clases"] = 3;
    try {
        readArchitecture(JsonDocument::fromText(j.dump(2), "arch.json"));
        QFAIL("expected InputError");
    } catch (const InputError& e) {
        QCOMPARE(static_cast<int>(e.problems().size()), 3);
    }
}

void TestArchitectureJson::jsonLimits() {
    auto nested = [](int depth, const char* open, const char* close) {
        std::string text;
        for (int i = 0; i < depth; ++i)
            text += open;
        for (int i = 0; i < depth; ++i)
            text += close;
        return text;
    };
    // 64 levels parse; 65 are refused with the line of the 65th, arrays and objects alike, and
    // brackets inside strings do not count.
    QVERIFY(JsonDocument::fromText(nested(64, "[", "]"), "ok.json").root().is_array());
    QVERIFY(
        JsonDocument::fromText("[\"" + std::string(100, '[') + "\"]", "s.json").root().is_array());
    for (const auto& text : {nested(65, "[", "]"), "\n\n" + nested(65, "{\"a\":", "}")}) {
        try {
            JsonDocument::fromText(text, "deep.json");
            QFAIL("65 levels accepted");
        } catch (const InputError& e) {
            const auto& p = e.problems().front();
            QCOMPARE(p.file, std::string("deep.json"));
            QCOMPARE(p.line, text[0] == '\n' ? 3 : 1);
            QVERIFY2(p.message.find("nested more than 64 levels") != std::string::npos,
                     p.message.c_str());
        }
    }
    try {
        JsonDocument::fromText("{\n\"a\": 1,\n\"b\": -1e999}", "big.json");
        QFAIL("1e999 accepted");
    } catch (const InputError& e) {
        QCOMPARE(e.problems().front().line, 3);
        QVERIFY2(std::string(e.what()).find("1e999") != std::string::npos, e.what());
    }
    QVERIFY_THROWS_EXCEPTION(
        InputError,
        JsonDocument::fromText(std::string(JsonDocument::kMaxBytes + 1, ' '), "big.json"));
}

void TestArchitectureJson::sizeLimits() {
    auto spec = mobileNetV2(1.0, kMaxResolution, 2);
    validateArchitecture(spec); // the largest resolution is accepted
    spec.resolution = kMaxResolution + 1;
    QVERIFY_THROWS_EXCEPTION(InputError, validateArchitecture(spec));
    // Within every per-field limit, but its MACs beyond what the cost model counts.
    spec = mobileNetV2(1.0, kMaxResolution, 2);
    spec.stemChannels = kMaxChannels; // 4096^2 x 65536 x 65536 MACs in the first block
    spec.blocks[0].outChannels = kMaxChannels;
    spec.blocks[1].expansion = 1;
    try {
        validateArchitecture(spec);
        QFAIL("a network beyond 1e15 MACs accepted");
    } catch (const InputError& e) {
        QVERIFY2(std::string(e.what()).find("too large to cost") != std::string::npos, e.what());
    }
    spec = mobileNetV2(0.35, 96, 2);
    spec.blocks.resize(kMaxBlocks + 1, spec.blocks.back());
    QVERIFY_THROWS_EXCEPTION(InputError, validateArchitecture(spec));
}

QTEST_APPLESS_MAIN(TestArchitectureJson)
#include "tst_architecture_json.moc"
