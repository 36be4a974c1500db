// Helpers shared by the TokenStore suites: run one call to its callback, count the callbacks,
// and record every log line so a suite can prove no token was ever logged.
#pragma once

#include <memory>
#include <optional>

#include <QList>
#include <QMutex>
#include <QMutexLocker>
#include <QString>
#include <QTest>
#include <QUuid>

#include <deskboard/sync/token_store.h>

namespace token_store_test {

using deskboard::sync::TokenStore;

// Every token a suite makes starts with this, so one search finds them all in logs and files.
inline const QString kTokenPrefix = QStringLiteral("secret-token-");

inline QString newToken() {
    return kTokenPrefix + QUuid::createUuid().toString(QUuid::WithoutBraces);
}

struct WriteResult {
    int calls = 0;
    bool persisted = false;
    QString error;
};

struct ReadResult {
    int calls = 0;
    std::optional<QString> token;
    QString error;
};

struct RemoveResult {
    int calls = 0;
    bool ok = false;
    QString error;
};

// Each waits for the first callback (up to waitMs), then lets the event loop run a little longer
// so a second call of the same callback would be counted.
inline WriteResult write(TokenStore& store, const QString& server, const QString& user,
                         const QString& token, bool remember, int waitMs = 10000) {
    auto result = std::make_shared<WriteResult>();
    store.writeRefreshToken(server, user, token, remember, [result](bool persisted, QString error) {
        ++result->calls;
        result->persisted = persisted;
        result->error = std::move(error);
    });
    [&] { QTRY_VERIFY_WITH_TIMEOUT(result->calls > 0, waitMs); }();
    QTest::qWait(20);
    return *result;
}

inline ReadResult read(TokenStore& store, const QString& server, const QString& user,
                       int waitMs = 10000) {
    auto result = std::make_shared<ReadResult>();
    store.readRefreshToken(server, user, [result](std::optional<QString> token, QString error) {
        ++result->calls;
        result->token = std::move(token);
        result->error = std::move(error);
    });
    [&] { QTRY_VERIFY_WITH_TIMEOUT(result->calls > 0, waitMs); }();
    QTest::qWait(20);
    return *result;
}

inline RemoveResult remove(TokenStore& store, const QString& server, const QString& user,
                           int waitMs = 10000) {
    auto result = std::make_shared<RemoveResult>();
    store.removeRefreshToken(server, user, [result](bool ok, QString error) {
        ++result->calls;
        result->ok = ok;
        result->error = std::move(error);
    });
    [&] { QTRY_VERIFY_WITH_TIMEOUT(result->calls > 0, waitMs); }();
    QTest::qWait(20);
    return *result;
}

// Waits until every keychain job of the process has finished (late answers included).
inline bool waitForJobs(int waitMs = 10000) {
    return QTest::qWaitFor([] { return TokenStore::jobsInFlight() == 0; }, waitMs);
}

// Records every Qt message of the process (and still prints it).
class LogRecorder {
  public:
    static void install() { previous() = qInstallMessageHandler(&LogRecorder::handle); }

    static QStringList lines() {
        QMutexLocker lock(&mutex());
        return recorded();
    }

  private:
    static void handle(QtMsgType type, const QMessageLogContext& context, const QString& text) {
        {
            QMutexLocker lock(&mutex());
            recorded().append(text);
        }
        if (previous()) {
            previous()(type, context, text);
        }
    }
    static QtMessageHandler& previous() {
        static QtMessageHandler handler = nullptr;
        return handler;
    }
    static QMutex& mutex() {
        static QMutex m;
        return m;
    }
    static QStringList& recorded() {
        static QStringList l;
        return l;
    }
};

}  // namespace token_store_test
