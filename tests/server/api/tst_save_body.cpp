// The server's simdjson save-body parser agrees with the protocol's reference parser: the same
// canonical state and checksum for random documents, the same error code for every bad input,
// and the same depth limit to the level.
#include <QTest>
#include <api/save_body.h>
#include <qtest_json.h>
#include <random_json.h>

#include <deskboard/protocol/canonical_json.h>
#include <deskboard/protocol/messages.h>

using deskboard::server::api::SaveBodyParser;
using namespace deskboard::protocol;

namespace {

constexpr std::size_t kLimit = 1024 * 1024;

// The error code each parser gives, or "ok".
std::pair<std::string, std::string> verdicts(SaveBodyParser& fast, const std::string& body) {
    const auto reference = parseSaveStateRequest(body, JsonLimits{kLimit, 64});
    const auto ours = fast.parse(body);
    return {reference ? "ok" : std::string(errorName(reference.error().code)),
            ours ? "ok" : std::string(errorName(ours.error().code))};
}

std::string nestedState(int levels) {
    return "{\"version\":1,\"state\":" + std::string(static_cast<std::size_t>(levels), '[') +
           std::string(static_cast<std::size_t>(levels), ']') + "}";
}

}  // namespace

class SaveBodyTest : public QObject {
    Q_OBJECT

  private slots:
    void randomDocumentsGiveTheReferenceCanonicalForm() {
        SaveBodyParser fast(kLimit, 64);
        deskboard::testing::RandomJson random(777);
        for (int i = 0; i < 500; ++i) {
            nlohmann::json state = random.object(5);
            // simdjson refuses integers beyond 64 bits as JSON text; the generator's uint64
            // values are within range, so both parsers see the same numbers.
            const nlohmann::json body{{"version", i + 1}, {"state", state}};
            const std::string text = random.shuffledText(body);
            const auto ours = fast.parse(text);
            QVERIFY2(ours.hasValue(), ours ? "" : ours.error().message.c_str());
            QCOMPARE(ours.value().version, std::int64_t{i + 1});
            QCOMPARE(ours.value().canonicalState, canonicalJson(state));
            QCOMPARE(ours.value().checksum, stateChecksum(state));
        }
    }

    void checksumIsVerified() {
        SaveBodyParser fast(kLimit, 64);
        const nlohmann::json state{{"b", 1}, {"a", {1.5, "x"}}};
        const nlohmann::json good{
            {"version", 3}, {"state", state}, {"checksum", stateChecksum(state)}};
        QVERIFY(fast.parse(good.dump()).hasValue());
        const nlohmann::json bad{{"version", 3}, {"state", state}, {"checksum", "abc"}};
        QCOMPARE(fast.parse(bad.dump()).error().code, ErrorCode::ChecksumMismatch);
    }

    void sameVerdictAsTheReference_data() {
        QTest::addColumn<QByteArray>("body");
        QTest::newRow("ok") << QByteArray("{\"version\":2,\"state\":{\"a\":[1,2]}}");
        QTest::newRow("not json") << QByteArray("nope");
        QTest::newRow("empty") << QByteArray("");
        QTest::newRow("truncated") << QByteArray("{\"version\":1,\"state\":{}");
        QTest::newRow("trailing garbage") << QByteArray("{\"version\":1,\"state\":{}} x");
        QTest::newRow("invalid utf-8") << QByteArray("{\"version\":1,\"state\":{\"a\":\"\xc3\"}}");
        QTest::newRow("invalid utf-8 key") << QByteArray("{\"version\":1,\"state\":{\"\xff\":1}}");
        QTest::newRow("raw control") << QByteArray("{\"version\":1,\"state\":{\"a\":\"\x01\"}}");
        QTest::newRow("nul after") << QByteArray("{\"version\":1,\"state\":{}}\0", 26);
        QTest::newRow("1e400") << QByteArray("{\"version\":1,\"state\":{\"a\":1e400}}");
        QTest::newRow("NaN") << QByteArray("{\"version\":1,\"state\":{\"a\":NaN}}");
        QTest::newRow("duplicate nested")
            << QByteArray("{\"version\":1,\"state\":{\"a\":1,\"a\":2}}");
        QTest::newRow("duplicate top") << QByteArray("{\"version\":1,\"version\":2,\"state\":{}}");
        QTest::newRow("array") << QByteArray("[1]");
        QTest::newRow("no version") << QByteArray("{\"state\":{}}");
        QTest::newRow("version 0") << QByteArray("{\"version\":0,\"state\":{}}");
        QTest::newRow("version 1.0") << QByteArray("{\"version\":1.0,\"state\":{}}");
        QTest::newRow("version 1e2") << QByteArray("{\"version\":1e2,\"state\":{}}");
        QTest::newRow("version string") << QByteArray("{\"version\":\"1\",\"state\":{}}");
        QTest::newRow("version 2^53") << QByteArray("{\"version\":9007199254740992,\"state\":{}}");
        QTest::newRow("version 2^53-1")
            << QByteArray("{\"version\":9007199254740991,\"state\":{}}");
        QTest::newRow("version 2^64-1")
            << QByteArray("{\"version\":18446744073709551615,\"state\":{}}");
        QTest::newRow("no state") << QByteArray("{\"version\":1}");
        QTest::newRow("null state") << QByteArray("{\"version\":1,\"state\":null}");
        QTest::newRow("array state") << QByteArray("{\"version\":1,\"state\":[]}");
        QTest::newRow("numeric checksum")
            << QByteArray("{\"version\":1,\"state\":{},\"checksum\":1}");
        QTest::newRow("wrong checksum")
            << QByteArray("{\"version\":1,\"state\":{},\"checksum\":\"00\"}");
        QTest::newRow("depth 64") << QByteArray::fromStdString(nestedState(62));
        QTest::newRow("depth 65") << QByteArray::fromStdString(nestedState(63));
        QTest::newRow("depth 1000") << QByteArray::fromStdString(nestedState(998));
    }

    void sameVerdictAsTheReference() {
        QFETCH(QByteArray, body);
        SaveBodyParser fast(kLimit, 64);
        const auto [reference, ours] = verdicts(fast, body.toStdString());
        QCOMPARE(ours, reference);
    }

    void sizeLimit() {
        SaveBodyParser fast(100, 64);
        const std::string body =
            "{\"version\":1,\"state\":{\"a\":\"" + std::string(200, 'x') + "\"}}";
        QCOMPARE(fast.parse(body).error().code, ErrorCode::TooLarge);
    }

    void bigStatesGrowTheParser() {
        SaveBodyParser fast(kLimit, 64);
        nlohmann::json state = nlohmann::json::object();
        for (int i = 0; i < 5000; ++i) {
            state["key" + std::to_string(i)] = std::string(100, 'v');
        }
        const std::string body = nlohmann::json{{"version", 1}, {"state", state}}.dump();
        QVERIFY(body.size() > 500000);
        const auto parsed = fast.parse(body);
        QVERIFY(parsed.hasValue());
        QCOMPARE(parsed.value().canonicalState, canonicalJson(state));
        QVERIFY(fast.parse("{\"version\":1,\"state\":{}}").hasValue());  // and back to small
    }
};

QTEST_APPLESS_MAIN(SaveBodyTest)
#include "tst_save_body.moc"
