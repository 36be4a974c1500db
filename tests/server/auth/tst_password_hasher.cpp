// The argon2id hasher: hashes verify (and wrong passwords do not), the work runs off the io
// thread with at most `threads` hashes at once and every request completes, the blocking forms
// agree with the asynchronous ones, and production mode really uses the INTERACTIVE cost.
#include <atomic>
#include <thread>

#include <QDir>
#include <QTest>
#include <io_wait.h>
#include <qtest_json.h>

#include <deskboard/server/auth/password_hasher.h>

using deskboard::server::auth::PasswordHasher;
using deskboard::testing::runUntil;
using namespace std::chrono_literals;

namespace {

// Threads of this process (Linux).
int threadCount() {
    return static_cast<int>(QDir(QStringLiteral("/proc/self/task"))
                                .entryList(QDir::Dirs | QDir::NoDotAndDotDot)
                                .size());
}

}  // namespace

class PasswordHasherTest : public QObject {
    Q_OBJECT

  private slots:
    void hashesAndVerifies() {
        PasswordHasher hasher(2, PasswordHasher::Cost::Minimal);
        boost::asio::io_context io;
        std::string hash;
        bool hashed = false;
        hasher.hash("correct horse", io, [&](std::string result) {
            hash = std::move(result);
            hashed = true;
        });
        QVERIFY(runUntil(io, [&] { return hashed; }));
        QVERIFY(hash.starts_with("$argon2id$"));
        QVERIFY(hash.find("correct horse") == std::string::npos);

        std::optional<bool> right;
        std::optional<bool> wrong;
        std::optional<bool> garbage;
        hasher.verify(hash, "correct horse", io, [&](bool matches) { right = matches; });
        hasher.verify(hash, "correct horsE", io, [&](bool matches) { wrong = matches; });
        hasher.verify("not a hash", "correct horse", io, [&](bool matches) { garbage = matches; });
        QVERIFY(runUntil(io, [&] { return right && wrong && garbage; }));
        QCOMPARE(*right, true);
        QCOMPARE(*wrong, false);
        QCOMPARE(*garbage, false);

        // Two hashes of one password differ (random salt) and both verify.
        const std::string again = hasher.hashNow("correct horse");
        QVERIFY(again != hash);
        QVERIFY(hasher.verifyNow(again, "correct horse"));
        QVERIFY(!hasher.verifyNow(again, "wrong password"));
        QVERIFY(!hasher.verifyNow("", "correct horse"));
    }

    void runsOffTheIoThreadAndAnswersOnIt() {
        PasswordHasher hasher(2, PasswordHasher::Cost::Minimal);
        boost::asio::io_context io;
        const auto ioThread = std::this_thread::get_id();
        std::thread::id callbackThread;
        bool done = false;
        hasher.hash("password1", io, [&](std::string) {
            callbackThread = std::this_thread::get_id();
            done = true;
        });
        // Nothing runs the io_context yet: the answer waits for it (posted, never inline).
        QVERIFY(!done);
        QVERIFY(runUntil(io, [&] { return done; }));
        QVERIFY(callbackThread == ioThread);
    }

    void boundsConcurrencyAndCompletesEveryRequest() {
        // threads=2: exactly two worker threads exist (so at most two hashes run at once), six
        // requests queue in front of them and all complete, answered on the io thread.
        const int before = threadCount();
        PasswordHasher hasher(2, PasswordHasher::Cost::Minimal);
        QCOMPARE(threadCount(), before + 2);
        boost::asio::io_context io;
        const auto ioThread = std::this_thread::get_id();
        std::vector<std::string> hashes;
        bool allOnIoThread = true;
        for (int i = 0; i < 6; ++i) {
            hasher.hash("password" + std::to_string(i), io, [&](std::string hash) {
                allOnIoThread = allOnIoThread && std::this_thread::get_id() == ioThread;
                hashes.push_back(std::move(hash));
            });
        }
        QCOMPARE(threadCount(), before + 2);  // queued, not a thread per request
        QVERIFY(runUntil(
            io, [&] { return hashes.size() == 6; }, 30s));
        QVERIFY(allOnIoThread);
        for (const auto& hash : hashes) {
            QVERIFY(hash.starts_with("$argon2id$"));
        }

        // The blocking forms share the queue and may be called from several threads at once.
        std::atomic<int> verified{0};
        std::vector<std::thread> callers;
        for (int i = 0; i < 4; ++i) {
            callers.emplace_back([&, i] {
                const std::string password = "blocking" + std::to_string(i);
                if (hasher.verifyNow(hasher.hashNow(password), password)) {
                    ++verified;
                }
            });
        }
        for (auto& caller : callers) {
            caller.join();
        }
        QCOMPARE(verified.load(), 4);
    }

    void oneThreadWorksInOrder() {
        // With threads=1 the single worker drains the FIFO queue: answers come in order.
        PasswordHasher hasher(1, PasswordHasher::Cost::Minimal);
        boost::asio::io_context io;
        std::vector<int> order;
        for (int i = 0; i < 4; ++i) {
            hasher.hash("password" + std::to_string(i), io,
                        [&, i](std::string) { order.push_back(i); });
        }
        QVERIFY(runUntil(io, [&] { return order.size() == 4; }));
        QCOMPARE(order, (std::vector<int>{0, 1, 2, 3}));
    }

    void destructorFinishesQueuedWork() {
        boost::asio::io_context io;
        int answered = 0;
        {
            PasswordHasher hasher(1, PasswordHasher::Cost::Minimal);
            for (int i = 0; i < 3; ++i) {
                hasher.hash("password", io, [&](std::string hash) {
                    QVERIFY(!hash.empty());
                    ++answered;
                });
            }
        }
        QVERIFY(runUntil(io, [&] { return answered == 3; }));
    }

    void productionUsesInteractiveCost() {
        PasswordHasher hasher(1);
        const std::string hash = hasher.hashNow("production password");
        QVERIFY2(hash.starts_with("$argon2id$v=19$m=65536,t=2,p=1$"), hash.c_str());
        QVERIFY(hasher.verifyNow(hash, "production password"));
        QVERIFY(!hasher.verifyNow(hash, "production passwore"));
    }
};

QTEST_GUILESS_MAIN(PasswordHasherTest)
#include "tst_password_hasher.moc"
