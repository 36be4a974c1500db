// The seed's wire types: JSON round trips, and the save body's validation with the field named
// in every invalid_body message; the server's append-style writers of the save, GET and event
// answers against toJson(); the history answer and the event payload.
#include <QTest>
#include <qtest_json.h>

#include <deskboard/protocol/canonical_json.h>
#include <deskboard/protocol/history_messages.h>
#include <deskboard/protocol/messages.h>

using namespace deskboard::protocol;

namespace {

const nlohmann::json kState = {{"schema", 1}, {"dashboards", nlohmann::json::array()}};

nlohmann::json parsed(const std::string& text) {
    return nlohmann::json::parse(text);
}

void verifyInvalidBody(const ApiError& error, const std::string& field) {
    QCOMPARE(error.code, ErrorCode::InvalidBody);
    const std::string quoted = "field '" + field + "'";
    QVERIFY2(error.message.find(quoted) != std::string::npos,
             (error.message + " should name " + quoted).c_str());
}

void verifySaveRefused(const std::string& body, ErrorCode code, const char* mention) {
    const auto result = parseSaveStateRequest(body);
    QVERIFY2(!result.hasValue(), body.c_str());
    QCOMPARE(result.error().code, code);
    QVERIFY2(result.error().message.find(mention) != std::string::npos,
             result.error().message.c_str());
}

}  // namespace

class MessagesTest : public QObject {
    Q_OBJECT

  private slots:
    void saveRequestRoundTrips() {
        const SaveStateRequest plain{7, kState, std::nullopt};
        QCOMPARE_JSON(toJson(plain), nlohmann::json({{"version", 7}, {"state", kState}}));
        QCOMPARE(saveStateRequestFromJson(toJson(plain)).value(), plain);
        const SaveStateRequest withChecksum{8, kState, stateChecksum(kState)};
        QCOMPARE(saveStateRequestFromJson(toJson(withChecksum)).value(), withChecksum);
    }

    void validSaveBodyGetsTheServerChecksum() {
        const auto result = parseSaveStateRequest(R"({"version": 3, "state": {"b": 1, "a": 2}})");
        QVERIFY(result.hasValue());
        QCOMPARE(result.value().request.version, std::int64_t{3});
        QCOMPARE(result.value().checksum, sha256Hex(R"({"a":2,"b":1})"));
        QVERIFY(!result.value().request.checksum.has_value());
    }

    void matchingChecksumIsAccepted() {
        const std::string checksum = stateChecksum(kState);
        const nlohmann::json body{{"version", 1}, {"state", kState}, {"checksum", checksum}};
        const auto result = parseSaveStateRequest(body.dump());
        QVERIFY(result.hasValue());
        QCOMPARE(result.value().checksum, checksum);
    }

    void wrongChecksumIsRefused() {
        const nlohmann::json body{{"version", 1}, {"state", kState}, {"checksum", "00"}};
        verifySaveRefused(body.dump(), ErrorCode::ChecksumMismatch, "checksum");
        // Upper-case hex of the right digest is still not the checksum.
        std::string upper = stateChecksum(kState);
        for (char& c : upper) {
            c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        }
        const nlohmann::json shouting{{"version", 1}, {"state", kState}, {"checksum", upper}};
        verifySaveRefused(shouting.dump(), ErrorCode::ChecksumMismatch, "checksum");
    }

    void versionRules_data() {
        QTest::addColumn<QByteArray>("version");
        QTest::addColumn<bool>("valid");
        QTest::newRow("1") << QByteArray("1") << true;
        QTest::newRow("2^53-1") << QByteArray("9007199254740991") << true;
        QTest::newRow("2^53") << QByteArray("9007199254740992") << false;
        QTest::newRow("2^64-1") << QByteArray("18446744073709551615") << false;
        QTest::newRow("0") << QByteArray("0") << false;
        QTest::newRow("-1") << QByteArray("-1") << false;
        QTest::newRow("1.0") << QByteArray("1.0") << false;
        QTest::newRow("1.5") << QByteArray("1.5") << false;
        QTest::newRow("1e2") << QByteArray("1e2") << false;
        QTest::newRow("string") << QByteArray("\"1\"") << false;
        QTest::newRow("true") << QByteArray("true") << false;
        QTest::newRow("null") << QByteArray("null") << false;
        QTest::newRow("array") << QByteArray("[1]") << false;
    }

    void versionRules() {
        QFETCH(QByteArray, version);
        QFETCH(bool, valid);
        const std::string body = "{\"version\":" + version.toStdString() + ",\"state\":{}}";
        if (valid) {
            QVERIFY(parseSaveStateRequest(body).hasValue());
        } else {
            verifySaveRefused(body, ErrorCode::InvalidBody, "'version'");
        }
    }

    void shapeErrorsNameTheField() {
        verifySaveRefused(R"({"state":{}})", ErrorCode::InvalidBody, "'version'");
        verifySaveRefused(R"({"version":1})", ErrorCode::InvalidBody, "'state'");
        verifySaveRefused(R"({"version":1,"state":[]})", ErrorCode::InvalidBody, "'state'");
        verifySaveRefused(R"({"version":1,"state":"{}"})", ErrorCode::InvalidBody, "'state'");
        verifySaveRefused(R"({"version":1,"state":null})", ErrorCode::InvalidBody, "'state'");
        verifySaveRefused(R"({"version":1,"state":{},"checksum":5})", ErrorCode::InvalidBody,
                          "'checksum'");
        verifySaveRefused(R"({"version":1,"state":{},"checksum":null})", ErrorCode::InvalidBody,
                          "'checksum'");
        verifySaveRefused(R"([1,2])", ErrorCode::InvalidBody, "object");
        verifySaveRefused(R"("state")", ErrorCode::InvalidBody, "object");
    }

    void parseErrorsComeBeforeShapeErrors() {
        verifySaveRefused(R"({"version":1,"state":{})", ErrorCode::InvalidJson, "JSON");
        verifySaveRefused(std::string(kDefaultMaxBodyBytes + 1, ' '), ErrorCode::TooLarge, "limit");
        verifySaveRefused(
            "{\"version\":1,\"state\":" + std::string(70, '[') + std::string(70, ']') + "}",
            ErrorCode::InvalidJson, "64");
    }

    void unknownFieldsAreIgnored() {
        const auto result = parseSaveStateRequest(R"({"version":2,"state":{},"extra":true})");
        QVERIFY(result.hasValue());
    }

    void saveResponsesRoundTrip() {
        const SaveStateResponse accepted{true, 6, ConflictResolution::Client, std::nullopt};
        QCOMPARE_JSON(toJson(accepted), nlohmann::json({{"success", true},
                                                        {"serverVersion", 6},
                                                        {"conflictResolution", "client"}}));
        QCOMPARE(saveStateResponseFromJson(toJson(accepted)).value(), accepted);

        const SaveStateResponse idempotent{true, 6, std::nullopt, std::nullopt};
        QCOMPARE_JSON(toJson(idempotent),
                      nlohmann::json({{"success", true}, {"serverVersion", 6}}));
        QCOMPARE(saveStateResponseFromJson(toJson(idempotent)).value(), idempotent);

        const SaveStateResponse conflict{false, 9, ConflictResolution::Server,
                                         ServerCopy{kState, "2026-11-25T10:00:00.000Z"}};
        QCOMPARE_JSON(toJson(conflict).at("state"), kState);
        QCOMPARE(saveStateResponseFromJson(toJson(conflict)).value(), conflict);

        const SaveStateResponse afterDelete{false, 9, ConflictResolution::Server, ServerCopy{}};
        QVERIFY(toJson(afterDelete).at("state").is_null());
        QVERIFY(toJson(afterDelete).at("lastModified").is_null());
        QCOMPARE(saveStateResponseFromJson(toJson(afterDelete)).value(), afterDelete);
    }

    void badSaveResponsesAreRefused() {
        QVERIFY(!saveStateResponseFromJson({{"serverVersion", 1}}).hasValue());
        QVERIFY(!saveStateResponseFromJson({{"success", "yes"}, {"serverVersion", 1}}).hasValue());
        QVERIFY(!saveStateResponseFromJson({{"success", true}, {"serverVersion", 1.5}}).hasValue());
        QVERIFY(!saveStateResponseFromJson(
                     {{"success", true}, {"serverVersion", 1}, {"conflictResolution", "merge"}})
                     .hasValue());
        QVERIFY(
            !saveStateResponseFromJson({{"success", false}, {"serverVersion", 1}, {"state", "x"}})
                 .hasValue());
    }

    void getResponseRoundTrips() {
        const GetStateResponse response{12, kState, "2026-11-25T10:00:00.000Z"};
        QCOMPARE_JSON(toJson(response),
                      nlohmann::json({{"version", 12},
                                      {"state", kState},
                                      {"lastModified", "2026-11-25T10:00:00.000Z"}}));
        QCOMPARE(getStateResponseFromJson(toJson(response)).value(), response);
        QVERIFY(!getStateResponseFromJson({{"version", 1}, {"state", kState}}).hasValue());
        QVERIFY(
            !getStateResponseFromJson({{"version", 0}, {"state", kState}, {"lastModified", "x"}})
                 .hasValue());
    }

    void appendedSaveAnswersAreTheirToJson() {
        std::string written = "prefix";
        appendSaveWritten(written, 6);
        QCOMPARE(written, std::string(R"(prefix{"success":true,"serverVersion":6,)"
                                      R"("conflictResolution":"client"})"));
        QCOMPARE_JSON(parsed(written.substr(6)),
                      toJson(SaveStateResponse{true, 6, ConflictResolution::Client, std::nullopt}));

        std::string unchanged;
        appendSaveUnchanged(unchanged, kMaxVersion);
        QCOMPARE(unchanged, std::string(R"({"success":true,"serverVersion":9007199254740991})"));
        QCOMPARE_JSON(parsed(unchanged),
                      toJson(SaveStateResponse{true, kMaxVersion, std::nullopt, std::nullopt}));

        // The stored state is spliced in as it is, byte for byte.
        const std::string stored = canonicalJson(kState);
        std::string conflict;
        appendSaveConflict(conflict, 9, stored, "2026-11-25T10:00:00.000Z");
        QVERIFY(conflict.find(R"("state":)" + stored + ",") != std::string::npos);
        const SaveStateResponse expected{false, 9, ConflictResolution::Server,
                                         ServerCopy{kState, "2026-11-25T10:00:00.000Z"}};
        QCOMPARE_JSON(parsed(conflict), toJson(expected));
        QCOMPARE(saveStateResponseFromJson(parsed(conflict)).value(), expected);

        std::string deleted;
        appendSaveConflict(deleted, 10, std::nullopt, std::nullopt);
        QCOMPARE(deleted, std::string(R"({"success":false,"serverVersion":10,)"
                                      R"("conflictResolution":"server","state":null,)"
                                      R"("lastModified":null})"));
        QCOMPARE(saveStateResponseFromJson(parsed(deleted)).value(),
                 (SaveStateResponse{false, 10, ConflictResolution::Server, ServerCopy{}}));
    }

    void appendedGetAnswerIsItsToJson() {
        const std::string stored = R"({"a":[1,2.5,"x"],"b":{}})";
        std::string body;
        appendGetStateResponse(body, 12, stored, "2026-11-25T10:00:00.000Z");
        QCOMPARE(body, R"({"version":12,"state":)" + stored +
                           R"(,"lastModified":"2026-11-25T10:00:00.000Z"})");
        const GetStateResponse expected{12, parsed(stored), "2026-11-25T10:00:00.000Z"};
        QCOMPARE_JSON(parsed(body), toJson(expected));
        QCOMPARE(getStateResponseFromJson(parsed(body)).value(), expected);
    }

    void appendedStringsAreEscaped() {
        // Quotes, backslashes and control characters escaped; invalid UTF-8 replaced, so the
        // answer is always valid JSON.
        const std::string odd = std::string("q\"b\\n\n\x01\x7F\xE2\x82\xAC") + '\xFF' + "end";
        std::string body;
        appendGetStateResponse(body, 1, "{}", odd);
        const auto json = parsed(body);
        QCOMPARE(json.at("lastModified").get<std::string>(),
                 std::string("q\"b\\n\n\x01\x7F\xE2\x82\xAC\xEF\xBF\xBD") + "end");
        QVERIFY(body.find("\\u0001") != std::string::npos);
    }

    void historyResponseRoundTrips() {
        const HistoryResponse response{{HistoryEntry{7, "2026-11-25T10:00:00.000Z", 120},
                                        HistoryEntry{6, "2026-11-24T09:00:00.000Z", 2}}};
        QCOMPARE_JSON(toJson(response), parsed(R"({"versions":[
            {"version":7,"lastModified":"2026-11-25T10:00:00.000Z","bytes":120},
            {"version":6,"lastModified":"2026-11-24T09:00:00.000Z","bytes":2}]})"));
        QCOMPARE(historyResponseFromJson(toJson(response)).value(), response);
        QCOMPARE(historyResponseFromJson(parsed(R"({"versions":[]})")).value(), HistoryResponse{});
        QCOMPARE(historyEntryFromJson(toJson(response.versions[0])).value(), response.versions[0]);
    }

    void historyFieldsAreNamed_data() {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QByteArray>("field");
        QTest::newRow("no versions") << QByteArray("{}") << QByteArray("versions");
        QTest::newRow("versions object")
            << QByteArray(R"({"versions":{}})") << QByteArray("versions");
        QTest::newRow("entry not object")
            << QByteArray(R"({"versions":[3]})") << QByteArray("versions[0]");
        const QByteArray good = R"({"version":2,"lastModified":"t","bytes":2})";
        QTest::newRow("no version")
            << QByteArray(R"({"versions":[)" + good + R"(,{"lastModified":"t","bytes":2}]})")
            << QByteArray("versions[1].version");
        QTest::newRow("version 0")
            << QByteArray(R"({"versions":[{"version":0,"lastModified":"t","bytes":2}]})")
            << QByteArray("versions[0].version");
        QTest::newRow("version 1.5")
            << QByteArray(R"({"versions":[{"version":1.5,"lastModified":"t","bytes":2}]})")
            << QByteArray("versions[0].version");
        QTest::newRow("no lastModified") << QByteArray(R"({"versions":[{"version":1,"bytes":2}]})")
                                         << QByteArray("versions[0].lastModified");
        QTest::newRow("lastModified number")
            << QByteArray(R"({"versions":[{"version":1,"lastModified":5,"bytes":2}]})")
            << QByteArray("versions[0].lastModified");
        QTest::newRow("lastModified empty")
            << QByteArray(R"({"versions":[{"version":1,"lastModified":"","bytes":2}]})")
            << QByteArray("versions[0].lastModified");
        QTest::newRow("no bytes") << QByteArray(
                                         R"({"versions":[{"version":1,"lastModified":"t"}]})")
                                  << QByteArray("versions[0].bytes");
        QTest::newRow("bytes negative")
            << QByteArray(R"({"versions":[{"version":1,"lastModified":"t","bytes":-1}]})")
            << QByteArray("versions[0].bytes");
        QTest::newRow("bytes string")
            << QByteArray(R"({"versions":[{"version":1,"lastModified":"t","bytes":"2"}]})")
            << QByteArray("versions[0].bytes");
    }

    void historyFieldsAreNamed() {
        QFETCH(QByteArray, body);
        QFETCH(QByteArray, field);
        const auto result = historyResponseFromJson(parsed(body.toStdString()));
        QVERIFY(!result.hasValue());
        verifyInvalidBody(result.error(), field.toStdString());
        QVERIFY(!historyResponseFromJson(nlohmann::json::array()).hasValue());
    }

    void stateEventRoundTrips() {
        const StateEvent saved{42, "2025-01-31T12:00:00.000Z", "laptop-1"};
        std::string text;
        appendStateEvent(text, saved);
        QCOMPARE(text, std::string(R"({"version":42,"lastModified":"2025-01-31T12:00:00.000Z",)"
                                   R"("deviceId":"laptop-1"})"));
        QCOMPARE_JSON(parsed(text), toJson(saved));
        QCOMPARE(stateEventFromJson(parsed(text)).value(), saved);

        // A catch-up after a delete: no modified time, no device.
        const StateEvent caughtUp{43, std::nullopt, std::nullopt};
        std::string nulls;
        appendStateEvent(nulls, caughtUp);
        QCOMPARE(nulls, std::string(R"({"version":43,"lastModified":null,"deviceId":null})"));
        QCOMPARE(stateEventFromJson(parsed(nulls)).value(), caughtUp);
        QCOMPARE(stateEventFromJson(toJson(caughtUp)).value(), caughtUp);

        // A device id that would break hand-written JSON stays one string.
        const StateEvent hostile{44, "t", "a\",\"x\":\"\n"};
        std::string escaped;
        appendStateEvent(escaped, hostile);
        QCOMPARE(stateEventFromJson(parsed(escaped)).value(), hostile);
    }

    void stateEventFrameSurroundsTheVersion() {
        const auto frame = stateEventFrame("2025-01-31T12:00:00.000Z", std::nullopt);
        std::string whole;
        appendStateEvent(whole, 77, "2025-01-31T12:00:00.000Z", std::nullopt);
        QCOMPARE(frame.beforeVersion + "77" + frame.afterVersion, whole);
        const auto withDevice = stateEventFrame(std::nullopt, "desk");
        std::string other;
        appendStateEvent(other, 5, std::nullopt, "desk");
        QCOMPARE(withDevice.beforeVersion + "5" + withDevice.afterVersion, other);
    }

    void stateEventFieldsAreNamed() {
        const auto valid = toJson(StateEvent{3, "t", "d"});
        const std::vector<std::pair<std::string, std::vector<nlohmann::json>>> fields{
            {"version", {0, -1, 1.5, "3", nullptr}},
            {"lastModified", {5, true, nlohmann::json::object()}},
            {"deviceId", {5, false, nlohmann::json::array()}}};
        for (const auto& [field, wrongValues] : fields) {
            auto missing = valid;
            missing.erase(field);
            const auto result = stateEventFromJson(missing);
            QVERIFY2(!result.hasValue(), missing.dump().c_str());
            verifyInvalidBody(result.error(), field);
            for (const auto& wrong : wrongValues) {
                auto changed = valid;
                changed[field] = wrong;
                const auto refused = stateEventFromJson(changed);
                QVERIFY2(!refused.hasValue(), changed.dump().c_str());
                verifyInvalidBody(refused.error(), field);
            }
        }
        QVERIFY(!stateEventFromJson(nlohmann::json("x")).hasValue());
    }
};

QTEST_APPLESS_MAIN(MessagesTest)
#include "tst_messages.moc"
