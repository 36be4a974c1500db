// Where the refresh token lives: the OS keychain through QtKeychain (Secret Service on Linux),
// one entry per (profile, server, user); never QSettings, files or logs. Every keychain call is
// asynchronous with a timeout, so nothing waits on the keychain. When the keychain cannot be
// written (no backend, locked, no D-Bus) the token is kept in this object's memory only, for the
// life of the process, and availability() says why: never a plaintext fallback.
// The access token never comes here: it lives only in the engine's memory.
#pragma once

#include <functional>
#include <optional>

#include <QHash>
#include <QObject>
#include <QString>

namespace QKeychain {
class Job;
}

namespace deskboard::sync {

class TokenStore : public QObject {
    Q_OBJECT

  public:
    enum class Availability { Unknown, Available, Unavailable };
    Q_ENUM(Availability)

    // `profileId` keeps the entries of two profiles on one computer apart (e.g. a hash of the
    // profile directory); `timeoutMs` bounds each keychain job.
    explicit TokenStore(QString profileId, int timeoutMs = 5000, QObject* parent = nullptr);

    // The stored refresh token of (server, user), or nothing (with the reason in `error` when
    // the keychain failed rather than had no entry). Reads memory first.
    using ReadDone = std::function<void(std::optional<QString> token, QString error)>;
    void readRefreshToken(const QString& server, const QString& user, ReadDone done);

    // Stores the token: in the keychain when `remember` and it works, and in memory always.
    // `done(persisted, error)`: persisted is false when only memory holds it (error says why when
    // `remember` was asked). Without `remember`, an entry remembered earlier is removed first.
    using WriteDone = std::function<void(bool persisted, QString error)>;
    void writeRefreshToken(const QString& server, const QString& user, const QString& token,
                           bool remember, WriteDone done);

    // Forgets the token in memory and in the keychain.
    using RemoveDone = std::function<void(bool ok, QString error)>;
    void removeRefreshToken(const QString& server, const QString& user, RemoveDone done);

    Availability availability() const { return availability_; }
    // Why the keychain is unavailable, in words ("ok" when it works; empty while unknown).
    QString statusText() const;

    // Keychain jobs of this process still running, including those of destroyed TokenStores
    // (a job cannot be cancelled; its late answer is ignored). Tests wait for 0 before exiting.
    static int jobsInFlight();

  signals:
    void availabilityChanged(deskboard::sync::TokenStore::Availability availability);

  private:
    QString entryKey(const QString& server, const QString& user) const;
    void setAvailability(Availability availability, const QString& reason);
    // Runs `call` from the event loop (never inside the caller's call), unless this is destroyed.
    void later(std::function<void()> call);
    // Starts `job` (owned by itself, deleted after it finishes) with this store's timeout; exactly
    // one of the two runs, once, and neither after this TokenStore is destroyed.
    void runJob(QKeychain::Job* job, std::function<void(QKeychain::Job&)> onFinished,
                std::function<void()> onTimeout);

    QString profileId_;
    int timeoutMs_;
    QHash<QString, QString> memory_;
    Availability availability_ = Availability::Unknown;
    QString reason_;
};

}  // namespace deskboard::sync
