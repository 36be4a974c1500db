// The live event stream through real servers: events for saves (with the saving device), for
// saves through another server instance on the same Redis, Last-Event-ID catch-up, heartbeats,
// the per-user cap, and streams closed by logout and by token expiry.
#include <QTest>
#include <event_stream_reader.h>
#include <http_client.h>
#include <qtest_json.h>
#include <server_process.h>

using namespace deskboard::testing;

namespace {

const QByteArray kPassword = "events-password";

QByteArray login(ServerProcess& server, const QString& name) {
    HttpClient client(server.baseUrl());
    const auto answer =
        client.post(QStringLiteral("/api/auth/login"),
                    {{"username", name.toStdString()}, {"password", kPassword.toStdString()}});
    if (answer.status != 200) {
        qFatal("login failed: %s", answer.body.constData());
    }
    return QByteArray::fromStdString(answer.json()["accessToken"].get<std::string>());
}

int save(ServerProcess& server, const QByteArray& token, std::int64_t version,
         const QByteArray& device = "laptop") {
    HttpClient client(server.baseUrl());
    client.setToken(token);
    return client
        .post(QStringLiteral("/api/dashboard/state"),
              {{"version", version}, {"state", {{"note", std::to_string(version)}}}},
              {{"X-Device-Id", device}})
        .status;
}

QMap<QString, QString> fastHeartbeat() {
    return {{QStringLiteral("DESKBOARD_SSE_HEARTBEAT_SECONDS"), QStringLiteral("1")},
            {QStringLiteral("DESKBOARD_MAX_STREAMS_PER_USER"), QStringLiteral("3")}};
}

}  // namespace

class ApiEventsTest : public QObject {
    Q_OBJECT

  private:
    std::unique_ptr<RedisProcess> redis_;
    std::unique_ptr<ServerProcess> first_;
    std::unique_ptr<ServerProcess> second_;

  private slots:
    void initTestCase() {
        redis_ = std::make_unique<RedisProcess>();
        first_ = std::make_unique<ServerProcess>(*redis_, fastHeartbeat());
        second_ = std::make_unique<ServerProcess>(*redis_, fastHeartbeat());
        first_->addUser(QStringLiteral("eve"), kPassword);
        first_->addUser(QStringLiteral("frank"), kPassword);
    }

    void cleanupTestCase() {
        QCOMPARE(first_->stop(), 0);
        QCOMPARE(second_->stop(), 0);
    }

    void streamsNeedAToken() {
        EventStreamReader anonymous(first_->baseUrl(), "nonsense-token");
        QVERIFY(anonymous.waitForFinished());
        QCOMPARE(anonymous.status(), 401);
    }

    void saveIsAnnouncedWithItsDevice() {
        const QByteArray token = login(*first_, QStringLiteral("eve"));
        EventStreamReader stream(first_->baseUrl(), token);
        QVERIFY(stream.waitForStatus());
        QCOMPARE(stream.status(), 200);
        QCOMPARE(save(*first_, token, 1, "desk-1"), 200);
        QVERIFY(stream.waitForEvents(1, 2000));
        const auto& event = stream.events().front();
        QCOMPARE(event.id, QByteArray("1"));
        QCOMPARE(event.event, QByteArray("version"));
        QCOMPARE_JSON(event.json()["version"], 1);
        QCOMPARE_JSON(event.json()["deviceId"], "desk-1");
        QVERIFY(event.json()["lastModified"].is_string());
    }

    void saveThroughAnotherInstanceArrives() {
        const QByteArray token = login(*first_, QStringLiteral("eve"));
        EventStreamReader onSecond(second_->baseUrl(), token);
        QVERIFY(onSecond.waitForStatus());
        QCOMPARE(onSecond.status(), 200);
        QCOMPARE(save(*first_, token, 2), 200);
        QVERIFY2(onSecond.waitForEvents(1, 2000), onSecond.body().constData());
        QCOMPARE(onSecond.events().front().id, QByteArray("2"));
    }

    void otherUsersEventsStayPrivate() {
        const QByteArray eve = login(*first_, QStringLiteral("eve"));
        const QByteArray frank = login(*first_, QStringLiteral("frank"));
        EventStreamReader franks(first_->baseUrl(), frank);
        EventStreamReader eves(first_->baseUrl(), eve);
        QVERIFY(franks.waitForStatus());
        QVERIFY(eves.waitForStatus());
        QCOMPARE(save(*first_, eve, 3), 200);
        QVERIFY(eves.waitForEvents(1, 2000));
        // Frank's stream keeps beating but never carries Eve's version.
        const int beats = franks.comments();
        QVERIFY(QTest::qWaitFor([&] { return franks.comments() > beats; }, 3000));
        QVERIFY(franks.events().isEmpty());
    }

    void lastEventIdCatchesUp() {
        const QByteArray token = login(*first_, QStringLiteral("eve"));
        EventStreamReader behind(first_->baseUrl(), token, {{"Last-Event-ID", "1"}});
        QVERIFY(behind.waitForEvents(1, 2000));
        QCOMPARE(behind.events().front().id, QByteArray("3"));
        EventStreamReader current(first_->baseUrl(), token, {{"Last-Event-ID", "3"}});
        QVERIFY(current.waitForStatus());
        const int beats = current.comments();
        QVERIFY(QTest::qWaitFor([&] { return current.comments() > beats; }, 3000));
        QVERIFY(current.events().isEmpty());
    }

    void heartbeatsKeepTheStreamAlive() {
        const QByteArray token = login(*first_, QStringLiteral("frank"));
        EventStreamReader stream(first_->baseUrl(), token);
        QVERIFY(stream.waitForStatus());
        QVERIFY(QTest::qWaitFor([&] { return stream.comments() >= 3; }, 5000));
        QVERIFY(!stream.isFinished());
    }

    void streamsPerUserAreCapped() {
        const QByteArray token = login(*first_, QStringLiteral("frank"));
        std::vector<std::unique_ptr<EventStreamReader>> open;
        for (int i = 0; i < 3; ++i) {
            open.push_back(std::make_unique<EventStreamReader>(first_->baseUrl(), token));
            QVERIFY(open.back()->waitForStatus());
            QCOMPARE(open.back()->status(), 200);
        }
        EventStreamReader fourth(first_->baseUrl(), token);
        QVERIFY(fourth.waitForFinished());
        QCOMPARE(fourth.status(), 429);
        // Closing one makes room again.
        open.pop_back();
        QVERIFY(QTest::qWaitFor(
            [&] {
                EventStreamReader again(first_->baseUrl(), token);
                again.waitForStatus();
                return again.status() == 200;
            },
            5000));
    }

    void logoutClosesTheStream() {
        const QByteArray token = login(*first_, QStringLiteral("eve"));
        EventStreamReader onFirst(first_->baseUrl(), token);
        EventStreamReader onSecond(second_->baseUrl(), token);
        QVERIFY(onFirst.waitForStatus());
        QVERIFY(onSecond.waitForStatus());
        HttpClient client(first_->baseUrl());
        client.setToken(token);
        QCOMPARE(client.send("POST", QStringLiteral("/api/auth/logout"), {}).status, 200);
        QVERIFY(onFirst.waitForFinished(3000));
        QVERIFY(onSecond.waitForFinished(3000));
    }

    void expiredTokenClosesTheStream() {
        ServerProcess shortLived(
            *redis_, {{QStringLiteral("DESKBOARD_ACCESS_TOKEN_TTL"), QStringLiteral("2")},
                      {QStringLiteral("DESKBOARD_SSE_HEARTBEAT_SECONDS"), QStringLiteral("1")}});
        const QByteArray token = login(shortLived, QStringLiteral("frank"));
        EventStreamReader stream(shortLived.baseUrl(), token);
        QVERIFY(stream.waitForStatus());
        QCOMPARE(stream.status(), 200);
        QVERIFY(stream.waitForFinished(6000));
        QCOMPARE(shortLived.stop(), 0);
    }
};

QTEST_GUILESS_MAIN(ApiEventsTest)
#include "tst_api_events.moc"
