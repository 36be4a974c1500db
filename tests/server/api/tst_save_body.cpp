// The server's simdjson save-body parser agrees with the protocol's reference parser: the same
// canonical state and checksum for random documents (with every kind of JSON number: integers
// beyond 64 bits, exponents, negative zero, subnormals, more digits than a double holds), the
// same error code for every bad input and for random mutations of good ones, and the same depth
// limit to the level.
#include <algorithm>
#include <array>
#include <bit>
#include <charconv>

#include <QFile>
#include <QTest>
#include <api/save_body.h>
#include <qtest_json.h>
#include <random_json.h>

#include <deskboard/protocol/canonical_json.h>
#include <deskboard/protocol/messages.h>

#include "json_numbers.h"

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

// The error message of a refused parse, "" for an accepted one.
template <typename T>
std::string problem(const Expected<T>& result) {
    return result ? std::string() : result.error().message;
}

std::string numberBody(const std::string& literal) {
    return "{\"version\":1,\"state\":{\"n\":" + literal + ",\"list\":[" + literal + "]}}";
}

// Both parsers take `literal` as a number whose canonical form is `canonical`.
void checkLiteral(SaveBodyParser& fast, const std::string& literal, const std::string& canonical) {
    const std::string body = numberBody(literal);
    const std::string expected = "{\"list\":[" + canonical + "],\"n\":" + canonical + "}";
    const auto reference = parseSaveStateRequest(body, JsonLimits{kLimit, 64});
    const auto ours = fast.parse(body);
    QVERIFY2(reference.hasValue(), (literal + ": " + problem(reference)).c_str());
    QVERIFY2(ours.hasValue(), (literal + ": " + problem(ours)).c_str());
    QCOMPARE(canonicalJson(reference.value().request.state), expected);
    QCOMPARE(ours.value().canonicalState, expected);
    QCOMPARE(ours.value().checksum, reference.value().checksum);
    QCOMPARE(ours.value().checksum, sha256Hex(expected));
}

// JSON text written with ' for " (moc misreads raw string literals holding quotes).
std::string quotes(std::string text) {
    std::replace(text.begin(), text.end(), '\'', '"');
    return text;
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
            const nlohmann::json body{{"version", i + 1}, {"state", state}};
            const std::string text = random.shuffledText(body);
            const auto ours = fast.parse(text);
            QVERIFY2(ours.hasValue(), ours ? "" : ours.error().message.c_str());
            QCOMPARE(ours.value().version, std::int64_t{i + 1});
            QCOMPARE(ours.value().canonicalState, canonicalJson(state));
            QCOMPARE(ours.value().checksum, stateChecksum(state));
        }
    }

    // Random documents whose numbers are spelled in every way JSON allows (see
    // json_numbers.h): both parsers give the canonical form of the document's doubles.
    void randomDocumentsWithEveryKindOfNumber() {
        SaveBodyParser fast(kLimit, 64);
        deskboard::testing::RandomJson random(2024);
        deskboard::testing::NumberSpeller speller(99);
        for (int i = 0; i < 1000; ++i) {
            nlohmann::json state = random.object(5);
            speller.enrich(state);
            const std::string text =
                "{\"state\":" + speller.text(state) + ",\"version\":" + std::to_string(i + 1) + "}";
            const auto reference = parseSaveStateRequest(text, JsonLimits{kLimit, 64});
            const auto ours = fast.parse(text);
            QVERIFY2(reference.hasValue(), (text + ": " + problem(reference)).c_str());
            QVERIFY2(ours.hasValue(), (text + ": " + problem(ours)).c_str());
            const std::string expected = canonicalJson(state);
            QCOMPARE(canonicalJson(reference.value().request.state), expected);
            QCOMPARE(ours.value().canonicalState, expected);
            QCOMPARE(ours.value().checksum, reference.value().checksum);
        }
    }

    // RFC 8785 Appendix B's numbers, each written as its canonical form, as its exact decimal
    // value (309 digits for the largest, 1074 decimals for the smallest) and in exponent form.
    void rfc8785Numbers() {
        SaveBodyParser fast(kLimit, 64);
        for (const auto& [bits, canonical] : deskboard::testing::kRfc8785Numbers) {
            const double number = std::bit_cast<double>(bits);
            QCOMPARE(formatEcmascriptNumber(number), std::string(canonical));
            checkLiteral(fast, canonical, canonical);
            checkLiteral(fast, deskboard::testing::NumberSpeller::exactDecimal(number), canonical);
            std::array<char, 64> buffer{};
            const auto end = std::to_chars(buffer.data(), buffer.data() + buffer.size(), number,
                                           std::chars_format::scientific)
                                 .ptr;
            std::string scientific(buffer.data(), end);
            scientific[scientific.find('e')] = 'E';
            checkLiteral(fast, scientific, canonical);
        }
    }

    void numberLiterals() {
        SaveBodyParser fast(kLimit, 64);
        for (const auto& [literal, canonical] : deskboard::testing::kNumberLiterals) {
            checkLiteral(fast, literal, canonical);
        }
        checkLiteral(fast, deskboard::testing::kJustBelowOverflow, "1.7976931348623157e+308");
        const std::string half = deskboard::testing::halfSmallestSubnormal();
        QCOMPARE(half.substr(0, 8), std::string("0.000000"));
        checkLiteral(fast, half, "0");  // a tie: to even
        checkLiteral(fast, half + "1", "5e-324");
        checkLiteral(fast, "-" + half + "1", "-5e-324");
        checkLiteral(fast, "1" + std::string(308, '0'), "1e+308");
        checkLiteral(fast, "-1" + std::string(300, '0'), "-1e+300");
    }

    // What is no finite double is refused by both, as invalid_json, wherever it stands.
    void overflowingNumbersAreRefused() {
        SaveBodyParser fast(kLimit, 64);
        std::vector<std::string> literals(deskboard::testing::kOverflowingLiterals.begin(),
                                          deskboard::testing::kOverflowingLiterals.end());
        literals.push_back("1" + std::string(309, '0'));
        literals.push_back("-1" + std::string(400, '0'));
        for (const auto& literal : literals) {
            for (const std::string& body :
                 {numberBody(literal), "{\"version\":1,\"state\":{},\"x\":" + literal + "}",
                  "{\"version\":" + literal + ",\"state\":{\"big\":123456789012345680000}}"}) {
                const auto [reference, ours] = verdicts(fast, body);
                QCOMPARE(reference, std::string("invalid_json"));
                QCOMPARE(ours, reference);
            }
        }
    }

    // Only number tokens are widened: digits in strings and keys (after escaped quotes and
    // backslashes too) stay as they are.
    void longIntegersInStringsStayStrings() {
        SaveBodyParser fast(kLimit, 64);
        const std::string body = quotes(
            "{'version':1,'state':{'k\\'12345678901234567890123':'12345678901234567890123',"
            "'a':[12345678901234567890123,'\\\\',-98765432109876543210987,"
            "'\\\\\\'-1234567890123456789012'],"
            "'12345678901234567890123':{'x':'1e400 99999999999999999999999'}}}");
        const auto reference = parseSaveStateRequest(body, JsonLimits{kLimit, 64});
        const auto ours = fast.parse(body);
        QVERIFY2(reference.hasValue(), reference ? "" : reference.error().message.c_str());
        QVERIFY2(ours.hasValue(), ours ? "" : ours.error().message.c_str());
        QCOMPARE(ours.value().canonicalState, canonicalJson(reference.value().request.state));
        QCOMPARE(ours.value().canonicalState,
                 quotes("{'12345678901234567890123':{'x':'1e400 99999999999999999999999'},"
                        "'a':[1.2345678901234568e+22,'\\\\',-9.876543210987654e+22,"
                        "'\\\\\\'-1234567890123456789012'],"
                        "'k\\'12345678901234567890123':'12345678901234567890123'}"));
    }

    // Random small edits of documents full of long numbers (a byte deleted, inserted or
    // repeated): the same verdict from both parsers, and the same canonical form when accepted.
    void mutatedDocumentsGetTheReferenceVerdict() {
        SaveBodyParser fast(kLimit, 64);
        deskboard::testing::RandomJson random(31337);
        deskboard::testing::NumberSpeller speller(4242);
        static const std::string kPool = "\"\\,:[]{}-+.eE0123456789 x";
        int accepted = 0;
        for (int i = 0; i < 3000; ++i) {
            nlohmann::json state = random.object(3);
            speller.enrich(state);
            std::string text = "{\"version\":7,\"state\":" + speller.text(state) + "}";
            for (int edits = 1 + speller.below(3); edits > 0; --edits) {
                const auto at =
                    static_cast<std::size_t>(speller.below(static_cast<int>(text.size())));
                switch (speller.below(3)) {
                    case 0:
                        text.erase(at, 1);
                        break;
                    case 1:
                        text.insert(at, 1,
                                    kPool[static_cast<std::size_t>(
                                        speller.below(static_cast<int>(kPool.size())))]);
                        break;
                    default:
                        text.insert(at,
                                    text.substr(at, static_cast<std::size_t>(speller.below(30))));
                }
            }
            const auto reference = parseSaveStateRequest(text, JsonLimits{kLimit, 64});
            const auto ours = fast.parse(text);
            const std::string referenceVerdict =
                reference ? "ok" : std::string(errorName(reference.error().code));
            const std::string ourVerdict = ours ? "ok" : std::string(errorName(ours.error().code));
            QVERIFY2(ourVerdict == referenceVerdict,
                     (text + "\nreference: " + referenceVerdict + " " + problem(reference) +
                      "\nours: " + ourVerdict + " " + problem(ours))
                         .c_str());
            if (reference) {
                ++accepted;
                QCOMPARE(ours.value().canonicalState,
                         canonicalJson(reference.value().request.state));
            }
        }
        QVERIFY2(accepted > 100, std::to_string(accepted).c_str());  // not only refusals
    }

    // A body at the size limit made of long integers grows past the limit when they are
    // widened; the parser still takes it (the limit applies to what the client sent).
    void longIntegersUpToTheSizeLimit() {
        SaveBodyParser fast(kLimit, 64);
        std::string body = "{\"version\":1,\"state\":{\"n\":[";
        while (body.size() + 25 < kLimit) {
            body += "123456789012345680000,";
        }
        body += "1]}}";
        QVERIFY(body.size() <= kLimit);
        const auto ours = fast.parse(body);
        QVERIFY2(ours.hasValue(), problem(ours).c_str());
        const auto reference = parseSaveStateRequest(body, JsonLimits{kLimit, 64});
        QVERIFY(reference.hasValue());
        QCOMPARE(ours.value().checksum, reference.value().checksum);
    }

    // docs/api.md's canonical JSON vectors hold for the fast path too.
    void documentedVectors() {
        QFile doc(QStringLiteral(DESKBOARD_API_DOC));
        QVERIFY2(doc.open(QIODevice::ReadOnly), qPrintable(doc.errorString()));
        SaveBodyParser fast(kLimit, 64);
        std::string input;
        std::string canonical;
        int checked = 0;
        for (const QByteArray& line : doc.readAll().split('\n')) {
            if (line.startsWith("IN  ")) {
                input = line.mid(4).toStdString();
            } else if (line.startsWith("OUT ")) {
                canonical = line.mid(4).toStdString();
            } else if (line.startsWith("SHA ")) {
                const auto ours = fast.parse("{\"version\":1,\"state\":" + input + "}");
                QVERIFY2(ours.hasValue(), input.c_str());
                QCOMPARE(ours.value().canonicalState, canonical);
                QCOMPARE(ours.value().checksum, line.mid(4).toStdString());
                ++checked;
            }
        }
        QVERIFY(checked >= 9);
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
        // Escapes that decode to no valid UTF-8: refused by both, also in a key (the server
        // writes strings without validating them again: simdjson must have refused these).
        QTest::newRow("lone escaped high surrogate")
            << QByteArray("{\"version\":1,\"state\":{\"a\":\"\\ud800\"}}");
        QTest::newRow("lone escaped low surrogate")
            << QByteArray("{\"version\":1,\"state\":{\"a\":\"x\\udc00y\"}}");
        QTest::newRow("lone escaped surrogate in a key")
            << QByteArray("{\"version\":1,\"state\":{\"\\ud83d\":1}}");
        QTest::newRow("reversed surrogate pair")
            << QByteArray("{\"version\":1,\"state\":{\"a\":\"\\ude00\\ud83d\"}}");
        QTest::newRow("escaped surrogate pair")
            << QByteArray("{\"version\":1,\"state\":{\"a\":\"\\ud83d\\ude00\"}}");
        QTest::newRow("raw control") << QByteArray("{\"version\":1,\"state\":{\"a\":\"\x01\"}}");
        QTest::newRow("nul after") << QByteArray("{\"version\":1,\"state\":{}}\0", 26);
        QTest::newRow("1e400") << QByteArray("{\"version\":1,\"state\":{\"a\":1e400}}");
        QTest::newRow("beyond 64 bits")
            << QByteArray("{\"version\":1,\"state\":{\"a\":123456789012345680000}}");
        QTest::newRow("beyond 64 bits, then 1e400")
            << QByteArray("{\"version\":1,\"state\":{\"a\":123456789012345680000,\"b\":1e400}}");
        QTest::newRow("beyond 64 bits, leading zero")
            << QByteArray("{\"version\":1,\"state\":{\"a\":0123456789012345680000}}");
        QTest::newRow("beyond 64 bits, then junk")
            << QByteArray("{\"version\":1,\"state\":{\"a\":123456789012345680000x}}");
        QTest::newRow("beyond 64 bits, then a dot")
            << QByteArray("{\"version\":1,\"state\":{\"a\":123456789012345680000.}}");
        QTest::newRow("beyond 64 bits, two minus signs")
            << QByteArray("{\"version\":1,\"state\":{\"a\":--123456789012345680000}}");
        QTest::newRow("beyond 64 bits, then duplicate key")
            << QByteArray("{\"version\":1,\"state\":{\"a\":123456789012345680000,\"a\":1}}");
        QTest::newRow("beyond 64 bits, unquoted key")
            << QByteArray("{\"version\":1,\"state\":{123456789012345680000:1}}");
        QTest::newRow("version beyond 64 bits")
            << QByteArray("{\"version\":123456789012345680000,\"state\":{}}");
        QTest::newRow("version -2^63-1")
            << QByteArray("{\"version\":-9223372036854775809,\"state\":{}}");
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
