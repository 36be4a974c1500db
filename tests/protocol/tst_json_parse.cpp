// Parsing untrusted JSON: the limits hold during parsing and every hostile input becomes an
// error value, never a crash.
#include <QTest>
#include <qtest_json.h>

#include <deskboard/protocol/json_parse.h>

using namespace deskboard::protocol;

namespace {

std::string nested(int depth, char open = '[', char close = ']') {
    return std::string(static_cast<std::size_t>(depth), open) +
           std::string(static_cast<std::size_t>(depth), close);
}

std::string nestedObjects(int depth) {
    std::string text;
    for (int i = 0; i < depth; ++i) {
        text += "{\"a\":";
    }
    text += "1";
    text += std::string(static_cast<std::size_t>(depth), '}');
    return text;
}

void verifyRefused(std::string_view text, ErrorCode code, const JsonLimits& limits = {}) {
    const auto result = parseJson(text, limits);
    QVERIFY2(!result.hasValue(), std::string(text.substr(0, 60)).c_str());
    QCOMPARE(result.error().code, code);
    QVERIFY(!result.error().message.empty());
}

}  // namespace

class JsonParseTest : public QObject {
    Q_OBJECT

  private slots:
    void acceptsOrdinaryDocuments() {
        const auto result = parseJson(R"({"a": [1, 2.5, "x", true, null], "b": {}})");
        QVERIFY(result.hasValue());
        QCOMPARE(result.value()["a"][1].get<double>(), 2.5);
    }

    void depthLimitIsExact() {
        QVERIFY(parseJson(nested(64)).hasValue());
        verifyRefused(nested(65), ErrorCode::InvalidJson);
        QVERIFY(parseJson(nestedObjects(64)).hasValue());
        verifyRefused(nestedObjects(65), ErrorCode::InvalidJson);
        QVERIFY(parseJson(nested(3), JsonLimits{1024, 3}).hasValue());
        verifyRefused(nested(4), ErrorCode::InvalidJson, JsonLimits{1024, 3});
    }

    void deepNestingIsRefusedWhileParsing() {
        // A million levels would exhaust the stack of a recursive parser or destructor; the
        // limit stops the parser at level 65 so nothing deep is ever built.
        const std::string deep = nested(1'000'000);
        const auto result = parseJson(deep, JsonLimits{deep.size(), 64});
        QVERIFY(!result.hasValue());
        QCOMPARE(result.error().code, ErrorCode::InvalidJson);
        QVERIFY(result.error().message.find("64") != std::string::npos);
        // Unbalanced: only openers.
        const std::string openers(1'000'000, '[');
        verifyRefused(openers, ErrorCode::InvalidJson, JsonLimits{openers.size(), 64});
    }

    void sizeLimitComesFirst() {
        const std::string big = "\"" + std::string(10 * 1024 * 1024, 'x') + "\"";
        verifyRefused(big, ErrorCode::TooLarge);
        // Exactly at the limit is fine; one byte over is not.
        verifyRefused("[1] ", ErrorCode::TooLarge, JsonLimits{3, 64});
        QVERIFY(parseJson("[1]", JsonLimits{3, 64}).hasValue());
    }

    void tenMegabyteStringParsesWhenAllowed() {
        const std::string big = "{\"s\":\"" + std::string(10 * 1024 * 1024, 'x') + "\"}";
        const auto result = parseJson(big, JsonLimits{big.size(), 64});
        QVERIFY(result.hasValue());
        QCOMPARE(result.value()["s"].get_ref<const std::string&>().size(),
                 std::size_t{10 * 1024 * 1024});
    }

    void malformedText_data() {
        QTest::addColumn<QByteArray>("text");
        QTest::newRow("empty") << QByteArray("");
        QTest::newRow("whitespace") << QByteArray("  \n");
        QTest::newRow("garbage") << QByteArray("hello");
        QTest::newRow("trailing garbage") << QByteArray("{} x");
        QTest::newRow("two documents") << QByteArray("{}{}");
        QTest::newRow("trailing comma") << QByteArray("[1,]");
        QTest::newRow("single quotes") << QByteArray("{'a':1}");
        QTest::newRow("comment") << QByteArray("{/* c */}");
        QTest::newRow("unterminated string") << QByteArray("\"abc");
        QTest::newRow("raw control character") << QByteArray("\"a\x01z\"");
        QTest::newRow("NaN") << QByteArray("[NaN]");
        QTest::newRow("Infinity") << QByteArray("[Infinity]");
        QTest::newRow("leading zero") << QByteArray("[01]");
        QTest::newRow("hex") << QByteArray("[0x10]");
        QTest::newRow("1e400") << QByteArray("[1e400]");
        QTest::newRow("-1e400") << QByteArray("{\"v\":-1e400}");
        QTest::newRow("huge digits") << QByteArray("[" + QByteArray(400, '9') + ".0e999]");
        QTest::newRow("invalid utf-8 byte") << QByteArray("\"\xff\"");
        QTest::newRow("truncated utf-8") << QByteArray("\"\xc3\"");
        QTest::newRow("overlong utf-8") << QByteArray("\"\xc0\xaf\"");
        QTest::newRow("utf-8 surrogate") << QByteArray("\"\xed\xa0\x80\"");
        QTest::newRow("above U+10FFFF") << QByteArray("\"\xf4\x90\x80\x80\"");
        QTest::newRow("lone escaped surrogate") << QByteArray("\"\\ud800\"");
        QTest::newRow("bad escape") << QByteArray("\"\\x41\"");
        QTest::newRow("duplicate key") << QByteArray("{\"a\":1,\"a\":2}");
        QTest::newRow("nested duplicate key") << QByteArray("[{\"b\":{\"a\":1,\"a\":1}}]");
        QTest::newRow("nul byte after the document") << QByteArray("{\"a\":1}\0", 8);
        QTest::newRow("nul byte and more after the document") << QByteArray("{}\0{\"x\"", 8);
        QTest::newRow("nul byte in a string") << QByteArray("[\"a\0b\"]", 7);
    }

    void malformedText() {
        QFETCH(QByteArray, text);
        verifyRefused(std::string_view(text.constData(), static_cast<std::size_t>(text.size())),
                      ErrorCode::InvalidJson);
    }

    void largeIntegersAreKept() {
        const auto result =
            parseJson("[9007199254740993, 18446744073709551615, -9223372036854775808]");
        QVERIFY(result.hasValue());
        QCOMPARE(result.value()[0].get<std::uint64_t>(), std::uint64_t{9007199254740993});
        QVERIFY(result.value()[1].is_number_unsigned());
        QVERIFY(result.value()[2].is_number_integer());
    }

    void equalKeysInDifferentObjectsAreFine() {
        QVERIFY(parseJson(R"({"a":{"a":1},"b":{"a":2}})").hasValue());
    }
};

QTEST_APPLESS_MAIN(JsonParseTest)
#include "tst_json_parse.moc"
