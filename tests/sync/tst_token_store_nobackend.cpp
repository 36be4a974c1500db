// TokenStore with no keychain at all: the session bus address points at nothing and there is no
// display to autolaunch one. The token must stay in memory only, be said so in words, and never
// reach a file (QtKeychain's insecure fallback stays off).
#include <memory>

#include <QDirIterator>
#include <QElapsedTimer>
#include <QFile>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <deskboard/sync/token_store.h>

#include "token_store_helpers.h"

using deskboard::sync::TokenStore;
using namespace token_store_test;

namespace {

const QString kServer = QStringLiteral("https://deskboard.example.org");
constexpr int kTimeoutMs = 5000;

}  // namespace

class TokenStoreNoBackendTest : public QObject {
    Q_OBJECT

  private:
    QTemporaryDir root_;
    QStringList tokens_;

    QString remembered(const QString& token) {
        tokens_.append(token);
        return token;
    }

  private slots:
    void initTestCase() {
        LogRecorder::install();
        QVERIFY(root_.isValid());
        // ctest sets these too; set here as well so the suite means the same when run by hand.
        // GLib reads them at the first keychain call, which comes later.
        qputenv("DBUS_SESSION_BUS_ADDRESS",
                QStringLiteral("unix:path=%1/no-such-bus").arg(root_.path()).toLocal8Bit());
        qunsetenv("DISPLAY");
        qunsetenv("WAYLAND_DISPLAY");
        for (const char* name : {"HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME",
                                 "XDG_STATE_HOME", "XDG_RUNTIME_DIR"}) {
            const QString dir = root_.filePath(QString::fromLatin1(name).toLower());
            QVERIFY(QDir().mkpath(dir));
            QVERIFY(
                QFile::setPermissions(dir, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner));
            qputenv(name, dir.toLocal8Bit());
        }
    }

    void rememberFallsBackToMemoryAndSaysWhy() {
        const QString token = remembered(newToken());
        TokenStore store(QStringLiteral("profile-a"), kTimeoutMs);
        QSignalSpy changed(&store, &TokenStore::availabilityChanged);
        QElapsedTimer clock;
        clock.start();
        const WriteResult written =
            write(store, kServer, QStringLiteral("alice"), token, true, kTimeoutMs + 2000);
        QCOMPARE(written.calls, 1);
        QVERIFY(clock.elapsed() <= kTimeoutMs + 1000);
        QVERIFY(!written.persisted);
        QVERIFY(!written.error.isEmpty());
        qInfo("keychain error as reported: %s", qPrintable(written.error));

        QCOMPARE(store.availability(), TokenStore::Availability::Unavailable);
        QCOMPARE(changed.count(), 1);
        const QString status = store.statusText();
        QVERIFY2(status.startsWith(QStringLiteral("The system keychain is not available (")),
                 qPrintable(status));
        QVERIFY2(status.contains(written.error), qPrintable(status));
        QVERIFY2(status.endsWith(QStringLiteral("you stay signed in until Deskboard quits.")),
                 qPrintable(status));

        // The session goes on from memory.
        const ReadResult back = read(store, kServer, QStringLiteral("alice"));
        QCOMPARE(back.calls, 1);
        QCOMPARE(back.token, std::optional<QString>(token));
        QCOMPARE(back.error, QString());

        // Another instance (the next start) has nothing, and says why.
        TokenStore next(QStringLiteral("profile-a"), kTimeoutMs);
        const ReadResult nothing = read(next, kServer, QStringLiteral("alice"), kTimeoutMs + 2000);
        QCOMPARE(nothing.calls, 1);
        QCOMPARE(nothing.token, std::nullopt);
        QVERIFY(!nothing.error.isEmpty());
        QCOMPARE(next.availability(), TokenStore::Availability::Unavailable);
    }

    void notRememberedIsMemoryOnlyWithoutError() {
        const QString token = remembered(newToken());
        TokenStore store(QStringLiteral("profile-b"), kTimeoutMs);
        const WriteResult written = write(store, kServer, QStringLiteral("bob"), token, false);
        QCOMPARE(written.calls, 1);
        QVERIFY(!written.persisted);
        QCOMPARE(written.error, QString());
        QCOMPARE(read(store, kServer, QStringLiteral("bob")).token, std::optional<QString>(token));
    }

    void removeForgetsMemoryAndReportsTheKeychain() {
        const QString token = remembered(newToken());
        TokenStore store(QStringLiteral("profile-c"), kTimeoutMs);
        QVERIFY(!write(store, kServer, QStringLiteral("carol"), token, true).persisted);
        const RemoveResult removed = remove(store, kServer, QStringLiteral("carol"));
        QCOMPARE(removed.calls, 1);
        QVERIFY(!removed.ok);
        QVERIFY(!removed.error.isEmpty());
        const ReadResult back = read(store, kServer, QStringLiteral("carol"), kTimeoutMs + 2000);
        QCOMPARE(back.token, std::nullopt);
    }

    void destroyedWhileJobIsPending() {
        int callbacks = 0;
        auto* store = new TokenStore(QStringLiteral("profile-d"), kTimeoutMs);
        store->writeRefreshToken(kServer, QStringLiteral("dave"), remembered(newToken()), true,
                                 [&callbacks](bool, QString) { ++callbacks; });
        store->readRefreshToken(kServer, QStringLiteral("erin"),
                                [&callbacks](std::optional<QString>, QString) { ++callbacks; });
        delete store;
        QVERIFY(waitForJobs());
        QTest::qWait(50);
        QCOMPARE(callbacks, 0);
    }

    void noFileHoldsAToken() {
        QVERIFY(waitForJobs());
        QVERIFY(!tokens_.isEmpty());
        // Where a QSettings fallback (QtKeychain's insecure one) would write: inside the checked
        // tree.
        QVERIFY(QStandardPaths::writableLocation(QStandardPaths::GenericConfigLocation)
                    .startsWith(root_.path()));
        QVERIFY(QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation)
                    .startsWith(root_.path()));
        int files = 0;
        QDirIterator it(root_.path(), QDir::Files | QDir::Hidden | QDir::System,
                        QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const QString path = it.next();
            QFile file(path);
            if (!file.open(QIODevice::ReadOnly)) {
                continue;  // Sockets and the like.
            }
            ++files;
            const QByteArray bytes = file.readAll();
            QVERIFY2(!bytes.contains(kTokenPrefix.toUtf8()), qPrintable(path));
        }
        qInfo("%d files under the test's HOME and XDG directories, none with a token", files);
    }

    void cleanupTestCase() {
        QVERIFY(waitForJobs());
        for (const QString& line : LogRecorder::lines()) {
            QVERIFY2(!line.contains(kTokenPrefix), "a token was logged");
        }
    }
};

QTEST_GUILESS_MAIN(TokenStoreNoBackendTest)
#include "tst_token_store_nobackend.moc"
