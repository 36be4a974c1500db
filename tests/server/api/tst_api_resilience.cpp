// The server under faults: a hung Redis (SIGSTOP) answered with 503 within the deadline and
// recovery after SIGCONT, a restarted Redis reconnected by itself, a graceful SIGTERM that
// finishes in-flight requests, and concurrent compare-and-set writers that lose no update.
#include <thread>

#include <QTcpSocket>
#include <QTest>
#include <http_client.h>
#include <qtest_json.h>
#include <raw_http.h>
#include <server_process.h>
#include <signal.h>

using namespace deskboard::testing;

namespace {

const QByteArray kPassword = "resilient-password";

QByteArray login(ServerProcess& server, const QString& name) {
    const auto answer =
        rawRequest(server.port(), "POST", "/api/auth/login", {{"Content-Type", "application/json"}},
                   QByteArray::fromStdString(nlohmann::json{
                       {"username", name.toStdString()},
                       {"password",
                        kPassword.toStdString()}}.dump()));
    if (answer.status != 200) {
        qFatal("login failed: %d %s", answer.status, answer.body.constData());
    }
    return QByteArray::fromStdString(answer.json()["accessToken"].get<std::string>());
}

QList<QPair<QByteArray, QByteArray>> bearer(const QByteArray& token) {
    return {{"Authorization", "Bearer " + token}, {"Content-Type", "application/json"}};
}

}  // namespace

class ApiResilienceTest : public QObject {
    Q_OBJECT

  private slots:
    void hungRedisGets503WithinTheDeadlineThenRecovers() {
        RedisProcess redis;
        ServerProcess server(
            redis, {{QStringLiteral("DESKBOARD_REDIS_TIMEOUT_MS"), QStringLiteral("500")}});
        server.addUser(QStringLiteral("ann"), kPassword);
        const QByteArray token = login(server, QStringLiteral("ann"));

        redis.pause();
        QElapsedTimer clock;
        clock.start();
        const auto hung = rawRequest(server.port(), "GET", "/api/dashboard/state", bearer(token));
        QCOMPARE(hung.status, 503);
        QCOMPARE(hung.json()["error"].get<std::string>(), std::string("storage_unavailable"));
        QVERIFY2(clock.elapsed() < 3000, "the answer must come with the Redis deadline");
        QCOMPARE(rawRequest(server.port(), "GET", "/readyz").status, 503);
        QCOMPARE(rawRequest(server.port(), "GET", "/healthz").status, 200);

        redis.resume();
        QVERIFY(QTest::qWaitFor(
            [&] {
                return rawRequest(server.port(), "GET", "/api/dashboard/state", bearer(token))
                           .status == 404;
            },
            10000));
        QCOMPARE(rawRequest(server.port(), "GET", "/readyz").status, 200);
        QCOMPARE(server.stop(), 0);
    }

    void restartedRedisIsReconnected() {
        RedisProcess redis({QStringLiteral("--appendonly"), QStringLiteral("yes"),
                            QStringLiteral("--appendfsync"), QStringLiteral("always")});
        ServerProcess server(redis);
        server.addUser(QStringLiteral("ben"), kPassword);
        const QByteArray token = login(server, QStringLiteral("ben"));
        QCOMPARE(rawRequest(server.port(), "POST", "/api/dashboard/state", bearer(token),
                            R"({"version":1,"state":{"a":1}})")
                     .status,
                 200);

        redis.restart();
        QVERIFY(QTest::qWaitFor(
            [&] {
                return rawRequest(server.port(), "GET", "/api/dashboard/state", bearer(token))
                           .status == 200;
            },
            15000));
        QVERIFY(server.log().contains("connected to Redis"));
        const auto metrics = rawRequest(server.port(), "GET", "/metrics");
        QVERIFY(!metrics.body.contains("deskboard_redis_reconnects_total 0"));
        QCOMPARE(server.stop(), 0);
    }

    void sigtermFinishesInFlightRequests() {
        RedisProcess redis;
        ServerProcess server(redis);
        server.addUser(QStringLiteral("cat"), kPassword);
        const QByteArray token = login(server, QStringLiteral("cat"));

        // A save whose header has been accepted ("100 Continue" proves it is in flight) and
        // whose body is still to come when the server is asked to stop.
        const QByteArray body = R"({"version":1,"state":{"a":1}})";
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, server.port());
        QVERIFY(socket.waitForConnected(5000));
        socket.write("POST /api/dashboard/state HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
                     token +
                     "\r\nContent-Type: application/json\r\nExpect: 100-continue\r\n"
                     "Content-Length: " +
                     QByteArray::number(body.size()) + "\r\n\r\n");
        QByteArray received;
        QVERIFY(QTest::qWaitFor(
            [&] {
                socket.waitForReadyRead(50);
                received += socket.readAll();
                return received.contains("100 Continue");
            },
            10000));

        ::kill(static_cast<pid_t>(server.pid()), SIGTERM);
        QVERIFY(QTest::qWaitFor([&] { return server.log().contains("shutting down"); }, 5000));
        QCOMPARE(server.process().state(), QProcess::Running);  // draining, not gone
        QCOMPARE(rawRequest(server.port(), "GET", "/healthz", {}, {}, 1000).status, 0);

        socket.write(body);
        QVERIFY(QTest::qWaitFor(
            [&] {
                socket.waitForReadyRead(50);
                received += socket.readAll();
                return received.contains("conflictResolution");
            },
            10000));
        QVERIFY2(received.contains("HTTP/1.1 200"), received.constData());  // answered
        QVERIFY(received.toLower().contains("connection: close"));
        QVERIFY(server.process().waitForFinished(10000));
        QCOMPARE(server.process().exitCode(), 0);
    }

    // Several writers each add their own items through read-modify-write with compare-and-set
    // (version = read version + 1, retry from the 409 answer's state); no item may be lost.
    void concurrentWritersLoseNoUpdate() {
        RedisProcess redis;
        ServerProcess server(redis, {{QStringLiteral("DESKBOARD_WORKERS"), QStringLiteral("2")}});
        server.addUser(QStringLiteral("dan"), kPassword);
        const QByteArray token = login(server, QStringLiteral("dan"));
        constexpr int kWriters = 4;
        constexpr int kItemsEach = 15;
        std::atomic<int> conflicts{0};
        std::atomic<int> failures{0};
        std::vector<std::thread> writers;
        for (int writer = 0; writer < kWriters; ++writer) {
            writers.emplace_back([&, writer] {
                std::int64_t version = 0;
                nlohmann::json state = {{"items", nlohmann::json::array()}};
                const auto current =
                    rawRequest(server.port(), "GET", "/api/dashboard/state", bearer(token));
                if (current.status == 200) {
                    version = current.json()["version"];
                    state = current.json()["state"];
                }
                for (int item = 0; item < kItemsEach;) {
                    nlohmann::json next = state;
                    next["items"].push_back(std::to_string(writer) + ":" + std::to_string(item));
                    const auto answer = rawRequest(
                        server.port(), "POST", "/api/dashboard/state", bearer(token),
                        QByteArray::fromStdString(
                            nlohmann::json{{"version", version + 1}, {"state", next}}.dump()));
                    if (answer.status == 200) {
                        version = answer.json()["serverVersion"];
                        state = next;
                        ++item;
                    } else if (answer.status == 409) {
                        ++conflicts;
                        version = answer.json()["serverVersion"];
                        state = answer.json()["state"];
                    } else {
                        ++failures;
                        return;
                    }
                }
            });
        }
        for (auto& writer : writers) {
            writer.join();
        }
        QCOMPARE(failures.load(), 0);
        const auto final = rawRequest(server.port(), "GET", "/api/dashboard/state", bearer(token));
        QCOMPARE(final.status, 200);
        const auto items = final.json()["state"]["items"];
        QCOMPARE(items.size(), std::size_t{kWriters * kItemsEach});
        QCOMPARE_JSON(final.json()["version"], kWriters * kItemsEach);
        qInfo("%d conflicts resolved by retrying", conflicts.load());
        QCOMPARE(server.stop(), 0);
    }

    // Behind a trusted proxy, login rate limits apply per forwarded client, not to the proxy.
    void forwardedClientsAreRateLimitedApart() {
        RedisProcess redis;
        ServerProcess server(
            redis, {{QStringLiteral("DESKBOARD_TRUSTED_PROXIES"), QStringLiteral("127.0.0.1")},
                    {QStringLiteral("DESKBOARD_LOGIN_MAX_FAILURES"), QStringLiteral("2")}});
        const auto attempt = [&](const QByteArray& client, const QByteArray& name) {
            return rawRequest(server.port(), "POST", "/api/auth/login",
                              {{"Content-Type", "application/json"},
                               {"X-Forwarded-For", "203.0.113.9, " + client}},
                              "{\"username\":\"" + name + "\",\"password\":\"wrong-password\"}")
                .status;
        };
        QCOMPARE(attempt("10.0.0.1", "a1"), 401);
        QCOMPARE(attempt("10.0.0.1", "a2"), 401);
        QCOMPARE(attempt("10.0.0.1", "a3"), 429);  // this client is limited
        QCOMPARE(attempt("10.0.0.2", "b1"), 401);  // another client is not
        QCOMPARE(server.stop(), 0);
    }

    void redisDownAtStartIsNotFatal() {
        const quint16 nothing = freeLoopbackPort();
        RedisProcess placeholder;  // only for the ServerProcess constructor's URL
        ServerProcess server(
            placeholder,
            {{QStringLiteral("REDIS_URL"), QStringLiteral("redis://127.0.0.1:%1").arg(nothing)},
             {QStringLiteral("DESKBOARD_REDIS_TIMEOUT_MS"), QStringLiteral("300")}});
        QCOMPARE(rawRequest(server.port(), "GET", "/healthz").status, 200);
        QCOMPARE(rawRequest(server.port(), "GET", "/readyz").status, 503);
        const auto login = rawRequest(server.port(), "POST", "/api/auth/login",
                                      {{"Content-Type", "application/json"}},
                                      R"({"username":"x","password":"12345678"})");
        QCOMPARE(login.status, 503);
        QCOMPARE(server.stop(), 0);
    }
};

QTEST_GUILESS_MAIN(ApiResilienceTest)
#include "tst_api_resilience.moc"
