// RFC 8785 canonical JSON and the state checksum: the RFC's own examples, ECMAScript number
// formatting (RFC 8785 appendix B), UTF-16 key order, escapes, and randomized documents.
#include <bit>

#include <QTest>
#include <qtest_json.h>
#include <random_json.h>

#include <deskboard/protocol/canonical_json.h>
#include <deskboard/protocol/json_parse.h>

using namespace deskboard::protocol;

namespace {

nlohmann::json parsed(std::string_view text) {
    auto result = parseJson(text);
    if (!result) {
        throw std::runtime_error(result.error().message);
    }
    return std::move(result).value();
}

}  // namespace

class CanonicalJsonTest : public QObject {
    Q_OBJECT

  private slots:
    // RFC 8785 section 3.2.2: the input, and its canonical form byte for byte.
    void rfcExample() {
        const std::string input = R"({
  "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
  "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
  "literals": [null, true, false]
})";
        const std::string expected =
            "{\"literals\":[null,true,false],\"numbers\":[333333333.3333333,1e+30,4.5,0.002,1e-27],"
            "\"string\":\"\xe2\x82\xac$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}";
        QCOMPARE(canonicalJson(parsed(input)), expected);
        QCOMPARE(stateChecksum(parsed(input)),
                 std::string("2d5e01a318d0f0879ab568c4be289c8b1f64ef8921a53c6277d5e069978baacb"));
    }

    // RFC 8785 section 3.2.3: keys sorted by UTF-16 code units, so the emoji (a surrogate pair,
    // 0xD83D...) sorts before U+FB33 although its code point is larger.
    void rfcSortingExample() {
        const std::string input =
            R"({"\u20ac":"Euro Sign","\r":"Carriage Return","\ufb33":"Hebrew Letter Dalet With Dagesh",)"
            R"("1":"One","\ud83d\ude00":"Emoji: Grinning Face","\u0080":"Control",)"
            R"("\u00f6":"Latin Small Letter O With Diaeresis"})";
        const std::string expected =
            "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\xc2\x80\":\"Control\","
            "\"\xc3\xb6\":\"Latin Small Letter O With Diaeresis\",\"\xe2\x82\xac\":\"Euro Sign\","
            "\"\xf0\x9f\x98\x80\":\"Emoji: Grinning Face\","
            "\"\xef\xac\xb3\":\"Hebrew Letter Dalet With Dagesh\"}";
        QCOMPARE(canonicalJson(parsed(input)), expected);
    }

    // RFC 8785 appendix B: IEEE 754 bit patterns and how ECMAScript writes them.
    void rfcNumberVectors_data() {
        QTest::addColumn<quint64>("bits");
        QTest::addColumn<QString>("expected");
        const auto row = [](quint64 bits, const char* text) {
            QTest::newRow(text) << bits << QString::fromLatin1(text);
        };
        row(0x0000000000000000, "0");
        QTest::newRow("minus zero") << quint64(0x8000000000000000) << QStringLiteral("0");
        row(0x0000000000000001, "5e-324");
        row(0x8000000000000001, "-5e-324");
        row(0x7fefffffffffffff, "1.7976931348623157e+308");
        row(0xffefffffffffffff, "-1.7976931348623157e+308");
        row(0x4340000000000000, "9007199254740992");
        row(0xc340000000000000, "-9007199254740992");
        row(0x4430000000000000, "295147905179352830000");
        row(0x44b52d02c7e14af5, "9.999999999999997e+22");
        row(0x44b52d02c7e14af6, "1e+23");
        row(0x44b52d02c7e14af7, "1.0000000000000001e+23");
        row(0x444b1ae4d6e2ef4e, "999999999999999700000");
        row(0x444b1ae4d6e2ef4f, "999999999999999900000");
        row(0x444b1ae4d6e2ef50, "1e+21");
        row(0x3eb0c6f7a0b5ed8c, "9.999999999999997e-7");
        row(0x3eb0c6f7a0b5ed8d, "0.000001");
        row(0x41b3de4355555553, "333333333.3333332");
        row(0x41b3de4355555554, "333333333.33333325");
        row(0x41b3de4355555555, "333333333.3333333");
        row(0x41b3de4355555556, "333333333.3333334");
        row(0x41b3de4355555557, "333333333.33333343");
        row(0xbecbf647612f3696, "-0.0000033333333333333333");
        row(0x43143ff3c1cb0959, "1424953923781206.2");
    }

    void rfcNumberVectors() {
        QFETCH(quint64, bits);
        QFETCH(QString, expected);
        const double number = std::bit_cast<double>(static_cast<std::uint64_t>(bits));
        QCOMPARE(QString::fromStdString(formatEcmascriptNumber(number)), expected);
    }

    void moreNumbers_data() {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QByteArray>("expected");
        QTest::newRow("1e21") << QByteArray("1e21") << QByteArray("1e+21");
        QTest::newRow("1e20") << QByteArray("1e20") << QByteArray("100000000000000000000");
        QTest::newRow("1e-7") << QByteArray("1e-7") << QByteArray("1e-7");
        QTest::newRow("1.5e-7") << QByteArray("1.5e-7") << QByteArray("1.5e-7");
        QTest::newRow("1e-6") << QByteArray("0.000001") << QByteArray("0.000001");
        QTest::newRow("0.1") << QByteArray("0.1") << QByteArray("0.1");
        QTest::newRow("-0.0") << QByteArray("-0.0") << QByteArray("0");
        QTest::newRow("4.50") << QByteArray("4.50") << QByteArray("4.5");
        QTest::newRow("1.0") << QByteArray("1.0") << QByteArray("1");
        QTest::newRow("integer") << QByteArray("-42") << QByteArray("-42");
        QTest::newRow("2^53+1 rounds as a double")
            << QByteArray("9007199254740993") << QByteArray("9007199254740992");
        QTest::newRow("2^64-1") << QByteArray("18446744073709551615")
                                << QByteArray("18446744073709552000");
        QTest::newRow("int64 min")
            << QByteArray("-9223372036854775808") << QByteArray("-9223372036854776000");
        QTest::newRow("beyond uint64")
            << QByteArray("123456789012345678901234567890") << QByteArray("1.2345678901234568e+29");
    }

    void moreNumbers() {
        QFETCH(QByteArray, json);
        QFETCH(QByteArray, expected);
        QCOMPARE(QByteArray::fromStdString(canonicalJson(parsed(json.toStdString()))), expected);
    }

    void nonFiniteNumbersHaveNoCanonicalForm() {
        QVERIFY_THROWS_EXCEPTION(std::domain_error,
                                 formatEcmascriptNumber(std::numeric_limits<double>::infinity()));
        QVERIFY_THROWS_EXCEPTION(std::domain_error,
                                 formatEcmascriptNumber(std::numeric_limits<double>::quiet_NaN()));
        QVERIFY_THROWS_EXCEPTION(std::domain_error,
                                 canonicalJson(nlohmann::json{{"x", std::nan("")}}));
    }

    void invalidUtf8HasNoCanonicalForm() {
        QVERIFY_THROWS_EXCEPTION(std::domain_error, canonicalJson(nlohmann::json("\xff")));
        QVERIFY_THROWS_EXCEPTION(std::domain_error,
                                 canonicalJson(nlohmann::json{{"\xed\xa0\x80", 1}}));
    }

    void stringEscapesAreMinimal() {
        // Control characters: short escapes where JSON has them, else \u00xx in lower case;
        // DEL, U+2028 and non-ASCII stay literal; '/' is not escaped.
        const std::string text = "\x01\b\t\n\f\r\x1f\x7f/\"\\\xe2\x80\xa8";
        QCOMPARE(canonicalJson(nlohmann::json(text)),
                 std::string("\"\\u0001\\b\\t\\n\\f\\r\\u001f\x7f/\\\"\\\\\xe2\x80\xa8\""));
    }

    // The variant for text known to be valid UTF-8 looks for escapes eight bytes at a time:
    // every byte that needs an escape, at every offset of a word and of the tail, and the
    // bytes just beside them, give what the validating writer gives.
    void stringOfValidUtf8MatchesTheValidatingWriter() {
        std::vector<char> bytes;
        for (int c = 0; c < 0x80; ++c) {
            bytes.push_back(static_cast<char>(c));
        }
        for (const std::size_t length : {1, 7, 8, 9, 15, 16, 17, 24}) {
            for (std::size_t at = 0; at < length; ++at) {
                for (const char c : bytes) {
                    std::string text(length, 'a');
                    text[at] = c;
                    std::string expected;
                    std::string actual;
                    appendCanonicalString(expected, text);
                    appendCanonicalStringOfValidUtf8(actual, text);
                    QCOMPARE(actual, expected);
                }
            }
        }
        for (const std::string_view text : {"", "caf\xc3\xa9 \xf0\x9f\x98\x80 \xee\x80\x80",
                                            "tab\there \"quoted\" back\\slash \x7f"}) {
            std::string expected;
            std::string actual;
            appendCanonicalString(expected, text);
            appendCanonicalStringOfValidUtf8(actual, text);
            QCOMPARE(actual, expected);
        }
    }

    void nestedStructuresHaveNoWhitespace() {
        QCOMPARE(
            canonicalJson(parsed(R"( { "b" : [ 1 , { "d" : null , "c" : true } ] , "a" : "" } )")),
            std::string(R"({"a":"","b":[1,{"c":true,"d":null}]})"));
        QCOMPARE(canonicalJson(parsed("{}")), std::string("{}"));
        QCOMPARE(canonicalJson(parsed("[]")), std::string("[]"));
    }

    // docs/api.md's published checksum vectors (also checked against node's canonicalize).
    void documentedChecksums() {
        QCOMPARE(stateChecksum(parsed("{}")),
                 std::string("44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"));
        QCOMPARE(stateChecksum(parsed(R"({"c":0.1,"b":1e-7,"a":1e21})")),
                 std::string("b9cdc12dea2a358ce30287f86bdf2ed1d7aea1291c529555dd86c814c927bfcd"));
        const auto keys = parsed(
            "{\"\xc3\xa9\":1,\"z\":2,\"\xe2\x82\xac\":3,\"\xf0\x9f\x98\x80\":4,\"\xef\xac\xb3\":"
            "5}");
        QCOMPARE(canonicalJson(keys),
                 std::string("{\"z\":2,\"\xc3\xa9\":1,\"\xe2\x82\xac\":3,\"\xf0\x9f\x98\x80\":4,"
                             "\"\xef\xac\xb3\":5}"));
        QCOMPARE(stateChecksum(keys),
                 std::string("588d2c18050d6bd1aabacfa98025871e477247c0f4cdc05ddeb046dbd104b8b4"));
    }

    void sha256OfKnownInput() {
        QCOMPARE(sha256Hex(""),
                 std::string("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
        QCOMPARE(sha256Hex("abc"),
                 std::string("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
    }

    // The canonical form does not depend on key order or whitespace in the text.
    void randomizedKeyOrderGivesOneCanonicalForm() {
        deskboard::testing::RandomJson random(20261125);
        for (int i = 0; i < 500; ++i) {
            const nlohmann::json document = random.object(5);
            const std::string canonical = canonicalJson(document);
            const std::string shuffled = random.shuffledText(document);
            QCOMPARE(canonicalJson(parsed(shuffled)), canonical);
            // Canonical text is itself valid JSON that denotes the same document.
            QCOMPARE(canonicalJson(parsed(canonical)), canonical);
        }
    }

    // parse(dump(x)) == x for random documents.
    void randomizedRoundTrip() {
        deskboard::testing::RandomJson random(42);
        for (int i = 0; i < 500; ++i) {
            const nlohmann::json document = random.object(6);
            QCOMPARE_JSON(parsed(document.dump()), document);
        }
    }
};

QTEST_APPLESS_MAIN(CanonicalJsonTest)
#include "tst_canonical_json.moc"
