// `deskboard ctl login --remember` with a real Secret Service (gnome-keyring on a private
// D-Bus session, tests/support/with-keyring.sh): the refresh token goes to the keychain and
// nowhere else (no token-like string in any file of the profile), a later ctl process signs in
// from the keychain to sync, and logout removes the sign-in.
#include <QDirIterator>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>
#include <http_client.h>
#include <server_process.h>

#include "deskboard_process.h"

using deskboard::testing::DeskboardEnvironment;
using deskboard::testing::HttpClient;
using deskboard::testing::RedisProcess;
using deskboard::testing::ServerProcess;

namespace {
const QByteArray kPassword = "correct horse battery staple";
}

class CtlKeychainTest : public QObject {
    Q_OBJECT

  private slots:
    void rememberedSignInLivesOnlyInTheKeychain() {
        if (qEnvironmentVariableIsEmpty("DESKBOARD_KEYRING_PID")) {
            QSKIP("needs tests/support/with-keyring.sh (ctest runs it so)");
        }
        RedisProcess redis;
        ServerProcess server(redis);
        server.addUser(QStringLiteral("keyed"), kPassword);

        DeskboardEnvironment environment;
        // This suite wants the private session bus with its unlocked keyring.
        environment.environment().insert(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"),
                                         qEnvironmentVariable("DBUS_SESSION_BUS_ADDRESS"));
        QTemporaryDir profile;

        auto login =
            environment.ctl(profile.path(),
                            {QStringLiteral("login"), QStringLiteral("--server"), server.baseUrl(),
                             QStringLiteral("--user"), QStringLiteral("keyed"),
                             QStringLiteral("--password-stdin"), QStringLiteral("--remember")},
                            kPassword + '\n');
        QVERIFY2(login.exitCode == 0, login.err.constData());
        QVERIFY2(!login.err.contains("keychain"), login.err.constData());

        // A new process, no instance: edits, then signs in from the keychain to sync.
        auto add =
            environment.ctl(profile.path(), {QStringLiteral("widget"), QStringLiteral("add"),
                                             QStringLiteral("note"), QStringLiteral("--title"),
                                             QStringLiteral("Keyed"), QStringLiteral("--content"),
                                             QStringLiteral("synced from a keychain sign-in")});
        QVERIFY2(add.exitCode == 0, add.err.constData());
        auto synced =
            environment.ctl(profile.path(), {QStringLiteral("sync"), QStringLiteral("--wait"),
                                             QStringLiteral("--timeout"), QStringLiteral("20")});
        QVERIFY2(synced.exitCode == 0, synced.err.constData());

        HttpClient http(server.baseUrl());
        const auto answer =
            http.post(QStringLiteral("/api/auth/login"),
                      {{"username", "keyed"}, {"password", kPassword.toStdString()}});
        http.setToken(QByteArray::fromStdString(answer.json()["accessToken"].get<std::string>()));
        QVERIFY(http.get(QStringLiteral("/api/dashboard/state"))
                    .body.contains("synced from a keychain sign-in"));

        // No token in any file: tokens are 256-bit base64url, 43 characters of [A-Za-z0-9_-]
        // standing alone (checksums are 64 hex digits, device and widget ids are shorter).
        const QRegularExpression tokenLike(
            QStringLiteral("(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])"));
        int files = 0;
        QDirIterator it(profile.path(), QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            QFile file(it.next());
            QVERIFY(file.open(QIODevice::ReadOnly));
            const QString text = QString::fromLatin1(file.readAll());
            ++files;
            QVERIFY2(!tokenLike.match(text).hasMatch(),
                     qPrintable(QStringLiteral("token-like text in ") + file.fileName()));
        }
        QVERIFY(files >= 2);

        auto logout = environment.ctl(profile.path(), {QStringLiteral("logout")});
        QVERIFY2(logout.exitCode == 0, logout.err.constData());
        auto after =
            environment.ctl(profile.path(), {QStringLiteral("sync"), QStringLiteral("--wait"),
                                             QStringLiteral("--timeout"), QStringLiteral("5")});
        QCOMPARE(after.exitCode, 1);
    }
};

QTEST_GUILESS_MAIN(CtlKeychainTest)
#include "tst_ctl_keychain.moc"
