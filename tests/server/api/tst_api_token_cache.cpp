// The access-token cache end to end: two deskboard-server instances on one redis-server.
// A token validated once is not looked up again (counted in INFO commandstats) unless the cache
// is turned off; every revocation (logout, refresh-token reuse, the admin command line) ends the
// token on every worker of the revoking instance at once and on the other instance as soon as
// the announcement arrives; and an instance that cannot hear the announcements serves nothing
// from memory.
#include <QTest>
#include <http_client.h>
#include <qtest_json.h>
#include <server_process.h>

using namespace deskboard::testing;

namespace {

const QByteArray kPassword = "correct horse battery";
const QString kState = QStringLiteral("/api/dashboard/state");
// How long an announcement may take from one instance to the other on loopback (it takes
// well under a millisecond; the bound only keeps a loaded machine from failing the test).
constexpr int kAnnouncementMs = 2000;

// How many token lookups (HMGET) Redis has run.
long long tokenLookups(const RedisProcess& redis) {
    const auto stats = redis.cli({QStringLiteral("INFO"), QStringLiteral("commandstats")});
    for (const auto& line : stats.split('\n')) {
        if (line.startsWith("cmdstat_hmget:calls=")) {
            return line.mid(20, line.indexOf(',') - 20).toLongLong();
        }
    }
    return 0;
}

struct Tokens {
    QByteArray access;
    QByteArray refresh;
};

Tokens login(const ServerProcess& server, const QString& name) {
    HttpClient client(server.baseUrl());
    const auto answer =
        client.post(QStringLiteral("/api/auth/login"),
                    {{"username", name.toStdString()}, {"password", kPassword.toStdString()}});
    if (answer.status != 200) {
        qFatal("login failed: %d", answer.status);
    }
    const auto json = answer.json();
    return {QByteArray::fromStdString(json["accessToken"].get<std::string>()),
            QByteArray::fromStdString(json["refreshToken"].get<std::string>())};
}

int statusThrough(const ServerProcess& server, const QByteArray& access) {
    HttpClient client(server.baseUrl());
    client.setToken(access);
    return client.get(kState).status;
}

}  // namespace

class ApiTokenCacheTest : public QObject {
    Q_OBJECT

  private slots:
    void aValidatedTokenIsNotLookedUpAgain() {
        RedisProcess redis;
        ServerProcess cached(redis);
        ServerProcess uncached(
            redis, {{QStringLiteral("DESKBOARD_TOKEN_CACHE_SECONDS"), QStringLiteral("0")}});
        cached.addUser(QStringLiteral("alice"), kPassword);
        const auto alice = login(cached, QStringLiteral("alice"));

        auto before = tokenLookups(redis);
        QCOMPARE(statusThrough(cached, alice.access), 404);  // nothing saved yet
        QCOMPARE(tokenLookups(redis), before + 1);
        for (int i = 0; i < 20; ++i) {
            QCOMPARE(statusThrough(cached, alice.access), 404);
        }
        QCOMPARE(tokenLookups(redis), before + 1);
        // The metric says the same.
        HttpClient scraper(cached.baseUrl());
        const auto metrics = scraper.get(QStringLiteral("/metrics")).body;
        QVERIFY2(metrics.contains("deskboard_access_token_checks_total{source=\"memory\"} 20\n"),
                 metrics.constData());
        QVERIFY2(metrics.contains("deskboard_access_token_checks_total{source=\"redis\"} 1\n"),
                 metrics.constData());

        before = tokenLookups(redis);
        for (int i = 0; i < 20; ++i) {
            QCOMPARE(statusThrough(uncached, alice.access), 404);
        }
        QCOMPARE(tokenLookups(redis), before + 20);
        // An unknown token is looked up every time (only valid ones are remembered).
        const QByteArray unknown(43, 'A');
        before = tokenLookups(redis);
        QCOMPARE(statusThrough(cached, unknown), 401);
        QCOMPARE(statusThrough(cached, unknown), 401);
        QCOMPARE(tokenLookups(redis), before + 2);
    }

    void logoutEndsTheTokenOnEveryInstance() {
        RedisProcess redis;
        ServerProcess a(redis);
        ServerProcess b(redis);
        a.addUser(QStringLiteral("alice"), kPassword);
        const auto alice = login(a, QStringLiteral("alice"));
        const auto otherSignIn = login(a, QStringLiteral("alice"));
        for (const auto* server : {&a, &b}) {
            QCOMPARE(statusThrough(*server, alice.access), 404);
            QCOMPARE(statusThrough(*server, otherSignIn.access), 404);
        }
        HttpClient client(a.baseUrl());
        client.setToken(alice.access);
        QCOMPARE(client.post(QStringLiteral("/api/auth/logout"), nlohmann::json::object()).status,
                 200);
        QCOMPARE(statusThrough(a, alice.access), 401);
        QTRY_COMPARE_WITH_TIMEOUT(statusThrough(b, alice.access), 401, kAnnouncementMs);
        // Only that sign-in: the other one goes on, on both.
        QCOMPARE(statusThrough(a, otherSignIn.access), 404);
        QCOMPARE(statusThrough(b, otherSignIn.access), 404);
    }

    // The workers of one server share one memory: a logout on one worker ends the token on all
    // of them before it answers (each new connection may land on either worker).
    void aLogoutEndsTheTokenOnEveryWorkerAtOnce() {
        RedisProcess redis;
        ServerProcess server(redis, {{QStringLiteral("DESKBOARD_WORKERS"), QStringLiteral("2")}});
        server.addUser(QStringLiteral("frank"), kPassword);
        const auto frank = login(server, QStringLiteral("frank"));
        for (int i = 0; i < 10; ++i) {
            QCOMPARE(statusThrough(server, frank.access), 404);
        }
        HttpClient client(server.baseUrl());
        client.setToken(frank.access);
        QCOMPARE(client.post(QStringLiteral("/api/auth/logout"), nlohmann::json::object()).status,
                 200);
        for (int i = 0; i < 10; ++i) {
            QCOMPARE(statusThrough(server, frank.access), 401);
        }
    }

    void refreshTokenReuseEndsTheLoginAtOnce() {
        RedisProcess redis;
        const QMap<QString, QString> noGrace{
            {QStringLiteral("DESKBOARD_REFRESH_GRACE_SECONDS"), QStringLiteral("0")}};
        ServerProcess a(redis, noGrace);
        ServerProcess b(redis, noGrace);
        a.addUser(QStringLiteral("bob"), kPassword);
        const auto first = login(a, QStringLiteral("bob"));
        HttpClient anonymous(a.baseUrl());
        const auto rotated = anonymous.post(QStringLiteral("/api/auth/refresh"),
                                            {{"refreshToken", first.refresh.toStdString()}});
        QCOMPARE(rotated.status, 200);
        const QByteArray second =
            QByteArray::fromStdString(rotated.json()["accessToken"].get<std::string>());
        for (const auto* server : {&a, &b}) {
            QCOMPARE(statusThrough(*server, first.access), 404);
            QCOMPARE(statusThrough(*server, second), 404);
        }
        // The rotated refresh token again: reuse, the whole login is revoked.
        const auto reused = anonymous.post(QStringLiteral("/api/auth/refresh"),
                                           {{"refreshToken", first.refresh.toStdString()}});
        QCOMPARE(reused.status, 401);
        QCOMPARE(reused.error(), std::string("invalid_refresh_token"));
        QCOMPARE(statusThrough(a, first.access), 401);
        QCOMPARE(statusThrough(a, second), 401);
        QTRY_COMPARE_WITH_TIMEOUT(statusThrough(b, first.access), 401, kAnnouncementMs);
        QCOMPARE(statusThrough(b, second), 401);
    }

    void theAdminCommandLineRevokesCachedTokens() {
        RedisProcess redis;
        ServerProcess a(redis);
        a.addUser(QStringLiteral("carol"), kPassword);
        a.addUser(QStringLiteral("dave"), kPassword);
        const auto carol = login(a, QStringLiteral("carol"));
        const auto dave = login(a, QStringLiteral("dave"));
        QCOMPARE(statusThrough(a, carol.access), 404);
        QCOMPARE(statusThrough(a, dave.access), 404);

        const auto passwd =
            a.command({QStringLiteral("user"), QStringLiteral("passwd"), QStringLiteral("carol")},
                      "another long password\n");
        QVERIFY2(passwd.exitCode == 0, passwd.err.constData());
        QTRY_COMPARE_WITH_TIMEOUT(statusThrough(a, carol.access), 401, kAnnouncementMs);

        const auto del =
            a.command({QStringLiteral("user"), QStringLiteral("del"), QStringLiteral("dave")});
        QVERIFY2(del.exitCode == 0, del.err.constData());
        QTRY_COMPARE_WITH_TIMEOUT(statusThrough(a, dave.access), 401, kAnnouncementMs);
    }

    // The subscriber's connection is cut, so the logout's announcement is not heard by this
    // instance while it reconnects: it must look the token up (and, once subscribed again, forget
    // everything it held), never answer from memory.
    void anInstanceThatCannotHearRevocationsServesNothingFromMemory() {
        RedisProcess redis;
        ServerProcess a(redis, {{QStringLiteral("DESKBOARD_LOG_FORMAT"), QStringLiteral("text")}});
        ServerProcess b(redis, {{QStringLiteral("DESKBOARD_LOG_FORMAT"), QStringLiteral("text")}});
        a.addUser(QStringLiteral("erin"), kPassword);
        const auto erin = login(a, QStringLiteral("erin"));
        QCOMPARE(statusThrough(b, erin.access), 404);
        const auto lookups = tokenLookups(redis);
        QCOMPARE(statusThrough(b, erin.access), 404);
        QCOMPARE(tokenLookups(redis), lookups);  // from memory

        const auto lost = b.log().count("subscriber lost the connection");
        const auto subscribed = b.log().count("subscribed to Redis events");
        QCOMPARE(redis.cli({QStringLiteral("CLIENT"), QStringLiteral("KILL"),
                            QStringLiteral("TYPE"), QStringLiteral("pubsub")}),
                 QByteArray("2"));
        QTRY_VERIFY_WITH_TIMEOUT(b.log().count("subscriber lost the connection") > lost, 5000);
        HttpClient client(a.baseUrl());
        client.setToken(erin.access);
        QCOMPARE(client.post(QStringLiteral("/api/auth/logout"), nlohmann::json::object()).status,
                 200);
        QCOMPARE(statusThrough(b, erin.access), 401);
        QTRY_VERIFY_WITH_TIMEOUT(b.log().count("subscribed to Redis events") > subscribed, 5000);
        QCOMPARE(statusThrough(b, erin.access), 401);

        // Subscribed again, the cache works again.
        const auto again = login(a, QStringLiteral("erin"));
        QCOMPARE(statusThrough(b, again.access), 404);
        const auto after = tokenLookups(redis);
        QCOMPARE(statusThrough(b, again.access), 404);
        QCOMPARE(tokenLookups(redis), after);
    }
};

QTEST_GUILESS_MAIN(ApiTokenCacheTest)
#include "tst_api_token_cache.moc"
