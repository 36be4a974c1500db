// The probe answers (probe_messages.h): the exact bytes /healthz and /readyz have always sent,
// the round trip, and invalid_body naming `status` for anything but "ok" and "ready".
#include <QTest>
#include <qtest_json.h>

#include <deskboard/protocol/probe_messages.h>

using namespace deskboard::protocol;

class ProbeMessagesTest : public QObject {
    Q_OBJECT

  private slots:
    void writesTheDocumentedBodies() {
        QCOMPARE(toJson(ProbeResponse{ProbeStatus::Ok}).dump(), std::string(R"({"status":"ok"})"));
        QCOMPARE(toJson(ProbeResponse{ProbeStatus::Ready}).dump(),
                 std::string(R"({"status":"ready"})"));
    }

    void roundTrips() {
        for (const auto status : {ProbeStatus::Ok, ProbeStatus::Ready}) {
            const ProbeResponse response{status};
            QCOMPARE(probeResponseFromJson(toJson(response)).value(), response);
        }
    }

    void refusesOtherShapes() {
        for (const auto& body : {nlohmann::json::object(), nlohmann::json({{"status", "OK"}}),
                                 nlohmann::json({{"status", ""}}), nlohmann::json({{"status", 1}}),
                                 nlohmann::json({{"status", nullptr}})}) {
            const auto result = probeResponseFromJson(body);
            QVERIFY2(!result.hasValue(), body.dump().c_str());
            QCOMPARE(result.error().code, ErrorCode::InvalidBody);
            QVERIFY2(result.error().message.find("field 'status'") != std::string::npos,
                     result.error().message.c_str());
        }
        for (const auto& body : {nlohmann::json::array(), nlohmann::json("ok"), nlohmann::json()}) {
            const auto result = probeResponseFromJson(body);
            QVERIFY(!result.hasValue());
            QCOMPARE(result.error().code, ErrorCode::InvalidBody);
        }
    }
};

QTEST_APPLESS_MAIN(ProbeMessagesTest)
#include "tst_probe_messages.moc"
