// ApiClient against a real deskboard-server (answers typed, failures sorted by kind with the
// server's words kept), and against small hand-made TCP peers for what a healthy server never
// does: an answer that never comes (the per-request timeout), a peer that is not TLS behind
// https:// (a TLS failure, reported), and the headers every request carries.
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>
#include <http_client.h>
#include <server_process.h>

#include <deskboard/protocol/canonical_json.h>
#include <deskboard/sync/api_client.h>
#include <deskboard/sync/client_identity.h>

using namespace deskboard::sync;
using deskboard::testing::RedisProcess;
using deskboard::testing::ServerProcess;

namespace {

const QByteArray kPassword = "correct horse battery";

// Runs one ApiClient call and returns its result once the callback ran.
template <typename T, typename Call>
ApiResult<T> await(Call call) {
    std::optional<ApiResult<T>> result;
    call([&](ApiResult<T> answer) { result = std::move(answer); });
    if (!QTest::qWaitFor([&] { return result.has_value(); }, 20000)) {
        qFatal("no answer within 20 s");
    }
    return std::move(*result);
}

template <typename T>
const ApiFailure* failureOf(const ApiResult<T>& result) {
    return std::get_if<ApiFailure>(&result);
}

}  // namespace

class ApiClientTest : public QObject {
    Q_OBJECT

  private:
    std::unique_ptr<RedisProcess> redis_;
    std::unique_ptr<ServerProcess> server_;

  private slots:
    void initTestCase() {
        redis_ = std::make_unique<RedisProcess>();
        server_ = std::make_unique<ServerProcess>(*redis_);
        server_->addUser(QStringLiteral("alice"), kPassword);
    }

    void plainHttpOnlyToLoopbackUnlessAllowed() {
        ApiClient client;
        QVERIFY(client.setServer(QUrl(QStringLiteral("http://127.0.0.1:8080")), false).isEmpty());
        QVERIFY(client.setServer(QUrl(QStringLiteral("http://localhost:8080")), false).isEmpty());
        QVERIFY(client.setServer(QUrl(QStringLiteral("http://[::1]:8080")), false).isEmpty());
        const QString refusal =
            client.setServer(QUrl(QStringLiteral("http://dash.example.org")), false);
        QVERIFY(refusal.contains(QStringLiteral("HTTPS")));
        QVERIFY(client.setServer(QUrl(QStringLiteral("http://dash.example.org")), true).isEmpty());
        QVERIFY(
            client.setServer(QUrl(QStringLiteral("https://dash.example.org")), false).isEmpty());
        QVERIFY(!client.setServer(QUrl(QStringLiteral("ftp://dash.example.org")), true).isEmpty());
        QVERIFY(!client.setServer(QUrl(QStringLiteral("not a url")), true).isEmpty());
    }

    void typedAnswersFromTheRealServer() {
        ApiClient client;
        client.setServer(QUrl(server_->baseUrl()), false);
        client.setDeviceId(QStringLiteral("device-1"));

        auto wrong = await<deskboard::protocol::LoginResponse>([&](auto done) {
            client.login(QStringLiteral("alice"), QStringLiteral("nope nope"), done);
        });
        QVERIFY(failureOf(wrong));
        QCOMPARE(failureOf(wrong)->kind, ApiFailure::Kind::InvalidCredentials);
        QVERIFY(!failureOf(wrong)->message.isEmpty());

        auto login = await<deskboard::protocol::LoginResponse>([&](auto done) {
            client.login(QStringLiteral("alice"), QString::fromLatin1(kPassword), done);
        });
        QVERIFY(!failureOf(login));
        const auto& session = std::get<deskboard::protocol::LoginResponse>(login);
        QCOMPARE(session.user.username, std::string("alice"));
        QVERIFY(!session.workspaces.empty());

        // Without a token: unauthorized.
        auto anonymous = await<StateRead>([&](auto done) { client.getState(std::nullopt, done); });
        QCOMPARE(failureOf(anonymous)->kind, ApiFailure::Kind::Unauthorized);

        client.setAccessToken(QString::fromStdString(session.accessToken));
        auto missing = await<StateRead>([&](auto done) { client.getState(std::nullopt, done); });
        QVERIFY(std::holds_alternative<StateMissing>(std::get<StateRead>(missing)));

        deskboard::protocol::SaveStateRequest save;
        save.version = 1;
        save.state = {{"schema", 1}, {"dashboards", nlohmann::json::array()}};
        save.checksum = deskboard::protocol::stateChecksum(save.state);
        auto saved = await<deskboard::protocol::SaveStateResponse>(
            [&](auto done) { client.saveState(save, done); });
        QVERIFY(!failureOf(saved));
        QVERIFY(std::get<deskboard::protocol::SaveStateResponse>(saved).success);

        auto notModified = await<StateRead>([&](auto done) { client.getState(1, done); });
        QVERIFY(std::holds_alternative<StateNotModified>(std::get<StateRead>(notModified)));

        // The same version with other content: a 409 is an answer carrying the server's copy.
        save.state["other"] = true;
        save.checksum = deskboard::protocol::stateChecksum(save.state);
        auto conflict = await<deskboard::protocol::SaveStateResponse>(
            [&](auto done) { client.saveState(save, done); });
        QVERIFY(!failureOf(conflict));
        const auto& answer = std::get<deskboard::protocol::SaveStateResponse>(conflict);
        QVERIFY(!answer.success);
        QCOMPARE(answer.serverVersion, std::int64_t{1});
        QVERIFY(answer.serverCopy && answer.serverCopy->state);
        QVERIFY(!answer.serverCopy->state->contains("other"));

        // A bad checksum: a bad request, the server's words kept.
        save.version = 2;
        save.checksum = std::string(64, '0');
        auto mismatch = await<deskboard::protocol::SaveStateResponse>(
            [&](auto done) { client.saveState(save, done); });
        QCOMPARE(failureOf(mismatch)->kind, ApiFailure::Kind::BadRequest);
        QVERIFY(failureOf(mismatch)->message.contains(QStringLiteral("checksum")));

        // Too large.
        save.state = {{"big", std::string(2 * 1024 * 1024, 'x')}};
        save.checksum.reset();
        auto large = await<deskboard::protocol::SaveStateResponse>(
            [&](auto done) { client.saveState(save, done); });
        QCOMPARE(failureOf(large)->kind, ApiFailure::Kind::TooLarge);

        auto history =
            await<deskboard::protocol::HistoryResponse>([&](auto done) { client.history(done); });
        QCOMPARE(std::get<deskboard::protocol::HistoryResponse>(history).versions.size(),
                 std::size_t{1});
        auto noSuchVersion = await<deskboard::protocol::GetStateResponse>(
            [&](auto done) { client.historyVersion(99, done); });
        QCOMPARE(failureOf(noSuchVersion)->kind, ApiFailure::Kind::NotFound);

        auto created = await<deskboard::protocol::WorkspaceInfo>(
            [&](auto done) { client.createWorkspace(QStringLiteral("Team"), done); });
        QCOMPARE(std::get<deskboard::protocol::WorkspaceInfo>(created).name, std::string("Team"));
        client.setWorkspace(QStringLiteral("no-such-workspace"));
        auto foreign = await<StateRead>([&](auto done) { client.getState(std::nullopt, done); });
        QCOMPARE(failureOf(foreign)->kind, ApiFailure::Kind::Forbidden);

        auto refreshed = await<deskboard::protocol::RefreshResponse>(
            [&](auto done) { client.refresh(QString::fromStdString(session.refreshToken), done); });
        QVERIFY(!failureOf(refreshed));
        auto reused = await<deskboard::protocol::RefreshResponse>(
            [&](auto done) { client.refresh(QStringLiteral("not-a-token"), done); });
        QCOMPARE(failureOf(reused)->kind, ApiFailure::Kind::InvalidRefreshToken);
    }

    void aServerThatNeverAnswersTimesOut() {
        QTcpServer silent;
        QVERIFY(silent.listen(QHostAddress::LocalHost));
        std::vector<QTcpSocket*> held;  // owned by `silent`
        connect(&silent, &QTcpServer::newConnection, this,
                [&] { held.push_back(silent.nextPendingConnection()); });
        ApiClient client;
        client.setServer(QUrl(QStringLiteral("http://127.0.0.1:%1").arg(silent.serverPort())),
                         false);
        client.setTimeoutMs(500);
        auto answer = await<StateRead>([&](auto done) { client.getState(std::nullopt, done); });
        QCOMPARE(failureOf(answer)->kind, ApiFailure::Kind::Offline);
        QVERIFY(failureOf(answer)->message.contains(QStringLiteral("in time")));
    }

    void requestsCarryIdentityAndDevice() {
        QTcpServer peer;
        QVERIFY(peer.listen(QHostAddress::LocalHost));
        QByteArray request;
        connect(&peer, &QTcpServer::newConnection, this, [&] {
            QTcpSocket* socket = peer.nextPendingConnection();
            connect(socket, &QTcpSocket::readyRead, socket, [&, socket] {
                request += socket->readAll();
                if (request.contains("\r\n\r\n") && request.contains("}")) {
                    socket->write(
                        "HTTP/1.1 503 Service Unavailable\r\nContent-Type: "
                        "application/json\r\nContent-Length: 57\r\nConnection: "
                        "close\r\n\r\n{\"error\":\"storage_unavailable\",\"message\":"
                        "\"Redis is down\"}");
                    socket->disconnectFromHost();
                }
            });
        });
        ApiClient client;
        client.setServer(QUrl(QStringLiteral("http://127.0.0.1:%1").arg(peer.serverPort())), false);
        client.setAccessToken(QStringLiteral("token123"));
        client.setDeviceId(QStringLiteral("device-7"));
        client.setWorkspace(QStringLiteral("ws-3"));
        deskboard::protocol::SaveStateRequest save;
        auto answer = await<deskboard::protocol::SaveStateResponse>(
            [&](auto done) { client.saveState(save, done); });
        QCOMPARE(failureOf(answer)->kind, ApiFailure::Kind::Offline);  // 503: retry later
        QVERIFY(failureOf(answer)->message.contains(QStringLiteral("Redis is down")));
        const QByteArray lower = request.toLower();
        const QByteArray agentLine = "user-agent: " + userAgent().toLatin1().toLower();
        QVERIFY(lower.contains(agentLine));
        QVERIFY(lower.contains("x-device-id: device-7"));
        QVERIFY(lower.contains("x-workspace-id: ws-3"));
        QVERIFY(lower.contains("authorization: bearer token123"));
        QVERIFY(lower.contains("content-type: application/json"));
    }

    void tlsProblemsAreReportedNeverIgnored() {
        // A peer that answers https:// with plain text: the handshake fails and says so.
        QTcpServer peer;
        QVERIFY(peer.listen(QHostAddress::LocalHost));
        connect(&peer, &QTcpServer::newConnection, this, [&] {
            QTcpSocket* socket = peer.nextPendingConnection();
            socket->write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}");
            socket->disconnectFromHost();
        });
        ApiClient client;
        client.setServer(QUrl(QStringLiteral("https://127.0.0.1:%1").arg(peer.serverPort())),
                         false);
        auto answer = await<deskboard::protocol::LoginResponse>([&](auto done) {
            client.login(QStringLiteral("alice"), QString::fromLatin1(kPassword), done);
        });
        QVERIFY(failureOf(answer));
        QVERIFY2(failureOf(answer)->kind == ApiFailure::Kind::Tls ||
                     failureOf(answer)->kind == ApiFailure::Kind::Offline,
                 qPrintable(failureOf(answer)->message));
        QVERIFY(!failureOf(answer)->message.isEmpty());
    }

    void cleanupTestCase() {
        server_.reset();
        redis_.reset();
    }
};

QTEST_GUILESS_MAIN(ApiClientTest)
#include "tst_api_client.moc"
