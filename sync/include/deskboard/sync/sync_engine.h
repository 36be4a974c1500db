// The sync engine (PRODUCT.md section 3, "Store and sync"): keeps the store's document and the
// server's copy of the open scope in agreement, without ever making the caller wait.
//   - Debounced saves (sync/debounceMs, sync/maxWaitMs) proposing lastSyncedVersion + 1, a
//     compare-and-set; a 409 is merged three ways (merge.h) and the merge pushed.
//   - Live updates from the event stream (event_stream.h); polling when no stream holds.
//   - Offline: exponential backoff with jitter (1 s to 60 s), and at once when the network is
//     back. 401: one token refresh, then SignedOut with every local edit kept.
//   - Sign-in, restore after sign-in and at start (tokens from token_store.h), workspaces,
//     history and restores, with the safety nets (snapshots, mass-removal notice, stale device).
// Views bind to status() and the signals; nothing here knows about widgets.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>

#include <QDateTime>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QTimer>

#include <deskboard/protocol/auth_messages.h>
#include <deskboard/sync/api_client.h>
#include <deskboard/sync/dashboard_store.h>
#include <deskboard/sync/token_store.h>

namespace deskboard::sync {

class EventStream;
class NetworkWatch;

enum class SyncState { Idle, Pending, Syncing, Offline, SignedOut, NeedsDecision };
QString syncStateName(SyncState state);  // "idle", "pending", ... (ctl status)

struct SyncStatus {
    SyncState state = SyncState::SignedOut;
    int pending = 0;
    std::int64_t lastSyncedVersion = 0;
    QDateTime lastSyncedAt;
    QString lastError;  // in words; empty when the last attempt worked
    QString user;       // user name; empty when signed out
    QString server;
    QString workspace;  // id
    QString keychain;   // "ok" or why not
    bool liveStream = false;
    // In words, for a status bar: "Synced", "Offline — saved on this computer (3 pending)", ...
    QString summary() const;
};

// What to do when the choice is the person's (first sign-in on a computer with a dashboard,
// or a device offline longer than sync/staleDays).
enum class Decision { Merge, UseServer, KeepLocal };

class SyncEngine : public QObject {
    Q_OBJECT

  public:
    SyncEngine(DashboardStore* store, TokenStore* tokens, QObject* parent = nullptr);
    ~SyncEngine() override;

    // Starts: with a remembered sign-in in the open scope, reads the refresh token and restores;
    // otherwise stays SignedOut (local-only). Never waits.
    void start();

    SyncStatus status() const;
    SyncState state() const { return state_; }

    using Done = std::function<void(bool ok, QString message)>;
    // Signs in; the anonymous document (when it has widgets) is merged into the account's.
    void signIn(const QUrl& server, const QString& user, const QString& password, bool remember,
                bool allowPlainHttp, Done done);
    // Revokes the login on the server (best effort), forgets the tokens, keeps the document.
    void signOut(Done done);

    // Saves now if anything is pending (skips the debounce).
    void syncNow();
    // Calls `done(true)` once nothing is pending and the server holds this device's last save,
    // or done(false, reason) at `timeoutMs` or when that cannot happen (signed out).
    void whenSynced(int timeoutMs, Done done);

    // The person's answer to needsDecision().
    void resolveDecision(Decision decision);
    // With a person to ask (the window), signing in on a computer whose dashboard has widgets,
    // to an account whose server copy has widgets too, asks (needsDecision) instead of merging
    // at once. Off by default: scripts and the headless engine merge, which loses nothing.
    void setAskAtFirstSignIn(bool ask) { askAtFirstSignIn_ = ask; }

    // Workspaces of the signed-in user.
    void listWorkspaces(std::function<void(ApiResult<protocol::WorkspaceList>)> done);
    void createWorkspace(const QString& name,
                         std::function<void(ApiResult<protocol::WorkspaceInfo>)> done);
    // Opens another workspace: its own store scope and event stream.
    void useWorkspace(const QString& workspaceId, Done done);

    void history(std::function<void(ApiResult<protocol::HistoryResponse>)> done);
    // The state of server version `version` (to preview it before restoreVersion).
    void historyVersion(std::int64_t version,
                        std::function<void(ApiResult<protocol::GetStateResponse>)> done);
    // Makes server version `version` the document again, as a new version (an edit).
    void restoreVersion(std::int64_t version, Done done);
    // Makes local snapshot `index` the document again (an edit).
    bool restoreSnapshot(int index);

    ApiClient* api() { return api_; }
    // The keychain side (availability), for views that explain "remember me".
    const TokenStore* tokens() const { return tokens_; }
    // Why the last signIn() failed, sorted (wrong password, offline, TLS...), so a view can word
    // it; nothing once a sign-in succeeded. A refused address is InsecureRefused (plain HTTP to
    // a remote host) or BadRequest (not a server address).
    std::optional<ApiFailure> lastSignInFailure() const { return lastSignInFailure_; }

  signals:
    void statusChanged();
    // Sync replaced the document with the server's copy or a merge. `removedWidgets` is how many
    // of this computer's widgets vanished; massRemoval asks the view for an Undo notice
    // (restoreSnapshot(1) undoes it).
    void remoteApplied(int removedWidgets, bool massRemoval, bool merged);
    // The person must choose (resolveDecision). `why` in words.
    void needsDecision(const QString& why);
    void signedIn();
    void signedOut(const QString& why);

  private:
    struct Session;

    void setState(SyncState state);
    void setError(const QString& error);
    void scheduleSave();
    void startSave();
    void onSaved(const protocol::SaveStateRequest& sent, const Document& sentDocument,
                 int editsCovered, const ApiResult<protocol::SaveStateResponse>& result);
    void pull();
    void onPulled(const ApiResult<StateRead>& result);
    void integrateServerCopy(std::int64_t version, const nlohmann::json& state, bool fromConflict);
    void handleFailure(const ApiFailure& failure, std::function<void()> retry);
    void withFreshToken(std::function<void()> then);
    void refreshToken(std::function<void(std::optional<ApiFailure>)> then);
    void sendRefresh();
    void becomeSignedOut(const QString& why);
    void goOffline(const QString& why);
    void retryNow();
    void openSession(const StoreScope& scope, const protocol::LoginResponse* login);
    void startStream();
    void stopStream();
    void restore();
    void checkWaiters();
    void persistSession();
    int settingMs(const char* key, int fallback) const;

    DashboardStore* store_;
    TokenStore* tokens_;
    ApiClient* api_;
    EventStream* stream_ = nullptr;
    NetworkWatch* network_ = nullptr;
    QTimer debounce_;
    QTimer maxWait_;
    QTimer retry_;
    QTimer poll_;
    SyncState state_ = SyncState::SignedOut;
    QString lastError_;
    std::optional<ApiFailure> lastSignInFailure_;
    std::unique_ptr<Session> session_;
    bool saving_ = false;
    bool offline_ = false;
    // A read or save has completed since sign-in (or the last workspace switch).
    bool inStep_ = false;
    bool pulling_ = false;
    bool pullAgain_ = false;
    bool decisionOpen_ = false;
    bool askAtFirstSignIn_ = false;
    // Set by a sign-in that brought this computer's dashboard into the account, until the
    // server's copy has been seen.
    bool firstSignInPending_ = false;
    int backoffStep_ = 0;
    std::optional<nlohmann::json> decisionServerState_;
    std::int64_t decisionServerVersion_ = 0;
    struct Waiter;
    std::vector<std::shared_ptr<Waiter>> waiters_;
};

}  // namespace deskboard::sync
