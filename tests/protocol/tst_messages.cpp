// The seed's wire types: JSON round trips, and the save body's validation with the field named
// in every invalid_body message.
#include <QTest>
#include <qtest_json.h>

#include <deskboard/protocol/canonical_json.h>
#include <deskboard/protocol/messages.h>

using namespace deskboard::protocol;

namespace {

const nlohmann::json kState = {{"schema", 1}, {"dashboards", nlohmann::json::array()}};

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
};

QTEST_APPLESS_MAIN(MessagesTest)
#include "tst_messages.moc"
