// Upgrading a server in place from the 0.1 key layout (auth keys without the {auth} hash tag):
// a Redis holding accounts, a workspace, a live sign-in and failed-login counters the way a 0.1
// server wrote them is served by this server after a restart: the keys were moved once at
// start (TTLs kept), the old sign-in's tokens still work, and signing out revokes them (the
// login's token set names the new keys). A second start moves nothing.
#include <QTest>
#include <http_client.h>
#include <qtest_json.h>
#include <server_process.h>

using namespace deskboard::testing;

namespace {

const QByteArray kPassword = "correct horse battery";

// Every key of the current layout renamed back to 0.1's ("deskboard:{auth}:x" -> "deskboard:x"),
// the members of login token sets too, TTLs kept: what a 0.1 server left behind.
void downgradeToOldLayout(const RedisProcess& redis) {
    const auto keys = redis.cli({QStringLiteral("KEYS"), QStringLiteral("deskboard:{auth}:*")});
    QVERIFY(!keys.isEmpty());
    for (const auto& key : keys.split('\n')) {
        const QString name = QString::fromUtf8(key);
        const QString old = QStringLiteral("deskboard:") + name.mid(17);
        if (name.startsWith(QStringLiteral("deskboard:{auth}:login:"))) {
            const auto members = redis
                                     .cli({QStringLiteral("ZRANGE"), name, QStringLiteral("0"),
                                           QStringLiteral("-1"), QStringLiteral("WITHSCORES")})
                                     .split('\n');
            for (qsizetype i = 0; i + 1 < members.size(); i += 2) {
                const QString member = QString::fromUtf8(members[i]);
                redis.cli({QStringLiteral("ZREM"), name, member});
                redis.cli({QStringLiteral("ZADD"), name, QString::fromUtf8(members[i + 1]),
                           QStringLiteral("deskboard:") + member.mid(17)});
            }
        }
        QCOMPARE(redis.cli({QStringLiteral("RENAME"), name, old}), QByteArray("OK"));
    }
    QVERIFY(redis.cli({QStringLiteral("KEYS"), QStringLiteral("deskboard:{auth}:*")}).isEmpty());
}

}  // namespace

class ApiUpgradeTest : public QObject {
    Q_OBJECT

  private slots:
    void keysOfTheOldLayoutAreMovedAtStart() {
        RedisProcess redis;
        ServerProcess server(redis);
        server.addUser(QStringLiteral("alice"), kPassword);
        HttpClient alice(server.baseUrl());
        const auto login =
            alice.post(QStringLiteral("/api/auth/login"),
                       {{"username", "alice"}, {"password", kPassword.toStdString()}});
        QCOMPARE(login.status, 200);
        alice.setToken(QByteArray::fromStdString(login.json()["accessToken"].get<std::string>()));
        const auto workspace = alice.post(QStringLiteral("/api/workspaces"), {{"name", "Work"}});
        QCOMPARE(workspace.status, 201);
        // A failed login leaves rate-limit counters.
        HttpClient stranger(server.baseUrl());
        QCOMPARE(stranger
                     .post(QStringLiteral("/api/auth/login"),
                           {{"username", "alice"}, {"password", "wrong password here"}})
                     .status,
                 401);
        QCOMPARE(server.stop(), 0);
        const int keyCount =
            redis.cli({QStringLiteral("KEYS"), QStringLiteral("deskboard:{auth}:*")})
                .split('\n')
                .size();
        downgradeToOldLayout(redis);
        QCOMPARE(redis.cli({QStringLiteral("EXISTS"), QStringLiteral("deskboard:users")}),
                 QByteArray("1"));

        server.restart();
        QVERIFY2(server.log().contains("auth keys of the Deskboard 0.1 layout"),
                 server.log().constData());
        QVERIFY(redis.cli({QStringLiteral("KEYS"), QStringLiteral("deskboard:[^{]*")}).isEmpty());
        QCOMPARE(redis.cli({QStringLiteral("KEYS"), QStringLiteral("deskboard:{auth}:*")})
                     .split('\n')
                     .size(),
                 keyCount);
        for (const auto& key :
             redis.cli({QStringLiteral("KEYS"), QStringLiteral("deskboard:{auth}:token:*")})
                 .split('\n')) {
            QVERIFY2(redis.cli({QStringLiteral("TTL"), QString::fromUtf8(key)}).toLongLong() > 0,
                     key.constData());
        }

        // The sign-in made before the upgrade goes on, sees its workspaces, and signs out.
        const auto listed = alice.get(QStringLiteral("/api/workspaces"));
        QCOMPARE(listed.status, 200);
        QCOMPARE(listed.json()["workspaces"].size(), std::size_t{2});
        QCOMPARE(alice.post(QStringLiteral("/api/auth/logout"), nlohmann::json::object()).status,
                 200);
        QCOMPARE(alice.get(QStringLiteral("/api/workspaces")).status, 401);
        QVERIFY(
            redis.cli({QStringLiteral("KEYS"), QStringLiteral("deskboard:{auth}:token:access:*")})
                .isEmpty());
        HttpClient again(server.baseUrl());
        QCOMPARE(again
                     .post(QStringLiteral("/api/auth/login"),
                           {{"username", "alice"}, {"password", kPassword.toStdString()}})
                     .status,
                 200);

        // Nothing of the old layout is left, so the next start moves nothing.
        server.restart();
        QCOMPARE(server.log().count("auth keys of the Deskboard 0.1 layout"), 1);
        QCOMPARE(server.stop(), 0);
    }
};

QTEST_GUILESS_MAIN(ApiUpgradeTest)
#include "tst_api_upgrade.moc"
