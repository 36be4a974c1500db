#include <random>
#include <set>

#include <deskboard/protocol/canonical_json.h>
#include <deskboard/sync/merge.h>
#include <deskboard/sync/sync_engine.h>

#include "event_stream.h"
#include "network_watch.h"

namespace deskboard::sync {

namespace {

// Client settings (QSettings keys of the profile) and their defaults.
constexpr int kDebounceMs = 1500;
constexpr int kMaxWaitMs = 10000;
constexpr int kStaleDays = 14;
constexpr int kPollMs = 10000;
constexpr int kStreamWatchdogMs = 45000;  // three times the server's default heartbeat
constexpr int kRequestTimeoutMs = 15000;
constexpr int kMassRemovalWidgets = 3;
constexpr int kBackoffMinMs = 1000;
constexpr int kBackoffMaxMs = 60000;
// A refresh whose answer did not come is retried this often, this many times (well within the
// server's DESKBOARD_REFRESH_GRACE_SECONDS, 10 s by default).
constexpr int kRefreshRetryMs = 1000;
constexpr int kRefreshAttempts = 6;

std::set<std::string> widgetIds(const Document& document) {
    std::set<std::string> ids;
    for (const auto& dashboard : document.dashboards) {
        for (const auto& [id, widget] : dashboard.widgets) {
            ids.insert(id);
        }
    }
    return ids;
}

// How many of `before`'s widgets are gone in `after`, and whether a dashboard that had
// widgets was emptied.
std::pair<int, bool> removalsBetween(const Document& before, const Document& after) {
    const auto kept = widgetIds(after);
    int removed = 0;
    for (const auto& id : widgetIds(before)) {
        removed += kept.count(id) == 0 ? 1 : 0;
    }
    bool emptied = false;
    for (const auto& dashboard : before.dashboards) {
        const Dashboard* now = after.dashboard(dashboard.id);
        if (!dashboard.widgets.empty() && (now == nullptr || now->widgets.empty())) {
            emptied = true;
        }
    }
    return {removed, emptied};
}

QString loginFailureText(const ApiFailure& failure) {
    using Kind = ApiFailure::Kind;
    switch (failure.kind) {
        case Kind::InvalidCredentials:
            return QStringLiteral("Wrong user name or password.");
        case Kind::RateLimited:
            return QStringLiteral("Too many failed sign-ins; try again in %1 seconds.")
                .arg(failure.retryAfterSeconds.value_or(60));
        case Kind::Offline:
            return QStringLiteral("Cannot reach the server: ") + failure.message;
        case Kind::Tls:
            return QStringLiteral("The secure connection failed: ") + failure.message;
        default:
            return QStringLiteral("Sign-in failed: ") + failure.message;
    }
}

}  // namespace

QString syncStateName(SyncState state) {
    switch (state) {
        case SyncState::Idle:
            return QStringLiteral("idle");
        case SyncState::Pending:
            return QStringLiteral("pending");
        case SyncState::Syncing:
            return QStringLiteral("syncing");
        case SyncState::Offline:
            return QStringLiteral("offline");
        case SyncState::SignedOut:
            return QStringLiteral("signed_out");
        case SyncState::NeedsDecision:
            return QStringLiteral("needs_decision");
    }
    return QStringLiteral("unknown");
}

QString SyncStatus::summary() const {
    switch (state) {
        case SyncState::Idle:
            return lastSyncedAt.isValid()
                       ? QStringLiteral("Synced at %1")
                             .arg(lastSyncedAt.toLocalTime().toString(QStringLiteral("HH:mm")))
                       : QStringLiteral("Synced");
        case SyncState::Pending:
            return QStringLiteral("Changes waiting to sync (%1)").arg(pending);
        case SyncState::Syncing:
            return QStringLiteral("Syncing…");
        case SyncState::Offline:
            return QStringLiteral("Offline — saved on this computer (%1 pending)").arg(pending);
        case SyncState::SignedOut:
            return QStringLiteral("Signed out — saved on this computer");
        case SyncState::NeedsDecision:
            return QStringLiteral("Waiting for your choice before syncing");
    }
    return {};
}

struct SyncEngine::Session {
    QUrl server;
    bool allowPlainHttp = false;
    bool remember = false;
    QString userId;
    QString userName;
    QString workspaceId;
    QString refreshToken;
    bool refreshing = false;
    int refreshAttempts = 0;
    std::vector<std::function<void(std::optional<ApiFailure>)>> refreshWaiters;
};

struct SyncEngine::Waiter {
    Done done;
    QTimer timer;
};

SyncEngine::SyncEngine(DashboardStore* store, TokenStore* tokens, QObject* parent)
    : QObject(parent), store_(store), tokens_(tokens), api_(new ApiClient(this)) {
    api_->setDeviceId(store_->deviceId());
    api_->setTimeoutMs(settingMs("sync/requestTimeoutMs", kRequestTimeoutMs));
    stream_ = new EventStream(api_, settingMs("sync/streamWatchdogMs", kStreamWatchdogMs), this);
    network_ = new NetworkWatch(this);

    debounce_.setSingleShot(true);
    maxWait_.setSingleShot(true);
    retry_.setSingleShot(true);
    poll_.setInterval(settingMs("sync/pollMs", kPollMs));
    connect(&debounce_, &QTimer::timeout, this, &SyncEngine::syncNow);
    connect(&maxWait_, &QTimer::timeout, this, &SyncEngine::syncNow);
    connect(&retry_, &QTimer::timeout, this, &SyncEngine::retryNow);
    connect(&poll_, &QTimer::timeout, this, &SyncEngine::pull);
    connect(network_, &NetworkWatch::online, this, [this] {
        if (state_ == SyncState::Offline) {
            retryNow();
        }
    });

    connect(store_, &DashboardStore::documentChanged, this, [this](EditOrigin origin) {
        if (origin == EditOrigin::Local) {
            scheduleSave();
        }
        setState(state_);
    });
    connect(store_, &DashboardStore::syncStateChanged, this, [this] { setState(state_); });

    connect(stream_, &EventStream::versionAnnounced, this,
            [this](std::int64_t version, const QString& deviceId) {
                if (deviceId == store_->deviceId() || version <= store_->lastSyncedVersion()) {
                    return;  // our own save, or nothing new
                }
                pull();
            });
    connect(stream_, &EventStream::liveChanged, this, [this](bool live) {
        if (live) {
            poll_.stop();
            pull();  // whatever happened while the stream was down
        }
        emit statusChanged();
    });
    connect(stream_, &EventStream::unavailable, this, [this] {
        if (session_) {
            poll_.start();
        }
    });
    connect(stream_, &EventStream::unauthorized, this, [this] {
        refreshToken([this](std::optional<ApiFailure> failure) {
            if (!failure && session_) {
                stream_->start(store_->lastSyncedVersion());
            }
        });
    });
    connect(tokens_, &TokenStore::availabilityChanged, this, [this] { emit statusChanged(); });
}

SyncEngine::~SyncEngine() {
    for (const auto& waiter : waiters_) {
        waiter->timer.stop();
    }
}

int SyncEngine::settingMs(const char* key, int fallback) const {
    bool ok = false;
    const int value = store_->setting(QString::fromLatin1(key), fallback).toInt(&ok);
    return ok && value >= 0 ? value : fallback;
}

// --- status -------------------------------------------------------------------------------------

SyncStatus SyncEngine::status() const {
    SyncStatus status;
    status.state = state_;
    status.pending = store_->hasLocalChanges() ? std::max(1, store_->pendingEdits()) : 0;
    status.lastSyncedVersion = store_->lastSyncedVersion();
    status.lastSyncedAt = store_->lastSyncedAt();
    status.lastError = lastError_;
    status.keychain = tokens_->statusText().isEmpty()
                          ? QStringLiteral("unknown (not used yet in this session)")
                          : tokens_->statusText();
    const StoreScope& scope = store_->scope();
    if (session_) {
        status.user = session_->userName;
        status.server = session_->server.toString();
        status.workspace = session_->workspaceId;
    } else if (!scope.isLocal()) {
        status.server = scope.server;
        status.workspace = scope.workspaceId;
    }
    status.liveStream = stream_->isLive();
    return status;
}

void SyncEngine::setState(SyncState) {
    // The state follows from the facts (session, decision, offline, requests in flight, local
    // changes); callers only say "something changed".
    SyncState next = SyncState::Idle;
    if (!session_) {
        next = SyncState::SignedOut;
    } else if (decisionOpen_) {
        next = SyncState::NeedsDecision;
    } else if (offline_) {
        next = SyncState::Offline;
    } else if (saving_ || pulling_) {
        next = SyncState::Syncing;
    } else if (store_->hasLocalChanges()) {
        next = SyncState::Pending;
    }
    state_ = next;
    emit statusChanged();
    checkWaiters();
}

void SyncEngine::setError(const QString& error) {
    lastError_ = error;
    emit statusChanged();
}

// --- start, sign-in, sign-out -------------------------------------------------------------------

void SyncEngine::start() {
    if (!store_->loadProblem().isEmpty()) {
        lastError_ = store_->loadProblem();
    }
    const StoreScope scope = store_->scope();
    if (scope.isLocal()) {
        setState(SyncState::SignedOut);
        return;
    }
    const QUrl server(scope.server);
    const bool allowHttp =
        store_->setting(QStringLiteral("session/allowPlainHttp"), false).toBool();
    const QString refusal = api_->setServer(server, allowHttp);
    if (!refusal.isEmpty()) {
        setError(refusal);
        setState(SyncState::SignedOut);
        return;
    }
    api_->setWorkspace(scope.workspaceId);
    setState(SyncState::SignedOut);
    QPointer<SyncEngine> self(this);
    tokens_->readRefreshToken(
        scope.server, scope.userName,
        [self, scope, server, allowHttp](std::optional<QString> token, QString error) {
            if (!self) {
                return;
            }
            if (!token || token->isEmpty()) {
                self->setError(error.isEmpty()
                                   ? QStringLiteral("Sign in to sync (no saved sign-in on this "
                                                    "computer).")
                                   : QStringLiteral("The saved sign-in could not be read from "
                                                    "the keychain: ") +
                                         error);
                self->setState(SyncState::SignedOut);
                return;
            }
            auto session = std::make_unique<Session>();
            session->server = server;
            session->allowPlainHttp = allowHttp;
            session->remember = true;
            session->userId = scope.userId;
            session->userName = scope.userName;
            session->workspaceId = scope.workspaceId;
            session->refreshToken = *token;
            self->session_ = std::move(session);
            self->inStep_ = false;
            self->setState(SyncState::Syncing);
            self->refreshToken([self](std::optional<ApiFailure> failure) {
                if (!self || !self->session_) {
                    return;
                }
                if (failure) {
                    return;  // handled: offline (retried) or signed out
                }
                emit self->signedIn();
                self->restore();
                self->startStream();
            });
        });
}

void SyncEngine::signIn(const QUrl& server, const QString& user, const QString& password,
                        bool remember, bool allowPlainHttp, Done done) {
    lastSignInFailure_.reset();
    const QString refusal = api_->setServer(server, allowPlainHttp);
    if (!refusal.isEmpty()) {
        const bool plainHttp =
            server.scheme().compare(QStringLiteral("http"), Qt::CaseInsensitive) == 0 &&
            !server.host().isEmpty();
        lastSignInFailure_ =
            ApiFailure{plainHttp ? ApiFailure::Kind::InsecureRefused : ApiFailure::Kind::BadRequest,
                       0,
                       refusal,
                       {}};
        done(false, refusal);
        return;
    }
    QPointer<SyncEngine> self(this);
    api_->login(
        user, password,
        [self, server, remember, allowPlainHttp, done](ApiResult<protocol::LoginResponse> result) {
            if (!self) {
                return;
            }
            if (auto* failure = std::get_if<ApiFailure>(&result)) {
                self->lastSignInFailure_ = *failure;
                done(false, loginFailureText(*failure));
                return;
            }
            auto login = std::get<protocol::LoginResponse>(std::move(result));
            const QString serverText = self->api_->server().toString();
            const QString userName = QString::fromStdString(login.user.username);
            self->tokens_->writeRefreshToken(
                serverText, userName, QString::fromStdString(login.refreshToken), remember,
                [self, login, server, remember, allowPlainHttp, done](bool, QString) {
                    if (!self) {
                        return;
                    }
                    self->stopStream();
                    auto session = std::make_unique<Session>();
                    session->server = self->api_->server();
                    session->allowPlainHttp = allowPlainHttp;
                    session->remember = remember;
                    session->userId = QString::fromStdString(login.user.id);
                    session->userName = QString::fromStdString(login.user.username);
                    session->refreshToken = QString::fromStdString(login.refreshToken);
                    // The workspace used last time by this user on this server, else the first
                    // (the personal one).
                    const StoreScope previous = self->store_->scope();
                    QString workspace = login.workspaces.empty()
                                            ? QString()
                                            : QString::fromStdString(login.workspaces.front().id);
                    for (const auto& candidate : login.workspaces) {
                        if (previous.server == session->server.toString() &&
                            previous.userId == session->userId &&
                            QString::fromStdString(candidate.id) == previous.workspaceId) {
                            workspace = previous.workspaceId;
                        }
                    }
                    session->workspaceId = workspace;
                    self->session_ = std::move(session);
                    self->inStep_ = false;
                    self->api_->setAccessToken(QString::fromStdString(login.accessToken));
                    self->openSession(
                        StoreScope{self->session_->server.toString(), self->session_->userId,
                                   self->session_->userName, workspace},
                        &login);
                    self->setError({});
                    emit self->signedIn();
                    self->restore();
                    self->startStream();
                    done(true, QStringLiteral("Signed in as %1.").arg(self->session_->userName));
                });
        });
}

void SyncEngine::openSession(const StoreScope& scope, const protocol::LoginResponse*) {
    // A document made before any sign-in moves into the account (merged, nothing lost), and
    // the anonymous scope is emptied so it is not merged into a second account later.
    std::optional<Document> anonymous;
    if (store_->scope().isLocal() && store_->document().widgetCount() > 0) {
        anonymous = store_->document();
        store_->takeSnapshot(QStringLiteral("before moving this computer's dashboard into the "
                                            "account of %1")
                                 .arg(scope.userName));
        store_->applyRemote(emptyDocument(), QStringLiteral("moved into an account"));
    }
    if (!(store_->scope() == scope)) {
        store_->openScope(scope);
    }
    firstSignInPending_ = anonymous.has_value() && askAtFirstSignIn_;
    if (anonymous) {
        auto merged = mergeDocuments(emptyDocument(), store_->document(), *anonymous);
        store_->commitEdit(std::move(merged.document),
                           QStringLiteral("Dashboard made before signing in"));
    }
    api_->setWorkspace(scope.workspaceId);
    persistSession();
}

void SyncEngine::persistSession() {
    if (!session_) {
        return;
    }
    store_->setSetting(QStringLiteral("session/allowPlainHttp"), session_->allowPlainHttp);
}

void SyncEngine::signOut(Done done) {
    if (!session_) {
        done(true, QStringLiteral("Not signed in."));
        return;
    }
    const QString server = session_->server.toString();
    const QString user = session_->userName;
    QPointer<SyncEngine> self(this);
    // Forget the sign-in on this computer only once the server has revoked it (best effort),
    // and report only once the keychain entry is gone: a process may quit right after.
    auto finish = [self, server, user, done] {
        if (!self) {
            return;
        }
        self->tokens_->removeRefreshToken(server, user, [self, done](bool ok, QString error) {
            if (!self) {
                return;
            }
            self->becomeSignedOut(QStringLiteral("Signed out."));
            done(true, ok ? QStringLiteral("Signed out; this computer keeps its dashboard.")
                          : QStringLiteral("Signed out; the saved sign-in could not be removed "
                                           "from the keychain: ") +
                                error);
        });
    };
    auto logout = [self, finish] {
        if (!self || !self->session_) {
            finish();
            return;
        }
        self->api_->logout([finish](ApiResult<protocol::SuccessResponse>) { finish(); });
    };
    if (api_->accessToken().isEmpty()) {
        // Still signing in (e.g. a fresh process): get an access token to revoke the login.
        refreshToken([logout](std::optional<ApiFailure>) { logout(); });
        return;
    }
    logout();
}

void SyncEngine::becomeSignedOut(const QString& why) {
    stopStream();
    poll_.stop();
    retry_.stop();
    session_.reset();
    inStep_ = false;
    api_->setAccessToken({});
    saving_ = false;
    pulling_ = false;
    decisionOpen_ = false;
    setError(why);
    setState(SyncState::SignedOut);
    emit signedOut(why);
}

// --- tokens -------------------------------------------------------------------------------------

void SyncEngine::refreshToken(std::function<void(std::optional<ApiFailure>)> then) {
    if (!session_) {
        then(ApiFailure{
            ApiFailure::Kind::InvalidRefreshToken, 0, QStringLiteral("Not signed in."), {}});
        return;
    }
    session_->refreshWaiters.push_back(std::move(then));
    if (session_->refreshing) {
        return;
    }
    session_->refreshing = true;
    session_->refreshAttempts = 0;
    sendRefresh();
}

void SyncEngine::sendRefresh() {
    QPointer<SyncEngine> self(this);
    api_->refresh(session_->refreshToken, [self](ApiResult<protocol::RefreshResponse> result) {
        if (!self || !self->session_) {
            return;
        }
        if (const auto* failure = std::get_if<ApiFailure>(&result);
            failure && failure->kind == ApiFailure::Kind::Offline &&
            ++self->session_->refreshAttempts < kRefreshAttempts) {
            // The server may have rotated the token and lost the answer: the same token is
            // accepted again only within the server's grace window (10 s by default), and a
            // later retry would count as reuse and revoke the login. So retry at once, briefly.
            QTimer::singleShot(kRefreshRetryMs, self, [self] {
                if (self && self->session_ && self->session_->refreshing) {
                    self->sendRefresh();
                }
            });
            return;
        }
        auto finish = [self](std::optional<ApiFailure> failure) {
            if (!self || !self->session_) {
                return;
            }
            self->session_->refreshing = false;
            auto waiters = std::move(self->session_->refreshWaiters);
            self->session_->refreshWaiters.clear();
            if (failure) {
                if (failure->kind == ApiFailure::Kind::InvalidRefreshToken ||
                    failure->kind == ApiFailure::Kind::Unauthorized) {
                    self->becomeSignedOut(
                        QStringLiteral("Your sign-in has expired or was "
                                       "revoked: sign in again. Every change "
                                       "stays on this computer and syncs then."));
                } else {
                    self->goOffline(failure->message);
                }
            }
            for (auto& waiter : waiters) {
                waiter(failure);
            }
        };
        if (auto* failure = std::get_if<ApiFailure>(&result)) {
            finish(*failure);
            return;
        }
        auto tokens = std::get<protocol::RefreshResponse>(std::move(result));
        const QString refresh = QString::fromStdString(tokens.refreshToken);
        // Rotation: the new refresh token replaces the old in the keychain before it is used.
        self->tokens_->writeRefreshToken(
            self->session_->server.toString(), self->session_->userName, refresh,
            self->session_->remember,
            [self, refresh, access = QString::fromStdString(tokens.accessToken), finish](bool,
                                                                                         QString) {
                if (!self || !self->session_) {
                    return;
                }
                self->session_->refreshToken = refresh;
                self->api_->setAccessToken(access);
                self->offline_ = false;
                finish(std::nullopt);
            });
    });
}

// --- failures and retries -----------------------------------------------------------------------

void SyncEngine::handleFailure(const ApiFailure& failure, std::function<void()> retry) {
    using Kind = ApiFailure::Kind;
    switch (failure.kind) {
        case Kind::Unauthorized: {
            QPointer<SyncEngine> self(this);
            refreshToken([self, retry](std::optional<ApiFailure> refreshFailure) {
                if (self && !refreshFailure && self->session_) {
                    retry();
                }
            });
            return;
        }
        case Kind::InvalidRefreshToken:
            becomeSignedOut(failure.message);
            return;
        case Kind::Offline:
            goOffline(failure.message);
            return;
        default:
            // Not something a retry soon would fix (too large, refused, a bad answer): say so,
            // keep everything, and try again at the slowest pace.
            setError(failure.message);
            backoffStep_ = 16;
            retry_.start(kBackoffMaxMs);
            offline_ = false;
            setState(state_);
            return;
    }
}

void SyncEngine::goOffline(const QString& why) {
    setError(why);
    static thread_local std::mt19937 random{std::random_device{}()};
    const int ceiling = std::min(kBackoffMaxMs, kBackoffMinMs << std::min(backoffStep_, 6));
    std::uniform_int_distribution<int> jitter(std::max(kBackoffMinMs, ceiling / 2), ceiling);
    ++backoffStep_;
    retry_.start(jitter(random));
    offline_ = true;
    setState(SyncState::Offline);
}

void SyncEngine::retryNow() {
    retry_.stop();
    if (!session_) {
        return;
    }
    if (api_->accessToken().isEmpty()) {
        QPointer<SyncEngine> self(this);
        refreshToken([self](std::optional<ApiFailure> failure) {
            if (self && !failure && self->session_) {
                emit self->signedIn();
                self->restore();
                self->startStream();
            }
        });
        return;
    }
    pull();  // resolves a save in flight, brings news, and pushes what is pending
    if (!stream_->isLive()) {
        startStream();
    }
}

// --- saving -------------------------------------------------------------------------------------

void SyncEngine::scheduleSave() {
    debounce_.start(settingMs("sync/debounceMs", kDebounceMs));
    if (!maxWait_.isActive()) {
        maxWait_.start(settingMs("sync/maxWaitMs", kMaxWaitMs));
    }
}

void SyncEngine::syncNow() {
    debounce_.stop();
    maxWait_.stop();
    if (!session_ || offline_) {
        setState(state_);
        return;
    }
    startSave();
}

void SyncEngine::startSave() {
    if (!session_ || saving_ || pulling_ || decisionOpen_ || api_->accessToken().isEmpty()) {
        return;
    }
    if (!store_->hasLocalChanges()) {
        setState(SyncState::Idle);
        return;
    }
    const Document document = store_->document();
    protocol::SaveStateRequest request;
    request.version = store_->lastSyncedVersion() + 1;
    request.state = toJson(document);
    const std::string checksum = protocol::stateChecksum(request.state);
    request.checksum = checksum;
    if (const auto inFlight = store_->saveInFlight();
        inFlight && (inFlight->version != request.version || inFlight->checksum != checksum)) {
        // An earlier save's answer was lost: find out from the server what became of it before
        // proposing anything else, so it never conflicts with itself.
        pull();
        return;
    }
    store_->setSaveInFlight(SaveInFlight{request.version, checksum});
    saving_ = true;
    setState(SyncState::Syncing);
    const int covered = store_->pendingEdits();
    QPointer<SyncEngine> self(this);
    api_->saveState(
        request, [self, request, document, covered](ApiResult<protocol::SaveStateResponse> result) {
            if (self) {
                self->onSaved(request, document, covered, result);
            }
        });
}

void SyncEngine::onSaved(const protocol::SaveStateRequest& sent, const Document& sentDocument,
                         int editsCovered, const ApiResult<protocol::SaveStateResponse>& result) {
    saving_ = false;
    if (!session_) {
        return;
    }
    if (const auto* failure = std::get_if<ApiFailure>(&result)) {
        // The save in flight stays recorded: the next read tells whether it was applied.
        QPointer<SyncEngine> self(this);
        handleFailure(*failure, [self] {
            if (self) {
                self->startSave();
            }
        });
        return;
    }
    const auto& answer = std::get<protocol::SaveStateResponse>(result);
    inStep_ = true;
    offline_ = false;
    backoffStep_ = 0;
    retry_.stop();
    if (answer.success) {
        store_->markSynced(answer.serverVersion, sentDocument, editsCovered);
        setError({});
    } else if (!answer.serverCopy || !answer.serverCopy->state) {
        // Another client deleted the server's copy: this computer's document is pushed again as
        // the next version; a server-side delete never wipes the machines.
        store_->setSaveInFlight(std::nullopt);
        store_->setLastSyncedVersion(answer.serverVersion);
        store_->markPending();
    } else {
        integrateServerCopy(answer.serverVersion, *answer.serverCopy->state, true);
    }
    Q_UNUSED(sent);
    if (pullAgain_) {
        pullAgain_ = false;
        pull();
    } else if (store_->hasLocalChanges() && !debounce_.isActive()) {
        startSave();
    }
    setState(SyncState::Idle);
}

// --- reading ------------------------------------------------------------------------------------

void SyncEngine::restore() {
    pull();
}

void SyncEngine::pull() {
    if (!session_ || api_->accessToken().isEmpty() || decisionOpen_) {
        return;
    }
    if (saving_ || pulling_) {
        pullAgain_ = true;
        return;
    }
    pulling_ = true;
    setState(SyncState::Syncing);
    const std::int64_t known = store_->lastSyncedVersion();
    QPointer<SyncEngine> self(this);
    api_->getState(known > 0 ? std::optional<std::int64_t>(known) : std::nullopt,
                   [self](ApiResult<StateRead> result) {
                       if (self) {
                           self->onPulled(result);
                       }
                   });
}

void SyncEngine::onPulled(const ApiResult<StateRead>& result) {
    pulling_ = false;
    if (!session_) {
        return;
    }
    if (const auto* failure = std::get_if<ApiFailure>(&result)) {
        QPointer<SyncEngine> self(this);
        handleFailure(*failure, [self] {
            if (self) {
                self->pull();
            }
        });
        return;
    }
    inStep_ = true;
    offline_ = false;
    backoffStep_ = 0;
    retry_.stop();
    setError({});
    const auto& read = std::get<StateRead>(result);
    if (std::holds_alternative<StateNotModified>(read)) {
        // The server still holds our last synced version: a save in flight was not applied.
        store_->setSaveInFlight(std::nullopt);
    } else if (std::holds_alternative<StateMissing>(read)) {
        // Nothing on the server (never saved, or deleted): this computer's copy goes up.
        store_->setSaveInFlight(std::nullopt);
        firstSignInPending_ = false;
        if (store_->lastSyncedVersion() > 0 || store_->document().widgetCount() > 0) {
            store_->markPending();
        }
    } else {
        const auto& copy = std::get<protocol::GetStateResponse>(read);
        integrateServerCopy(copy.version, copy.state, false);
    }
    if (pullAgain_) {
        pullAgain_ = false;
        pull();
        return;
    }
    if (store_->hasLocalChanges() && !debounce_.isActive()) {
        startSave();
    }
    setState(SyncState::Idle);
}

void SyncEngine::integrateServerCopy(std::int64_t version, const nlohmann::json& state,
                                     bool fromConflict) {
    const std::string checksum = protocol::stateChecksum(state);
    auto parsed = documentFromJson(state);
    if (const auto inFlight = store_->saveInFlight()) {
        if (inFlight->version == version && inFlight->checksum == checksum && parsed) {
            // Our own save, whose answer was lost: accepted.
            store_->markSynced(version, parsed.value(), 0);
            return;
        }
        store_->setSaveInFlight(std::nullopt);
    }
    if (!fromConflict && version <= store_->lastSyncedVersion()) {
        return;
    }
    if (!parsed) {
        // Not a Deskboard document (another kind of client wrote it): keep ours and push it as
        // the next version; the server's history still holds what was there.
        setError(QStringLiteral("The server's copy (version %1) is not a Deskboard dashboard (%2); "
                                "this computer's dashboard replaces it. The server's history "
                                "keeps the old copy.")
                     .arg(version)
                     .arg(QString::fromStdString(parsed.error().message)));
        store_->setLastSyncedVersion(version);
        store_->markPending();
        return;
    }
    const Document server = std::move(parsed).value();
    const Document local = store_->document();

    if (firstSignInPending_) {
        firstSignInPending_ = false;
        if (store_->hasLocalChanges() && local.widgetCount() > 0 && server.widgetCount() > 0 &&
            !decisionOpen_) {
            decisionOpen_ = true;
            decisionServerState_ = state;
            decisionServerVersion_ = version;
            setState(SyncState::NeedsDecision);
            emit needsDecision(
                QStringLiteral("This computer already has a dashboard (%1 widgets), and your "
                               "account has one on the server (%2 widgets). Merge them, use the "
                               "server's, or keep this computer's?")
                    .arg(local.widgetCount())
                    .arg(server.widgetCount()));
            return;
        }
    }

    const int staleDays = settingMs("sync/staleDays", kStaleDays);
    const QDateTime lastSynced = store_->lastSyncedAt();
    if (store_->hasLocalChanges() && lastSynced.isValid() &&
        lastSynced.daysTo(QDateTime::currentDateTimeUtc()) > staleDays && !decisionOpen_) {
        decisionOpen_ = true;
        decisionServerState_ = state;
        decisionServerVersion_ = version;
        setState(SyncState::NeedsDecision);
        emit needsDecision(
            QStringLiteral("This computer last synced %1 days ago and has changes of its own. "
                           "Merge them with the server's dashboard, use the server's, or keep "
                           "this computer's?")
                .arg(lastSynced.daysTo(QDateTime::currentDateTimeUtc())));
        return;
    }

    if (!store_->hasLocalChanges()) {
        const auto [removed, emptied] = removalsBetween(local, server);
        store_->applyRemote(
            server, QStringLiteral("before applying version %1 from the server").arg(version));
        store_->markSynced(version, server, 0);
        emit remoteApplied(removed, removed >= kMassRemovalWidgets || emptied, false);
        return;
    }
    MergeResult merged = mergeDocuments(store_->base(), local, server);
    const auto [removed, emptied] = removalsBetween(local, merged.document);
    const bool sameAsServer = merged.document == server;
    store_->applyRemote(std::move(merged.document),
                        QStringLiteral("before merging version %1 from the server").arg(version));
    store_->markSynced(version, server, sameAsServer ? store_->pendingEdits() : 0);
    emit remoteApplied(removed, removed >= kMassRemovalWidgets || emptied, true);
}

void SyncEngine::resolveDecision(Decision decision) {
    if (!decisionOpen_ || !decisionServerState_) {
        return;
    }
    decisionOpen_ = false;
    const nlohmann::json state = *decisionServerState_;
    const std::int64_t version = decisionServerVersion_;
    decisionServerState_.reset();
    auto parsed = documentFromJson(state);
    if (!parsed) {
        setState(SyncState::Pending);
        return;
    }
    const Document server = std::move(parsed).value();
    switch (decision) {
        case Decision::Merge: {
            MergeResult merged = mergeDocuments(store_->base(), store_->document(), server);
            store_->applyRemote(std::move(merged.document),
                                QStringLiteral("before merging version %1").arg(version));
            store_->markSynced(version, server, 0);
            break;
        }
        case Decision::UseServer:
            store_->applyRemote(
                server, QStringLiteral("before using the server's version %1").arg(version));
            store_->markSynced(version, server, store_->pendingEdits());
            break;
        case Decision::KeepLocal:
            store_->markSynced(version, server, 0);
            store_->markPending();
            break;
    }
    setState(SyncState::Pending);
    startSave();
}

// --- live updates -------------------------------------------------------------------------------

void SyncEngine::startStream() {
    if (session_) {
        stream_->start(store_->lastSyncedVersion());
    }
}

void SyncEngine::stopStream() {
    stream_->stop();
    poll_.stop();
}

// --- waiting for sync ---------------------------------------------------------------------------

void SyncEngine::whenSynced(int timeoutMs, Done done) {
    auto waiter = std::make_shared<Waiter>();
    waiter->done = std::move(done);
    waiter->timer.setSingleShot(true);
    QPointer<SyncEngine> self(this);
    std::weak_ptr<Waiter> weak = waiter;
    connect(&waiter->timer, &QTimer::timeout, this, [self, weak] {
        auto waiter = weak.lock();
        if (!self || !waiter) {
            return;
        }
        std::erase(self->waiters_, waiter);
        const SyncStatus status = self->status();
        waiter->done(
            false, QStringLiteral("Timed out: %1 (%2 pending)%3")
                       .arg(status.summary())
                       .arg(status.pending)
                       .arg(status.lastError.isEmpty() ? QString()
                                                       : QStringLiteral("; ") + status.lastError));
    });
    waiter->timer.start(timeoutMs);
    waiters_.push_back(waiter);
    if (state_ == SyncState::Offline) {
        retryNow();
    } else {
        syncNow();
    }
    checkWaiters();
}

void SyncEngine::checkWaiters() {
    if (waiters_.empty()) {
        return;
    }
    std::optional<std::pair<bool, QString>> outcome;
    if (!session_) {
        outcome = {false, lastError_.isEmpty()
                              ? QStringLiteral("Signed out: sign in first (deskboard ctl login).")
                              : QStringLiteral("Signed out: ") + lastError_};
    } else if (state_ == SyncState::Idle && !store_->hasLocalChanges() && !store_->saveInFlight() &&
               inStep_) {
        outcome = {true, QStringLiteral("Synced: the server holds version %1.")
                             .arg(store_->lastSyncedVersion())};
    } else if (state_ == SyncState::NeedsDecision) {
        outcome = {false, QStringLiteral("Waiting for a decision (merge / use the server's / keep "
                                         "this computer's).")};
    }
    if (!outcome) {
        return;
    }
    auto waiters = std::move(waiters_);
    waiters_.clear();
    for (const auto& waiter : waiters) {
        waiter->timer.stop();
        waiter->done(outcome->first, outcome->second);
    }
}

// --- workspaces and history ---------------------------------------------------------------------

void SyncEngine::listWorkspaces(std::function<void(ApiResult<protocol::WorkspaceList>)> done) {
    withFreshToken([this, done] { api_->listWorkspaces(done); });
}

void SyncEngine::createWorkspace(const QString& name,
                                 std::function<void(ApiResult<protocol::WorkspaceInfo>)> done) {
    withFreshToken([this, name, done] { api_->createWorkspace(name, done); });
}

void SyncEngine::withFreshToken(std::function<void()> then) {
    if (session_ && api_->accessToken().isEmpty()) {
        refreshToken([then](std::optional<ApiFailure>) { then(); });
        return;
    }
    then();
}

void SyncEngine::useWorkspace(const QString& workspaceId, Done done) {
    if (!session_) {
        done(false, QStringLiteral("Sign in first."));
        return;
    }
    QPointer<SyncEngine> self(this);
    listWorkspaces([self, workspaceId, done](ApiResult<protocol::WorkspaceList> result) {
        if (!self || !self->session_) {
            return;
        }
        if (auto* failure = std::get_if<ApiFailure>(&result)) {
            done(false, failure->message);
            return;
        }
        bool member = false;
        for (const auto& workspace : std::get<protocol::WorkspaceList>(result).workspaces) {
            member = member || QString::fromStdString(workspace.id) == workspaceId;
        }
        if (!member) {
            done(false, QStringLiteral("No workspace with id %1 for this account (see ctl "
                                       "workspace list).")
                            .arg(workspaceId));
            return;
        }
        self->stopStream();
        self->inStep_ = false;
        self->session_->workspaceId = workspaceId;
        self->store_->openScope(StoreScope{self->session_->server.toString(),
                                           self->session_->userId, self->session_->userName,
                                           workspaceId});
        self->api_->setWorkspace(workspaceId);
        self->restore();
        self->startStream();
        done(true, QStringLiteral("Workspace %1 is open.").arg(workspaceId));
    });
}

void SyncEngine::history(std::function<void(ApiResult<protocol::HistoryResponse>)> done) {
    withFreshToken([this, done] { api_->history(done); });
}

void SyncEngine::historyVersion(std::int64_t version,
                                std::function<void(ApiResult<protocol::GetStateResponse>)> done) {
    withFreshToken([this, version, done] { api_->historyVersion(version, done); });
}

void SyncEngine::restoreVersion(std::int64_t version, Done done) {
    QPointer<SyncEngine> self(this);
    withFreshToken([self, version, done] {
        if (!self) {
            return;
        }
        self->api_->historyVersion(version, [self, version,
                                             done](ApiResult<protocol::GetStateResponse> result) {
            if (!self) {
                return;
            }
            if (auto* failure = std::get_if<ApiFailure>(&result)) {
                done(false, failure->kind == ApiFailure::Kind::NotFound
                                ? QStringLiteral("The server has no version %1 in its history.")
                                      .arg(version)
                                : failure->message);
                return;
            }
            auto document = documentFromJson(std::get<protocol::GetStateResponse>(result).state);
            if (!document) {
                done(false, QStringLiteral("Version %1 is not a Deskboard dashboard: %2")
                                .arg(version)
                                .arg(QString::fromStdString(document.error().message)));
                return;
            }
            self->store_->commitEdit(std::move(document).value(),
                                     QStringLiteral("Restore version %1").arg(version));
            self->syncNow();
            done(true,
                 QStringLiteral("Restored version %1 (saved as a new version).").arg(version));
        });
    });
}

bool SyncEngine::restoreSnapshot(int index) {
    auto document = store_->snapshotDocument(index);
    if (!document) {
        return false;
    }
    store_->commitEdit(std::move(*document), QStringLiteral("Restore snapshot %1").arg(index));
    return true;
}

}  // namespace deskboard::sync
