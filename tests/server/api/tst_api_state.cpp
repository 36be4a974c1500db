// The dashboard state endpoints through a real deskboard-server and Redis: the seed's shapes,
// conditional GET, the decision table over HTTP, history, scoping by user and workspace, TTLs,
// and every bad-input class answered with its 4xx JSON error while nothing stored changes.
#include <QRegularExpression>
#include <QTcpSocket>
#include <QTest>
#include <http_client.h>
#include <qtest_json.h>
#include <server_process.h>

#include <deskboard/protocol/canonical_json.h>

using namespace deskboard::testing;

namespace {

const QByteArray kPassword = "correct horse battery";

// Logs in `name` (created first) and returns a client holding its access token.
std::unique_ptr<HttpClient> signedIn(ServerProcess& server, const QString& name) {
    server.addUser(name, kPassword);
    auto client = std::make_unique<HttpClient>(server.baseUrl());
    const auto answer =
        client->post(QStringLiteral("/api/auth/login"),
                     {{"username", name.toStdString()}, {"password", kPassword.toStdString()}});
    if (answer.status != 200) {
        qFatal("login of %s failed: %d %s", qPrintable(name), answer.status,
               answer.body.constData());
    }
    client->setToken(QByteArray::fromStdString(answer.json()["accessToken"].get<std::string>()));
    return client;
}

nlohmann::json dashboard(const std::string& note) {
    return {{"schema", 1},
            {"dashboards",
             {{{"id", "main"},
               {"title", "Main"},
               {"widgets", {{"w1", {{"type", "note"}, {"title", "Note"}, {"content", note}}}}},
               {"layout", {{"w1", {{"x", 0}, {"y", 0}, {"w", 4}, {"h", 3}}}}}}}},
            {"preferences", nlohmann::json::object()}};
}

// A raw HTTP/1.1 exchange on a fresh connection: the full answer text.
QByteArray rawExchange(quint16 port, const QByteArray& request, int timeoutMs = 5000) {
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, port);
    if (!socket.waitForConnected(timeoutMs)) {
        return {};
    }
    socket.write(request);
    socket.flush();
    QByteArray answer;
    QDeadlineTimer deadline(timeoutMs);
    while (!deadline.hasExpired()) {
        if (socket.waitForReadyRead(static_cast<int>(deadline.remainingTime()))) {
            answer += socket.readAll();
            const int headerEnd = answer.indexOf("\r\n\r\n");
            if (headerEnd >= 0) {
                const int lengthAt = answer.toLower().indexOf("content-length:");
                if (lengthAt >= 0) {
                    const int lineEnd = answer.indexOf("\r\n", lengthAt);
                    const int length =
                        answer.mid(lengthAt + 15, lineEnd - lengthAt - 15).trimmed().toInt();
                    if (answer.size() >= headerEnd + 4 + length) {
                        break;
                    }
                }
            }
        } else if (socket.state() != QAbstractSocket::ConnectedState) {
            break;
        }
    }
    return answer;
}

}  // namespace

class ApiStateTest : public QObject {
    Q_OBJECT

  private:
    std::unique_ptr<RedisProcess> redis_;
    std::unique_ptr<ServerProcess> server_;
    std::unique_ptr<HttpClient> alice_;
    QString recordPath_;

    // A number from Redis's INFO: the calls of "cmdstat_<command>" or a plain field.
    long long redisInfo(const QString& field) const {
        const auto text =
            QString::fromUtf8(redis_->cli({QStringLiteral("INFO"), QStringLiteral("all")}));
        const QRegularExpression pattern(QStringLiteral("(?:^|\\n)") +
                                         QRegularExpression::escape(field) +
                                         QStringLiteral(":(?:calls=)?(\\d+)"));
        const auto match = pattern.match(text);
        return match.hasMatch() ? match.captured(1).toLongLong() : 0;
    }

    std::string storedState(const std::unique_ptr<HttpClient>& client) {
        return client->get(QStringLiteral("/api/dashboard/state")).body.toStdString();
    }

  private slots:
    void initTestCase() {
        redis_ = std::make_unique<RedisProcess>();
        server_ = std::make_unique<ServerProcess>(
            *redis_,
            QMap<QString, QString>{{QStringLiteral("DESKBOARD_HISTORY_DEPTH"), QStringLiteral("5")},
                                   {QStringLiteral("REDIS_STATE_TTL"), QStringLiteral("3600")}});
        alice_ = signedIn(*server_, QStringLiteral("alice"));
        recordPath_ = QStringLiteral(DESKBOARD_RECORD_DIR "/api_state.jsonl");
        QFile::remove(recordPath_);
        alice_->recordTo(recordPath_);
    }

    void cleanupTestCase() {
        alice_.reset();
        QCOMPARE(server_->stop(), 0);
    }

    void emptyStateIsNotFound() {
        const auto answer = alice_->get(QStringLiteral("/api/dashboard/state"));
        QCOMPARE(answer.status, 404);
        QCOMPARE(answer.error(), std::string("not_found"));
        QCOMPARE(answer.header("Cache-Control"), QByteArray("no-store"));
        QVERIFY(!answer.header("X-Request-Id").isEmpty());
        QVERIFY(answer.header("Content-Type").startsWith("application/json"));
        const auto history = alice_->get(QStringLiteral("/api/dashboard/state/history"));
        QCOMPARE(history.status, 200);
        QCOMPARE_JSON(history.json(), nlohmann::json({{"versions", nlohmann::json::array()}}));
        QCOMPARE_JSON(alice_->del(QStringLiteral("/api/dashboard/state")).json()["success"], false);
    }

    void saveAndReadBack() {
        const auto state = dashboard("milk");
        const auto saved = alice_->post(QStringLiteral("/api/dashboard/state"),
                                        {{"version", 1},
                                         {"state", state},
                                         {"checksum", deskboard::protocol::stateChecksum(state)}});
        QCOMPARE(saved.status, 200);
        QCOMPARE_JSON(saved.json(), nlohmann::json({{"success", true},
                                                    {"serverVersion", 1},
                                                    {"conflictResolution", "client"}}));
        const auto read = alice_->get(QStringLiteral("/api/dashboard/state"));
        QCOMPARE(read.status, 200);
        QCOMPARE(read.header("ETag"), QByteArray("\"1\""));
        QCOMPARE_JSON(read.json()["version"], 1);
        QCOMPARE_JSON(read.json()["state"], state);
        const std::string modified = read.json()["lastModified"].get<std::string>();
        QVERIFY2(modified.size() == 24 && modified.back() == 'Z', modified.c_str());
    }

    void conditionalGetAnswers304() {
        const auto notModified =
            alice_->get(QStringLiteral("/api/dashboard/state"), {{"If-None-Match", "\"1\""}});
        QCOMPARE(notModified.status, 304);
        QVERIFY(notModified.body.isEmpty());
        QCOMPARE(notModified.header("ETag"), QByteArray("\"1\""));
        const auto stale =
            alice_->get(QStringLiteral("/api/dashboard/state"), {{"If-None-Match", "\"0\""}});
        QCOMPARE(stale.status, 200);
        const auto weak =
            alice_->get(QStringLiteral("/api/dashboard/state"), {{"If-None-Match", "W/\"1\""}});
        QCOMPARE(weak.status, 304);
    }

    void decisionTableOverHttp() {
        const auto state2 = dashboard("eggs");
        // v > cur: accepted.
        QCOMPARE(
            alice_
                ->post(QStringLiteral("/api/dashboard/state"), {{"version", 2}, {"state", state2}})
                .status,
            200);
        // Same version, same content: idempotent retry, no conflictResolution.
        const auto retry = alice_->post(QStringLiteral("/api/dashboard/state"),
                                        {{"version", 2}, {"state", state2}});
        QCOMPARE(retry.status, 200);
        QCOMPARE_JSON(retry.json(), nlohmann::json({{"success", true}, {"serverVersion", 2}}));
        // Same version, other content: conflict carrying the server's copy.
        const auto clash = alice_->post(QStringLiteral("/api/dashboard/state"),
                                        {{"version", 2}, {"state", dashboard("bread")}});
        QCOMPARE(clash.status, 409);
        QCOMPARE_JSON(clash.json()["success"], false);
        QCOMPARE_JSON(clash.json()["serverVersion"], 2);
        QCOMPARE_JSON(clash.json()["conflictResolution"], "server");
        QCOMPARE_JSON(clash.json()["state"], state2);
        QVERIFY(clash.json()["lastModified"].is_string());
        // Older version: conflict.
        const auto old = alice_->post(QStringLiteral("/api/dashboard/state"),
                                      {{"version", 1}, {"state", dashboard("tea")}});
        QCOMPARE(old.status, 409);
        QCOMPARE_JSON(old.json()["serverVersion"], 2);
        QCOMPARE_JSON(alice_->get(QStringLiteral("/api/dashboard/state")).json()["version"], 2);
    }

    void deleteKeepsVersionsMovingForward() {
        const auto deleted = alice_->del(QStringLiteral("/api/dashboard/state"));
        QCOMPARE(deleted.status, 200);
        QCOMPARE_JSON(deleted.json(), nlohmann::json({{"success", true}}));
        QCOMPARE(alice_->get(QStringLiteral("/api/dashboard/state")).status, 404);
        // A machine holding an old version cannot silently overwrite after the delete.
        const auto stale = alice_->post(QStringLiteral("/api/dashboard/state"),
                                        {{"version", 3}, {"state", dashboard("old")}});
        QCOMPARE(stale.status, 409);
        QVERIFY(stale.json()["state"].is_null());
        QVERIFY(stale.json()["lastModified"].is_null());
        const std::int64_t counter = stale.json()["serverVersion"].get<std::int64_t>();
        QVERIFY(counter >= 3);
        const auto fresh = alice_->post(QStringLiteral("/api/dashboard/state"),
                                        {{"version", counter + 1}, {"state", dashboard("new")}});
        QCOMPARE(fresh.status, 200);
        QCOMPARE_JSON(fresh.json()["serverVersion"], counter + 1);
    }

    void historyIsCappedAndReadable() {
        std::int64_t version =
            alice_->get(QStringLiteral("/api/dashboard/state")).json()["version"];
        for (int i = 0; i < 7; ++i) {
            ++version;
            QCOMPARE(
                alice_
                    ->post(QStringLiteral("/api/dashboard/state"),
                           {{"version", version}, {"state", dashboard("v" + std::to_string(i))}})
                    .status,
                200);
        }
        const auto history = alice_->get(QStringLiteral("/api/dashboard/state/history"));
        QCOMPARE(history.status, 200);
        const auto versions = history.json()["versions"];
        QCOMPARE(versions.size(), std::size_t{5});  // DESKBOARD_HISTORY_DEPTH=5
        QCOMPARE_JSON(versions[0]["version"], version);
        QCOMPARE_JSON(versions[4]["version"], version - 4);
        QVERIFY(versions[0]["bytes"].get<std::int64_t>() > 50);
        const auto one =
            alice_->get(QStringLiteral("/api/dashboard/state/history/%1").arg(version - 1));
        QCOMPARE(one.status, 200);
        QCOMPARE_JSON(one.json()["version"], version - 1);
        QCOMPARE_JSON(one.json()["state"], dashboard("v5"));
        QCOMPARE(
            alice_->get(QStringLiteral("/api/dashboard/state/history/%1").arg(version - 5)).status,
            404);
        QCOMPARE(alice_->get(QStringLiteral("/api/dashboard/state/history/abc")).status, 404);
    }

    void ttlIsSetOnAllKeysAndRefreshedByReads() {
        const QString userId =
            QString::fromUtf8(redis_->cli({QStringLiteral("--scan"), QStringLiteral("--pattern"),
                                           QStringLiteral("dashboard:state:*:version")}));
        QVERIFY2(!userId.isEmpty(), "no version key found");
        const QString base = userId.left(userId.lastIndexOf(QStringLiteral(":version")));
        for (const QString& suffix :
             {QString(), QStringLiteral(":version"), QStringLiteral(":modified"),
              QStringLiteral(":checksum"), QStringLiteral(":history")}) {
            const int ttl = redis_->cli({QStringLiteral("TTL"), base + suffix}).toInt();
            QVERIFY2(ttl > 3500 && ttl <= 3600, qPrintable(base + suffix));
        }
        // A state whose TTL has not run down by DESKBOARD_TTL_REFRESH_SECONDS (unset here: half of
        // REDIS_STATE_TTL, 1800 s): reads, conditional ones too, write nothing to Redis.
        const auto writes = [&] {
            return std::pair(redisInfo(QStringLiteral("cmdstat_expire")) +
                                 redisInfo(QStringLiteral("cmdstat_pexpire")),
                             redisInfo(QStringLiteral("rdb_changes_since_last_save")));
        };
        const auto first = alice_->get(QStringLiteral("/api/dashboard/state"));
        QCOMPARE(first.status, 200);
        const auto before = writes();
        for (int round = 0; round < 30; ++round) {
            QCOMPARE(alice_->get(QStringLiteral("/api/dashboard/state")).status, 200);
            QCOMPARE(alice_
                         ->get(QStringLiteral("/api/dashboard/state"),
                               {{"If-None-Match", first.header("ETag")}})
                         .status,
                     304);
            QCOMPARE(alice_->get(QStringLiteral("/api/dashboard/state/history")).status, 200);
        }
        QCOMPARE(writes(), before);
        // Run down past it (100 s left on every key): one read renews all five keys.
        for (const QString& suffix :
             {QString(), QStringLiteral(":version"), QStringLiteral(":modified"),
              QStringLiteral(":checksum"), QStringLiteral(":history")}) {
            QCOMPARE(redis_->cli({QStringLiteral("EXPIRE"), base + suffix, QStringLiteral("100")}),
                     QByteArray("1"));
        }
        const auto lowered = writes();
        QCOMPARE(alice_->get(QStringLiteral("/api/dashboard/state")).status, 200);
        for (const QString& suffix :
             {QString(), QStringLiteral(":version"), QStringLiteral(":modified"),
              QStringLiteral(":checksum"), QStringLiteral(":history")}) {
            QVERIFY(redis_->cli({QStringLiteral("TTL"), base + suffix}).toInt() > 3500);
        }
        QCOMPARE(writes().first, lowered.first + 5);
    }

    void anotherUserNeverSeesOrChangesIt() {
        auto bob = signedIn(*server_, QStringLiteral("bob"));
        bob->recordTo(recordPath_);
        const std::string before = storedState(alice_);
        QCOMPARE(bob->get(QStringLiteral("/api/dashboard/state")).status, 404);
        QCOMPARE(bob->post(QStringLiteral("/api/dashboard/state"),
                           {{"version", 1}, {"state", dashboard("bob")}})
                     .status,
                 200);
        QCOMPARE(bob->del(QStringLiteral("/api/dashboard/state")).status, 200);
        QCOMPARE(storedState(alice_), before);
        // Alice's workspaces are not Bob's.
        const auto workspaces = alice_->get(QStringLiteral("/api/workspaces")).json()["workspaces"];
        const auto personal = QByteArray::fromStdString(workspaces[0]["id"].get<std::string>());
        const auto foreign =
            bob->get(QStringLiteral("/api/dashboard/state"), {{"X-Workspace-Id", personal}});
        QCOMPARE(foreign.status, 403);
        QCOMPARE(foreign.error(), std::string("forbidden_workspace"));
        QCOMPARE(storedState(alice_), before);
    }

    void workspacesSeparateStates() {
        const auto created = alice_->post(QStringLiteral("/api/workspaces"), {{"name", "Work"}});
        QCOMPARE(created.status, 201);
        const auto workspace = QByteArray::fromStdString(created.json()["id"].get<std::string>());
        QCOMPARE(
            alice_->get(QStringLiteral("/api/dashboard/state"), {{"X-Workspace-Id", workspace}})
                .status,
            404);
        QCOMPARE(alice_
                     ->post(QStringLiteral("/api/dashboard/state"),
                            {{"version", 1}, {"state", dashboard("work")}},
                            {{"X-Workspace-Id", workspace}})
                     .status,
                 200);
        const auto work =
            alice_->get(QStringLiteral("/api/dashboard/state"), {{"X-Workspace-Id", workspace}});
        QCOMPARE_JSON(work.json()["state"], dashboard("work"));
        QVERIFY(alice_->get(QStringLiteral("/api/dashboard/state")).json()["version"] > 1);
        const auto listed = alice_->get(QStringLiteral("/api/workspaces")).json()["workspaces"];
        QCOMPARE(listed.size(), std::size_t{2});
    }

    // Every bad-input class: a clear 4xx JSON error, and nothing stored changes.
    void badInput_data() {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QByteArray>("contentType");
        QTest::addColumn<QByteArray>("workspace");
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("error");
        const QByteArray json = "application/json";
        QTest::newRow("not json") << QByteArray("hello") << json << QByteArray() << 400
                                  << QByteArray("invalid_json");
        QTest::newRow("truncated") << QByteArray("{\"version\":1,") << json << QByteArray() << 400
                                   << QByteArray("invalid_json");
        QTest::newRow("invalid utf-8") << QByteArray("{\"version\":9,\"state\":{\"a\":\"\xff\"}}")
                                       << json << QByteArray() << 400 << QByteArray("invalid_json");
        QTest::newRow("deep nesting")
            << QByteArray("{\"version\":9,\"state\":{\"a\":" + QByteArray(70, '[') +
                          QByteArray(70, ']') + "}}")
            << json << QByteArray() << 400 << QByteArray("invalid_json");
        QTest::newRow("1e400") << QByteArray("{\"version\":9,\"state\":{\"a\":1e400}}") << json
                               << QByteArray() << 400 << QByteArray("invalid_json");
        QTest::newRow("array body")
            << QByteArray("[1]") << json << QByteArray() << 400 << QByteArray("invalid_body");
        QTest::newRow("missing version") << QByteArray("{\"state\":{}}") << json << QByteArray()
                                         << 400 << QByteArray("invalid_body");
        QTest::newRow("string version") << QByteArray("{\"version\":\"9\",\"state\":{}}") << json
                                        << QByteArray() << 400 << QByteArray("invalid_body");
        QTest::newRow("fractional version") << QByteArray("{\"version\":9.5,\"state\":{}}") << json
                                            << QByteArray() << 400 << QByteArray("invalid_body");
        QTest::newRow("1.0 version") << QByteArray("{\"version\":1.0,\"state\":{}}") << json
                                     << QByteArray() << 400 << QByteArray("invalid_body");
        QTest::newRow("negative version") << QByteArray("{\"version\":-3,\"state\":{}}") << json
                                          << QByteArray() << 400 << QByteArray("invalid_body");
        QTest::newRow("huge version") << QByteArray("{\"version\":9007199254740992,\"state\":{}}")
                                      << json << QByteArray() << 400 << QByteArray("invalid_body");
        QTest::newRow("array state") << QByteArray("{\"version\":9,\"state\":[]}") << json
                                     << QByteArray() << 400 << QByteArray("invalid_body");
        QTest::newRow("wrong checksum")
            << QByteArray("{\"version\":99,\"state\":{},\"checksum\":\"00\"}") << json
            << QByteArray() << 400 << QByteArray("checksum_mismatch");
        QTest::newRow("text/plain")
            << QByteArray("{\"version\":99,\"state\":{}}") << QByteArray("text/plain")
            << QByteArray() << 415 << QByteArray("unsupported_media_type");
        QTest::newRow("form") << QByteArray("version=99")
                              << QByteArray("application/x-www-form-urlencoded") << QByteArray()
                              << 415 << QByteArray("unsupported_media_type");
        QTest::newRow("illegal workspace id")
            << QByteArray("{\"version\":99,\"state\":{}}") << json << QByteArray("a}b") << 400
            << QByteArray("invalid_workspace_id");
        QTest::newRow("unknown workspace")
            << QByteArray("{\"version\":99,\"state\":{}}") << json << QByteArray("nope") << 403
            << QByteArray("forbidden_workspace");
    }

    void badInput() {
        QFETCH(QByteArray, body);
        QFETCH(QByteArray, contentType);
        QFETCH(QByteArray, workspace);
        QFETCH(int, status);
        QFETCH(QByteArray, error);
        const std::string before = storedState(alice_);
        QList<QPair<QByteArray, QByteArray>> headers{{"Content-Type", contentType}};
        if (!workspace.isEmpty()) {
            headers.append({"X-Workspace-Id", workspace});
        }
        const auto answer =
            alice_->send("POST", QStringLiteral("/api/dashboard/state"), body, headers);
        QCOMPARE(answer.status, status);
        QCOMPARE(QByteArray::fromStdString(answer.error()), error);
        QVERIFY(!answer.json()["message"].get<std::string>().empty());
        QCOMPARE(storedState(alice_), before);
    }

    void oversizedBodyIsRefusedBeforeItIsRead() {
        const std::string before = storedState(alice_);
        // Announce 50 MB and send only the header: the answer must come without the body.
        const QByteArray request =
            "POST /api/dashboard/state HTTP/1.1\r\nHost: x\r\n"
            "Authorization: Bearer " +
            alice_->token() +
            "\r\nContent-Type: application/json\r\n"
            "Content-Length: 52428800\r\n\r\n";
        const QByteArray answer = rawExchange(server_->port(), request);
        QVERIFY2(answer.startsWith("HTTP/1.1 413"), answer.left(200).constData());
        QVERIFY(answer.contains("\"too_large\""));
        QCOMPARE(storedState(alice_), before);
    }

    void badTokensAreUnauthorized() {
        HttpClient anonymous(server_->baseUrl());
        const auto none = anonymous.get(QStringLiteral("/api/dashboard/state"));
        QCOMPARE(none.status, 401);
        QCOMPARE(none.error(), std::string("unauthorized"));
        QVERIFY(none.header("WWW-Authenticate").startsWith("Bearer"));
        HttpClient forged(server_->baseUrl());
        forged.setToken("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
        QCOMPARE(forged.get(QStringLiteral("/api/dashboard/state")).status, 401);
        QCOMPARE(
            forged.post(QStringLiteral("/api/dashboard/state"), {{"version", 99}, {"state", {}}})
                .status,
            401);
        forged.setToken("not a token!");
        QCOMPARE(forged.del(QStringLiteral("/api/dashboard/state")).status, 401);
    }

    void unknownRoutesAndMethods() {
        const auto missing = alice_->get(QStringLiteral("/api/nothing"));
        QCOMPARE(missing.status, 404);
        QCOMPARE(missing.error(), std::string("not_found"));
        const auto wrongMethod = alice_->send("PUT", QStringLiteral("/api/dashboard/state"), "{}",
                                              {{"Content-Type", "application/json"}});
        QCOMPARE(wrongMethod.status, 405);
        QCOMPARE(wrongMethod.error(), std::string("method_not_allowed"));
        QVERIFY(wrongMethod.header("Allow").contains("POST"));
    }

    void requestIdIsEchoedWhenSane() {
        const auto echoed =
            alice_->get(QStringLiteral("/healthz"), {{"X-Request-Id", "trace-42.a_b"}});
        QCOMPARE(echoed.status, 200);
        QCOMPARE(echoed.header("X-Request-Id"), QByteArray("trace-42.a_b"));
        const auto replaced =
            alice_->get(QStringLiteral("/healthz"), {{"X-Request-Id", "bad id with spaces"}});
        QVERIFY(!replaced.header("X-Request-Id").isEmpty());
        QVERIFY(replaced.header("X-Request-Id") != QByteArray("bad id with spaces"));
    }

    void healthReadinessAndMetrics() {
        QCOMPARE(alice_->get(QStringLiteral("/healthz")).status, 200);
        QCOMPARE(alice_->get(QStringLiteral("/readyz")).status, 200);
        const auto metrics = alice_->get(QStringLiteral("/metrics"));
        QCOMPARE(metrics.status, 200);
        QVERIFY(metrics.header("Content-Type").startsWith("text/plain; version=0.0.4"));
        for (const char* series :
             {"deskboard_http_requests_total{route=\"/api/dashboard/"
              "state\",method=\"GET\",status=\"200\"}",
              "deskboard_http_request_duration_seconds_bucket",
              "deskboard_redis_command_duration_seconds",
              "deskboard_state_reads_total{result=\"found\"}", "deskboard_state_conflicts_total",
              "deskboard_state_bytes_stored_total", "deskboard_event_streams_open",
              "deskboard_redis_reconnects_total"}) {
            QVERIFY2(metrics.body.contains(series), series);
        }
    }

    void logsNeverContainSecrets() {
        const QByteArray log = server_->log();
        QVERIFY(log.contains("\"route\":\"/api/dashboard/state\""));
        QVERIFY(!log.contains(alice_->token()));
        QVERIFY(!log.contains(kPassword));
        QVERIFY(!log.contains("\"widgets\""));  // no state bodies
    }
};

QTEST_GUILESS_MAIN(ApiStateTest)
#include "tst_api_state.moc"
