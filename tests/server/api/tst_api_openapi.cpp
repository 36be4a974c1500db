// docs/openapi.yaml is a true contract of deskboard-server: the spec itself is valid (validate.js
// --check-spec), and every exchange the end-to-end suites recorded (api_state, api_auth and this
// suite's own) matches it. This suite records what the others do not reach (operations
// endpoints, the router's 404 and 405, the event stream's first bytes and its 429, every state
// route's 400/401/403, history, 304, and 503 from every route that needs Redis) so that each
// documented operation is exercised; it prints the operation/status pairs nothing exercised,
// and fails only on mismatches.
#include <QDir>
#include <QElapsedTimer>
#include <QProcess>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <http_client.h>
#include <qtest_json.h>
#include <server_process.h>

using namespace deskboard::testing;

namespace {

using Headers = QList<QPair<QByteArray, QByteArray>>;

const QString kState = QStringLiteral("/api/dashboard/state");
const QString kHistory = QStringLiteral("/api/dashboard/state/history");
const QString kEvents = QStringLiteral("/api/dashboard/state/events");
const QByteArray kPassword = "correct horse battery";

struct NodeRun {
    int exitCode = -1;
    QByteArray output;
};

// Runs validate.js with the tool dir's node_modules; its stdout and stderr together.
NodeRun validator(const QStringList& arguments) {
    QProcess process;
    auto environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("NODE_PATH"),
                       QStringLiteral(DESKBOARD_OPENAPI_TOOL_DIR "/node_modules"));
    process.setProcessEnvironment(environment);
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start(QStringLiteral(DESKBOARD_NODE_EXECUTABLE),
                  QStringList{QStringLiteral(DESKBOARD_OPENAPI_VALIDATOR)} + arguments);
    NodeRun run;
    if (!process.waitForStarted(10000)) {
        run.output = process.errorString().toUtf8();
        return run;
    }
    if (!process.waitForFinished(60000)) {
        process.kill();
        process.waitForFinished();
        run.output = "validate.js did not finish within 60 s\n" + process.readAll();
        return run;
    }
    run.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    run.output = process.readAll();
    return run;
}

// The start of an event stream read over a raw HTTP/1.0 connection (close-delimited, so no
// chunking to undo): status, headers and the body text up to the first event.
struct StreamStart {
    int status = 0;
    nlohmann::json headers = nlohmann::json::object();
    QByteArray body;
};

StreamStart openStream(QTcpSocket& socket, quint16 port, const QByteArray& token,
                       const Headers& headers, int timeoutMs = 5000) {
    StreamStart start;
    socket.connectToHost(QHostAddress::LocalHost, port);
    if (!socket.waitForConnected(timeoutMs)) {
        return start;
    }
    QByteArray request =
        "GET /api/dashboard/state/events HTTP/1.0\r\nHost: 127.0.0.1\r\n"
        "Accept: text/event-stream\r\nAuthorization: Bearer " +
        token + "\r\n";
    for (const auto& [name, value] : headers) {
        request += name + ": " + value + "\r\n";
    }
    request += "\r\n";
    socket.write(request);
    QByteArray received;
    const QDeadlineTimer deadline(timeoutMs);
    qsizetype headerEnd = -1;
    while (!deadline.hasExpired()) {
        if (socket.bytesAvailable() == 0 &&
            !socket.waitForReadyRead(static_cast<int>(qMax<qint64>(1, deadline.remainingTime())))) {
            if (socket.state() != QAbstractSocket::ConnectedState) {
                break;
            }
            continue;
        }
        received += socket.readAll();
        headerEnd = received.indexOf("\r\n\r\n");
        // Done once the body holds a complete event with data.
        if (headerEnd >= 0) {
            const QByteArray body = received.mid(headerEnd + 4);
            const qsizetype data = body.indexOf("\ndata: ");
            if (data >= 0 && body.indexOf("\n\n", data) >= 0) {
                break;
            }
        }
    }
    if (headerEnd < 0 || !received.startsWith("HTTP/1.")) {
        return start;
    }
    const QList<QByteArray> lines = received.left(headerEnd).split('\n');
    start.status = lines.value(0).mid(9, 3).toInt();
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines[i].trimmed();
        const qsizetype colon = line.indexOf(':');
        if (colon > 0) {
            start.headers[line.left(colon).trimmed().toLower().toStdString()] =
                line.mid(colon + 1).trimmed().toStdString();
        }
    }
    start.body = received.mid(headerEnd + 4);
    return start;
}

void appendRecord(const QString& path, const nlohmann::json& line) {
    QFile file(path);
    if (file.open(QIODevice::Append)) {
        file.write(QByteArray::fromStdString(line.dump()) + '\n');
    }
}

QByteArray stringOf(const nlohmann::json& value) {
    return value.is_string() ? QByteArray::fromStdString(value.get<std::string>()) : QByteArray();
}

}  // namespace

class ApiOpenApiTest : public QObject {
    Q_OBJECT

  private:
    QString recordDir_ = QStringLiteral(DESKBOARD_RECORD_DIR);
    QString recordPath_;

  private slots:
    void initTestCase() {
        QVERIFY2(!QStringLiteral(DESKBOARD_NODE_EXECUTABLE).isEmpty(),
                 "node was not found at configure time; ./dev test installs it");
        QVERIFY2(
            QFile::exists(QStringLiteral(DESKBOARD_OPENAPI_TOOL_DIR
                                         "/node_modules/@apidevtools/swagger-parser")),
            "the validator's npm packages are missing; run npm ci in " DESKBOARD_OPENAPI_TOOL_DIR);
        recordPath_ = recordDir_ + QStringLiteral("/api_openapi.jsonl");
        QFile::remove(recordPath_);
    }

    void specIsValid() {
        const auto run =
            validator({QStringLiteral("--check-spec"), QStringLiteral(DESKBOARD_OPENAPI_SPEC)});
        QVERIFY2(run.exitCode == 0, run.output.constData());
        qInfo("%s", run.output.trimmed().constData());
    }

    // Exchanges the other suites do not make, recorded for the check below.
    void recordWhatOtherSuitesDoNotReach() {
        RedisProcess redis;
        ServerProcess server(
            redis, {{QStringLiteral("DESKBOARD_ALLOW_SIGNUP"), QStringLiteral("1")},
                    {QStringLiteral("DESKBOARD_MAX_STREAMS_PER_USER"), QStringLiteral("1")},
                    {QStringLiteral("DESKBOARD_MAX_STATE_BYTES"), QStringLiteral("1024")},
                    {QStringLiteral("DESKBOARD_REDIS_TIMEOUT_MS"), QStringLiteral("500")}});
        HttpClient client(server.baseUrl());
        client.recordTo(recordPath_);

        // Operations endpoints.
        QCOMPARE(client.get(QStringLiteral("/healthz")).status, 200);
        QCOMPARE(client.get(QStringLiteral("/readyz")).status, 200);
        const auto metrics = client.get(QStringLiteral("/metrics"));
        QCOMPARE(metrics.status, 200);
        QVERIFY(metrics.header("Content-Type").startsWith("text/plain; version=0.0.4"));

        // The router: unknown paths and other methods.
        QCOMPARE(client.get(QStringLiteral("/api/nothing")).status, 404);
        QCOMPARE(client.get(QStringLiteral("/api/dashboard/state/history/1/more")).status, 404);
        QCOMPARE(client.get(QStringLiteral("/api/dashboard")).status, 404);
        for (const auto& [method, path] : QList<QPair<QByteArray, QString>>{
                 {"GET", QStringLiteral("/api/auth/login")},
                 {"DELETE", QStringLiteral("/healthz")},
                 {"PUT", QStringLiteral("/api/workspaces")},
                 {"PATCH", kState},
                 {"POST", kHistory},
                 {"DELETE", QStringLiteral("/api/dashboard/state/history/1")},
                 {"POST", kEvents},
                 {"POST", QStringLiteral("/metrics")}}) {
            const auto answer = client.send(method, path, {});
            QCOMPARE(answer.status, 405);
            QVERIFY(!answer.header("Allow").isEmpty());
        }

        // A user and their state: every state route's answers.
        const auto signup =
            client.post(QStringLiteral("/api/auth/signup"),
                        {{"username", "olga"}, {"password", kPassword.toStdString()}});
        QCOMPARE(signup.status, 201);
        const QByteArray token = stringOf(signup.json()["accessToken"]);
        HttpClient olga(server.baseUrl());
        olga.recordTo(recordPath_);
        olga.setToken(token);
        QCOMPARE(olga.get(kState).status, 404);
        QCOMPARE(olga.get(kHistory).status, 200);
        QCOMPARE(olga.post(kState, {{"version", 1}, {"state", {{"a", 1}}}}).status, 200);
        QCOMPARE(olga.post(kState, {{"version", 1}, {"state", {{"a", 1}}}}).status, 200);
        QCOMPARE(olga.post(kState, {{"version", 1}, {"state", {{"a", 2}}}}).status, 409);
        QCOMPARE(olga.post(kState, {{"version", 2}, {"state", {{"a", 2}}}},
                           {{"X-Device-Id", "laptop-1"}})
                     .status,
                 200);
        QCOMPARE(olga.get(kState).status, 200);
        QCOMPARE(olga.get(kState, {{"If-None-Match", "\"2\""}}).status, 304);
        QCOMPARE(olga.get(kHistory).status, 200);
        QCOMPARE(olga.get(kHistory + QStringLiteral("/1")).status, 200);
        QCOMPARE(olga.get(kHistory + QStringLiteral("/99")).status, 404);
        QCOMPARE(olga.get(kHistory + QStringLiteral("/0")).status, 404);
        QCOMPARE(
            olga.send("POST", kState, "{\"version\":3}", {{"Content-Type", "application/json"}})
                .status,
            400);
        QCOMPARE(olga.send("POST", kState, "{}", {{"Content-Type", "text/plain"}}).status, 415);
        const nlohmann::json big{{"version", 9}, {"state", {{"a", std::string(2048, 'x')}}}};
        QCOMPARE(olga.send("POST", kState, QByteArray::fromStdString(big.dump()),
                           {{"Content-Type", "application/json"}})
                     .status,
                 413);

        // The event stream: its first bytes (catching up from Last-Event-ID), then one more
        // stream than the per-user cap allows.
        {
            QTcpSocket socket;
            const auto stream = openStream(socket, server.port(), token, {{"Last-Event-ID", "1"}});
            QCOMPARE(stream.status, 200);
            QVERIFY2(stream.body.contains("id: 2\nevent: version\ndata: {"),
                     stream.body.constData());
            appendRecord(recordPath_, {{"method", "GET"},
                                       {"path", kEvents.toStdString()},
                                       {"status", stream.status},
                                       {"headers", stream.headers},
                                       {"body", stream.body.toStdString()}});
            const auto second = olga.get(kEvents);
            QCOMPARE(second.status, 429);
            QCOMPARE(second.error(), std::string("rate_limited"));
        }

        QCOMPARE(olga.del(kState).status, 200);
        QCOMPARE(olga.del(kState).status, 200);
        QCOMPARE(olga.post(kState, {{"version", 3}, {"state", {{"a", 3}}}}).status, 409);

        // Each state route refuses a bad workspace id, a foreign workspace and no token.
        const QList<QPair<QByteArray, QString>> stateRoutes{
            {"GET", kState},
            {"POST", kState},
            {"DELETE", kState},
            {"GET", kHistory},
            {"GET", kHistory + QStringLiteral("/1")},
            {"GET", kEvents}};
        HttpClient anonymous(server.baseUrl());
        anonymous.recordTo(recordPath_);
        for (const auto& [method, path] : stateRoutes) {
            const bool post = method == "POST";
            const QByteArray body = post ? "{\"version\":9,\"state\":{}}" : "";
            const Headers json = post ? Headers{{"Content-Type", "application/json"}} : Headers{};
            const auto bad =
                olga.send(method, path, body, json + Headers{{"X-Workspace-Id", "a}b"}});
            QCOMPARE(bad.status, 400);
            QCOMPARE(bad.error(), std::string("invalid_workspace_id"));
            const auto foreign =
                olga.send(method, path, body, json + Headers{{"X-Workspace-Id", "nope"}});
            QCOMPARE(foreign.status, 403);
            QCOMPARE(foreign.error(), std::string("forbidden_workspace"));
            const auto none = anonymous.send(method, path, body, json);
            QCOMPARE(none.status, 401);
        }
        QCOMPARE(anonymous.get(QStringLiteral("/api/workspaces")).status, 401);

        // A login whose token is still valid when Redis goes away; the refresh token too.
        const auto login =
            client.post(QStringLiteral("/api/auth/login"),
                        {{"username", "olga"}, {"password", kPassword.toStdString()}});
        QCOMPARE(login.status, 200);
        const std::string refresh = login.json()["refreshToken"].get<std::string>();

        // Redis gone: every route that needs it answers 503 storage_unavailable, quickly.
        redis.stop();
        const QList<QPair<QByteArray, QString>> redisRoutes{
            {"GET", QStringLiteral("/readyz")},
            {"POST", QStringLiteral("/api/auth/signup")},
            {"POST", QStringLiteral("/api/auth/login")},
            {"POST", QStringLiteral("/api/auth/refresh")},
            {"POST", QStringLiteral("/api/auth/logout")},
            {"GET", QStringLiteral("/api/workspaces")},
            {"POST", QStringLiteral("/api/workspaces")},
            {"GET", kState},
            {"POST", kState},
            {"DELETE", kState},
            {"GET", kHistory},
            {"GET", kHistory + QStringLiteral("/1")},
            {"GET", kEvents}};
        for (const auto& [method, path] : redisRoutes) {
            const nlohmann::json body{{"username", "olga"},
                                      {"password", kPassword.toStdString()},
                                      {"refreshToken", refresh},
                                      {"name", "Team"},
                                      {"version", 9},
                                      {"state", nlohmann::json::object()}};
            const bool withBody = method == "POST" && !path.endsWith(QStringLiteral("/logout"));
            QElapsedTimer timer;
            timer.start();
            const auto answer = olga.send(
                method, path, withBody ? QByteArray::fromStdString(body.dump()) : "",
                withBody ? Headers{{"Content-Type", "application/json"}} : Headers{}, 10000);
            QVERIFY2(answer.status == 503,
                     qPrintable(QString::fromUtf8(method) + QLatin1Char(' ') + path +
                                QStringLiteral(": ") + QString::number(answer.status) +
                                QLatin1Char(' ') + QString::fromUtf8(answer.body)));
            QCOMPARE(answer.error(), std::string("storage_unavailable"));
            QVERIFY2(timer.elapsed() < 5000, qPrintable(path));
        }
        QCOMPARE(client.get(QStringLiteral("/healthz")).status, 200);  // needs no Redis
        QCOMPARE(server.stop(), 0);
    }

    // PRODUCT.md: a client reconnecting with Last-Event-ID older than the current version first
    // gets the current version; openapi.yaml: a delete is announced like a save (its new
    // version). So a client that was away during a delete learns of it on reconnecting.
    void reconnectingAfterADeleteAnnouncesIt() {
        RedisProcess redis;
        ServerProcess server(redis,
                             {{QStringLiteral("DESKBOARD_ALLOW_SIGNUP"), QStringLiteral("1")}});
        HttpClient client(server.baseUrl());
        client.recordTo(recordPath_);
        const auto signup =
            client.post(QStringLiteral("/api/auth/signup"),
                        {{"username", "pavel"}, {"password", kPassword.toStdString()}});
        QCOMPARE(signup.status, 201);
        const QByteArray token = stringOf(signup.json()["accessToken"]);
        client.setToken(token);
        QCOMPARE(client.post(kState, {{"version", 1}, {"state", {{"a", 1}}}}).status, 200);
        QCOMPARE(client.del(kState).status, 200);
        const auto conflict = client.post(kState, {{"version", 1}, {"state", {{"a", 1}}}});
        QCOMPARE_JSON(conflict.json()["serverVersion"], 2);  // the delete took version 2

        QTcpSocket socket;
        const auto stream =
            openStream(socket, server.port(), token, {{"Last-Event-ID", "1"}}, 2000);
        QCOMPARE(stream.status, 200);
        appendRecord(recordPath_, {{"method", "GET"},
                                   {"path", kEvents.toStdString()},
                                   {"status", stream.status},
                                   {"headers", stream.headers},
                                   {"body", stream.body.toStdString()}});
        QVERIFY2(stream.body.contains("id: 2\nevent: version\ndata: {"), stream.body.constData());
    }

    void recordedExchangesMatchTheSpec() {
        const QDir dir(recordDir_);
        const QStringList recordings =
            dir.entryList({QStringLiteral("api_*.jsonl")}, QDir::Files, QDir::Name);
        for (const char* expected : {"api_state.jsonl", "api_auth.jsonl", "api_openapi.jsonl"}) {
            if (!recordings.contains(QString::fromUtf8(expected))) {
                qWarning("%s was not recorded (run its suite first); checking the others",
                         expected);
            }
        }
        // Each recording on its own, so that a failure names its file and line...
        QByteArray report;
        bool matches = true;
        qsizetype exchanges = 0;
        QTemporaryDir work;
        QVERIFY(work.isValid());
        const QString all = work.filePath(QStringLiteral("all_exchanges.jsonl"));
        QFile combined(all);
        QVERIFY(combined.open(QIODevice::WriteOnly));
        for (const QString& name : recordings) {
            const QString path = dir.filePath(name);
            QFile in(path);
            QVERIFY(in.open(QIODevice::ReadOnly));
            const QByteArray text = in.readAll();
            exchanges += text.count('\n');
            combined.write(text);
            const auto run = validator({QStringLiteral(DESKBOARD_OPENAPI_SPEC), path});
            qInfo("%s: %s", qPrintable(name), run.output.trimmed().split('\n').last().constData());
            if (run.exitCode != 0) {
                matches = false;
                report += "--- " + name.toUtf8() + "\n" + run.output;
            }
        }
        combined.close();
        QVERIFY2(exchanges > 0, "no exchanges were recorded");

        // ...and all together for the coverage, which is their union.
        const auto coverage =
            validator({QStringLiteral(DESKBOARD_OPENAPI_SPEC), all, QStringLiteral("--coverage")});
        qsizetype uncovered = 0;
        for (const QByteArray& line : coverage.output.split('\n')) {
            if (line.startsWith("not covered: ")) {
                qInfo("%s", line.constData());
                ++uncovered;
            }
        }
        qInfo(
            "%lld exchange(s) in %lld file(s); %lld documented operation/status pair(s) not "
            "exercised",
            static_cast<long long>(exchanges), static_cast<long long>(recordings.size()),
            static_cast<long long>(uncovered));
        QVERIFY2(matches, report.constData());
        QVERIFY2(coverage.exitCode == 0, coverage.output.constData());
    }
};

QTEST_GUILESS_MAIN(ApiOpenApiTest)
#include "tst_api_openapi.moc"
