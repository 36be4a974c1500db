// The refresh token in the OS keychain through QtKeychain, with memory as the only fallback.
//
// QtKeychain 0.13.2 facts this file is built around (see RECIPES.md "Headless tests"):
// - On Linux every job goes through libsecret, whose completion callbacks hold a raw pointer to
//   the job with no way to cancel: a job must never be deleted while it runs. Jobs therefore have
//   no parent (a TokenStore destroyed early must not take them along) and delete themselves after
//   finished(); our callbacks are connected with this TokenStore as context, so they vanish with
//   it.
// - One process-wide executor runs jobs one at a time, in order: a write followed by a remove of
//   the same entry reach the keychain in that order, and a keychain that never answers holds up
//   every later job (each then ends by its own timeout).
// - A read answering EntryNotFound proves nothing (an unopened collection says the same), so only
//   a write decides that the keychain works; a failed write, or no answer, makes it unavailable.
#include <memory>
#include <utility>

#include <QMetaObject>
#include <QPointer>
#include <QTimer>
#include <qt6keychain/keychain.h>

#include <deskboard/sync/token_store.h>

namespace deskboard::sync {

namespace {

const QString kService = QStringLiteral("Deskboard");

// Jobs started and not yet finished, over every TokenStore of the process.
int g_jobsInFlight = 0;

QString noAnswerText(int timeoutMs) {
    if (timeoutMs >= 1000 && timeoutMs % 1000 == 0) {
        return QStringLiteral("the keychain did not answer within %1 s").arg(timeoutMs / 1000);
    }
    return QStringLiteral("the keychain did not answer within %1 ms").arg(timeoutMs);
}

// The job's own message (GLib's or libsecret's, not always readable) behind a plain cause where one
// is known; the message texts are those of QtKeychain 0.13.2 with libsecret 0.20 and GLib 2.74.
QString jobErrorText(const QKeychain::Job& job) {
    const QString text = job.errorString().trimmed();
    const auto has = [&text](const char* part) {
        return text.contains(QLatin1String(part), Qt::CaseInsensitive);
    };
    QString cause;
    if (job.error() == QKeychain::AccessDenied) {
        cause = QStringLiteral("the keyring is locked");
    } else if (job.error() == QKeychain::NoBackendAvailable) {
        cause = QStringLiteral("no keychain service is running");
    } else if (has("autolaunch D-Bus") || has("Could not connect") || has("Failed to connect") ||
               has("DBUS_SESSION_BUS_ADDRESS")) {
        cause = QStringLiteral("no D-Bus session bus");
    } else if (has("org.freedesktop.secrets") || has("ServiceUnknown")) {
        cause = QStringLiteral("no Secret Service (such as GNOME Keyring or KWallet) is running");
    } else if (has("Object does not exist at path")) {
        cause = QStringLiteral("the default keyring does not exist or was never unlocked");
    } else if (text == QLatin1String("Unknown error")) {
        cause = QStringLiteral("no keychain library could be loaded (is libsecret installed?)");
    }
    if (text.isEmpty()) {
        return cause.isEmpty() ? QStringLiteral("unknown keychain error") : cause;
    }
    return cause.isEmpty() ? text : cause + QStringLiteral(": ") + text;
}

}  // namespace

TokenStore::TokenStore(QString profileId, int timeoutMs, QObject* parent)
    : QObject(parent), profileId_(std::move(profileId)), timeoutMs_(timeoutMs) {}

int TokenStore::jobsInFlight() {
    return g_jobsInFlight;
}

QString TokenStore::entryKey(const QString& server, const QString& user) const {
    return profileId_ + QLatin1Char('|') + server + QLatin1Char('|') + user;
}

QString TokenStore::statusText() const {
    switch (availability_) {
        case Availability::Unknown:
            return {};
        case Availability::Available:
            return QStringLiteral("ok");
        case Availability::Unavailable:
            return QStringLiteral(
                       "The system keychain is not available (%1): you stay signed in until "
                       "Deskboard quits.")
                .arg(reason_);
    }
    return {};
}

void TokenStore::setAvailability(Availability availability, const QString& reason) {
    const QString newReason = availability == Availability::Unavailable ? reason : QString();
    if (availability == availability_ && newReason == reason_) {
        return;
    }
    availability_ = availability;
    reason_ = newReason;
    emit availabilityChanged(availability_);
}

void TokenStore::later(std::function<void()> call) {
    QMetaObject::invokeMethod(this, std::move(call), Qt::QueuedConnection);
}

void TokenStore::runJob(QKeychain::Job* job, std::function<void(QKeychain::Job&)> onFinished,
                        std::function<void()> onTimeout) {
    job->setAutoDelete(true);
    job->setInsecureFallback(false);

    // Settled by whichever comes first, the job's answer or the timeout; the other is ignored.
    auto settled = std::make_shared<bool>(false);
    auto* timer = new QTimer(this);
    timer->setSingleShot(true);

    ++g_jobsInFlight;
    // Context: the job itself, so the count stays right when this TokenStore is gone.
    connect(job, &QKeychain::Job::finished, job, [] { --g_jobsInFlight; });
    connect(job, &QKeychain::Job::finished, this,
            [settled, timer, onFinished = std::move(onFinished)](QKeychain::Job* finished) {
                if (*settled) {
                    return;  // Answered after its timeout: already reported.
                }
                *settled = true;
                timer->stop();
                timer->deleteLater();
                onFinished(*finished);
            });
    connect(timer, &QTimer::timeout, this, [settled, timer, onTimeout = std::move(onTimeout)] {
        if (*settled) {
            return;
        }
        *settled = true;
        timer->deleteLater();
        onTimeout();
    });
    timer->start(timeoutMs_);
    job->start();
}

void TokenStore::readRefreshToken(const QString& server, const QString& user, ReadDone done) {
    const QString key = entryKey(server, user);
    if (const auto it = memory_.constFind(key); it != memory_.constEnd()) {
        later([done = std::move(done), token = it.value()] { done(token, QString()); });
        return;
    }

    auto* job = new QKeychain::ReadPasswordJob(kService);
    job->setKey(key);
    auto shared = std::make_shared<ReadDone>(std::move(done));
    runJob(
        job,
        [this, shared](QKeychain::Job& finished) {
            const QPointer<TokenStore> self(this);
            const auto callback = shared;  // Outlives this TokenStore if a slot deletes it.
            if (finished.error() == QKeychain::NoError) {
                // Reading works; only a write proves that writing does, so Unknown only.
                if (availability_ == Availability::Unknown) {
                    setAvailability(Availability::Available, {});
                }
                const QString token = static_cast<QKeychain::ReadPasswordJob&>(finished).textData();
                if (self) {
                    (*callback)(token, QString());
                }
                return;
            }
            if (finished.error() == QKeychain::EntryNotFound) {
                (*callback)(std::nullopt, QString());
                return;
            }
            const QString error = jobErrorText(finished);
            setAvailability(Availability::Unavailable, error);
            if (self) {
                (*callback)(std::nullopt, error);
            }
        },
        [this, shared] {
            const QPointer<TokenStore> self(this);
            const auto callback = shared;
            const QString error = noAnswerText(timeoutMs_);
            setAvailability(Availability::Unavailable, error);
            if (self) {
                (*callback)(std::nullopt, error);
            }
        });
}

void TokenStore::writeRefreshToken(const QString& server, const QString& user, const QString& token,
                                   bool remember, WriteDone done) {
    const QString key = entryKey(server, user);
    memory_.insert(key, token);

    if (!remember) {
        // "Remember me" off: a token remembered by an earlier sign-in must not come back at the
        // next start. `done` waits for that removal, so a process that quits on `done` (ctl)
        // does not leave it undone; its failure changes nothing for this session.
        auto* job = new QKeychain::DeletePasswordJob(kService);
        job->setKey(key);
        auto shared = std::make_shared<WriteDone>(std::move(done));
        runJob(
            job, [shared](QKeychain::Job&) { (*shared)(false, QString()); },
            [shared] { (*shared)(false, QString()); });
        return;
    }

    auto* job = new QKeychain::WritePasswordJob(kService);
    job->setKey(key);
    job->setTextData(token);
    auto shared = std::make_shared<WriteDone>(std::move(done));
    runJob(
        job,
        [this, shared](QKeychain::Job& finished) {
            const QPointer<TokenStore> self(this);
            const auto callback = shared;  // Outlives this TokenStore if a slot deletes it.
            if (finished.error() == QKeychain::NoError) {
                setAvailability(Availability::Available, {});
                if (self) {
                    (*callback)(true, QString());
                }
                return;
            }
            const QString error = jobErrorText(finished);
            setAvailability(Availability::Unavailable, error);
            if (self) {
                (*callback)(false, error);
            }
        },
        [this, shared] {
            const QPointer<TokenStore> self(this);
            const auto callback = shared;
            const QString error = noAnswerText(timeoutMs_);
            setAvailability(Availability::Unavailable, error);
            if (self) {
                (*callback)(false, error);
            }
        });
}

void TokenStore::removeRefreshToken(const QString& server, const QString& user, RemoveDone done) {
    const QString key = entryKey(server, user);
    memory_.remove(key);

    auto* job = new QKeychain::DeletePasswordJob(kService);
    job->setKey(key);
    auto shared = std::make_shared<RemoveDone>(std::move(done));
    runJob(
        job,
        [shared](QKeychain::Job& finished) {
            if (finished.error() == QKeychain::NoError ||
                finished.error() == QKeychain::EntryNotFound) {
                (*shared)(true, QString());
            } else {
                (*shared)(false, jobErrorText(finished));
            }
        },
        [this, shared] { (*shared)(false, noAnswerText(timeoutMs_)); });
}

}  // namespace deskboard::sync
