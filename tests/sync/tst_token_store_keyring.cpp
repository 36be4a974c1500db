// TokenStore against a real Secret Service: an unlocked gnome-keyring on a private session bus
// (run under tests/support/with-keyring.sh, which also names the daemon's PID so a test can stop
// it and play a keychain that does not answer).
#include <csignal>
#include <memory>

#include <QSignalSpy>
#include <QTest>
#include <sys/types.h>

#include <deskboard/sync/token_store.h>

#include "token_store_helpers.h"

using deskboard::sync::TokenStore;
using namespace token_store_test;

namespace {

const QString kServer = QStringLiteral("https://deskboard.example.org");
const QString kOtherServer = QStringLiteral("http://127.0.0.1:8080");

// Stops the keyring daemon (SIGSTOP) for its lifetime: a keychain that does not answer.
class FrozenKeyring {
  public:
    explicit FrozenKeyring(pid_t pid) : pid_(pid) { ::kill(pid_, SIGSTOP); }
    ~FrozenKeyring() { thaw(); }
    FrozenKeyring(const FrozenKeyring&) = delete;
    FrozenKeyring& operator=(const FrozenKeyring&) = delete;
    void thaw() {
        if (pid_ > 0) {
            ::kill(pid_, SIGCONT);
            pid_ = 0;
        }
    }

  private:
    pid_t pid_;
};

}  // namespace

class TokenStoreKeyringTest : public QObject {
    Q_OBJECT

  private:
    pid_t keyringPid_ = 0;
    QString profile_;

  private slots:
    void initTestCase() {
        LogRecorder::install();
        bool ok = false;
        keyringPid_ =
            static_cast<pid_t>(qEnvironmentVariableIntValue("DESKBOARD_KEYRING_PID", &ok));
        QVERIFY2(ok && keyringPid_ > 0,
                 "run this suite under tests/support/with-keyring.sh (ctest does)");
    }

    void init() {
        // A fresh profile per test: entries of earlier tests cannot answer for this one.
        profile_ = QStringLiteral("profile-") + QUuid::createUuid().toString(QUuid::WithoutBraces);
    }

    void rememberedTokenComesBackFromTheKeychain() {
        const QString token = newToken();
        {
            TokenStore store(profile_);
            QCOMPARE(store.availability(), TokenStore::Availability::Unknown);
            QCOMPARE(store.statusText(), QString());
            QSignalSpy changed(&store, &TokenStore::availabilityChanged);
            const WriteResult written = write(store, kServer, QStringLiteral("alice"), token, true);
            QCOMPARE(written.calls, 1);
            QVERIFY2(written.persisted, qPrintable(written.error));
            QCOMPARE(written.error, QString());
            QCOMPARE(store.availability(), TokenStore::Availability::Available);
            QCOMPARE(store.statusText(), QStringLiteral("ok"));
            QCOMPARE(changed.count(), 1);
        }
        // A new instance has nothing in memory: the token comes from the keychain.
        TokenStore fresh(profile_);
        const ReadResult back = read(fresh, kServer, QStringLiteral("alice"));
        QCOMPARE(back.calls, 1);
        QCOMPARE(back.error, QString());
        QCOMPARE(back.token, std::optional<QString>(token));
        QCOMPARE(fresh.availability(), TokenStore::Availability::Available);
    }

    void missingEntryIsNoError() {
        TokenStore store(profile_);
        const ReadResult back = read(store, kServer, QStringLiteral("nobody"));
        QCOMPARE(back.calls, 1);
        QCOMPARE(back.token, std::nullopt);
        QCOMPARE(back.error, QString());
        // EntryNotFound proves nothing about the keychain.
        QCOMPARE(store.availability(), TokenStore::Availability::Unknown);
    }

    void profilesAreKeptApart() {
        const QString otherProfile = profile_ + QStringLiteral("-other");
        const QString first = newToken();
        const QString second = newToken();
        {
            TokenStore a(profile_);
            TokenStore b(otherProfile);
            QVERIFY(write(a, kServer, QStringLiteral("alice"), first, true).persisted);
            QVERIFY(write(b, kServer, QStringLiteral("alice"), second, true).persisted);
        }
        TokenStore a(profile_);
        TokenStore b(otherProfile);
        TokenStore c(profile_ + QStringLiteral("-third"));
        QCOMPARE(read(a, kServer, QStringLiteral("alice")).token, std::optional<QString>(first));
        QCOMPARE(read(b, kServer, QStringLiteral("alice")).token, std::optional<QString>(second));
        QCOMPARE(read(c, kServer, QStringLiteral("alice")).token, std::nullopt);
    }

    void usersAndServersAreKeptApart() {
        const QString alice = newToken();
        const QString bob = newToken();
        const QString aliceElsewhere = newToken();
        {
            TokenStore store(profile_);
            QVERIFY(write(store, kServer, QStringLiteral("alice"), alice, true).persisted);
            QVERIFY(write(store, kServer, QStringLiteral("bob"), bob, true).persisted);
            QVERIFY(write(store, kOtherServer, QStringLiteral("alice"), aliceElsewhere, true)
                        .persisted);
        }
        TokenStore fresh(profile_);
        QCOMPARE(read(fresh, kServer, QStringLiteral("alice")).token,
                 std::optional<QString>(alice));
        QCOMPARE(read(fresh, kServer, QStringLiteral("bob")).token, std::optional<QString>(bob));
        QCOMPARE(read(fresh, kOtherServer, QStringLiteral("alice")).token,
                 std::optional<QString>(aliceElsewhere));
        QCOMPARE(read(fresh, kOtherServer, QStringLiteral("bob")).token, std::nullopt);
    }

    void removeForgetsMemoryAndKeychain() {
        const QString token = newToken();
        TokenStore store(profile_);
        QVERIFY(write(store, kServer, QStringLiteral("alice"), token, true).persisted);
        QVERIFY(write(store, kServer, QStringLiteral("bob"), newToken(), true).persisted);

        const RemoveResult removed = remove(store, kServer, QStringLiteral("alice"));
        QCOMPARE(removed.calls, 1);
        QVERIFY2(removed.ok, qPrintable(removed.error));
        QCOMPARE(read(store, kServer, QStringLiteral("alice")).token, std::nullopt);

        TokenStore fresh(profile_);
        QCOMPARE(read(fresh, kServer, QStringLiteral("alice")).token, std::nullopt);
        QVERIFY(read(fresh, kServer, QStringLiteral("bob")).token.has_value());
        // Removing what is not there is fine.
        const RemoveResult again = remove(fresh, kServer, QStringLiteral("alice"));
        QVERIFY2(again.ok, qPrintable(again.error));
    }

    void overwriteRotatesTheToken() {
        const QString old = newToken();
        const QString rotated = newToken();
        TokenStore store(profile_);
        QVERIFY(write(store, kServer, QStringLiteral("alice"), old, true).persisted);
        QVERIFY(write(store, kServer, QStringLiteral("alice"), rotated, true).persisted);
        QCOMPARE(read(store, kServer, QStringLiteral("alice")).token,
                 std::optional<QString>(rotated));
        TokenStore fresh(profile_);
        QCOMPARE(read(fresh, kServer, QStringLiteral("alice")).token,
                 std::optional<QString>(rotated));
    }

    void notRememberedStaysInMemoryAndForgetsTheOldEntry() {
        const QString remembered = newToken();
        const QString sessionOnly = newToken();
        TokenStore store(profile_);
        QVERIFY(write(store, kServer, QStringLiteral("alice"), remembered, true).persisted);
        const WriteResult written =
            write(store, kServer, QStringLiteral("alice"), sessionOnly, false);
        QCOMPARE(written.calls, 1);
        QVERIFY(!written.persisted);
        QCOMPARE(written.error, QString());
        QCOMPARE(read(store, kServer, QStringLiteral("alice")).token,
                 std::optional<QString>(sessionOnly));
        QVERIFY(waitForJobs());
        TokenStore fresh(profile_);
        QCOMPARE(read(fresh, kServer, QStringLiteral("alice")).token, std::nullopt);
    }

    void keychainThatDoesNotAnswerTimesOutOnce() {
        const QString token = newToken();
        TokenStore store(profile_, 300);
        WriteResult written;
        {
            FrozenKeyring frozen(keyringPid_);
            QElapsedTimer clock;
            clock.start();
            written = write(store, kServer, QStringLiteral("alice"), token, true, 3000);
            QCOMPARE(written.calls, 1);
            QVERIFY(clock.elapsed() < 2000);
            QVERIFY(!written.persisted);
            QVERIFY2(written.error.contains(QStringLiteral("did not answer within 300 ms")),
                     qPrintable(written.error));
            QCOMPARE(store.availability(), TokenStore::Availability::Unavailable);
            QVERIFY(store.statusText().startsWith(
                QStringLiteral("The system keychain is not available (")));
            QVERIFY(store.statusText().contains(QStringLiteral("until Deskboard quits")));
            // The session goes on from memory.
            QCOMPARE(read(store, kServer, QStringLiteral("alice")).token,
                     std::optional<QString>(token));
        }
        // Thawed: the write's late answer arrives and is ignored.
        QVERIFY(waitForJobs());
        QTest::qWait(100);
        QCOMPARE(TokenStore::jobsInFlight(), 0);

        // The keychain answers again: the next write makes it available.
        QVERIFY(write(store, kServer, QStringLiteral("alice"), newToken(), true).persisted);
        QCOMPARE(store.availability(), TokenStore::Availability::Available);
        QCOMPARE(store.statusText(), QStringLiteral("ok"));
    }

    void destroyedWhileJobsArePending() {
        int callbacks = 0;
        {
            FrozenKeyring frozen(keyringPid_);
            auto* store = new TokenStore(profile_, 10000);
            store->writeRefreshToken(kServer, QStringLiteral("alice"), newToken(), true,
                                     [&callbacks](bool, QString) { ++callbacks; });
            store->readRefreshToken(kServer, QStringLiteral("bob"),
                                    [&callbacks](std::optional<QString>, QString) { ++callbacks; });
            store->removeRefreshToken(kServer, QStringLiteral("carol"),
                                      [&callbacks](bool, QString) { ++callbacks; });
            QTest::qWait(50);  // The write is now inside libsecret, waiting for the daemon.
            QVERIFY(TokenStore::jobsInFlight() > 0);
            // A memory read answers from the event loop, never after the store is gone.
            store->readRefreshToken(kServer, QStringLiteral("alice"),
                                    [&callbacks](std::optional<QString>, QString) { ++callbacks; });
            delete store;
        }
        QVERIFY(waitForJobs());
        QTest::qWait(100);
        QCOMPARE(callbacks, 0);
    }

    void destroyedBeforeJobsStart() {
        int callbacks = 0;
        auto* store = new TokenStore(profile_);
        store->writeRefreshToken(kServer, QStringLiteral("alice"), newToken(), true,
                                 [&callbacks](bool, QString) { ++callbacks; });
        delete store;
        QVERIFY(waitForJobs());
        QTest::qWait(50);
        QCOMPARE(callbacks, 0);
    }

    void callbackMayDeleteTheStore() {
        auto* store = new TokenStore(profile_);
        QPointer<TokenStore> guard(store);
        int callbacks = 0;
        store->writeRefreshToken(kServer, QStringLiteral("alice"), newToken(), true,
                                 [&callbacks, store](bool persisted, QString) {
                                     ++callbacks;
                                     QVERIFY(persisted);
                                     delete store;
                                 });
        QTRY_VERIFY_WITH_TIMEOUT(guard.isNull(), 10000);
        QVERIFY(waitForJobs());
        QCOMPARE(callbacks, 1);
    }

    void cleanupTestCase() {
        QVERIFY(waitForJobs());
        for (const QString& line : LogRecorder::lines()) {
            QVERIFY2(!line.contains(kTokenPrefix), "a token was logged");
        }
    }
};

QTEST_GUILESS_MAIN(TokenStoreKeyringTest)
#include "tst_token_store_keyring.moc"
