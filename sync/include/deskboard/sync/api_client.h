// The state API of docs/api.md on QNetworkAccessManager: one method per endpoint, typed answers
// built from the protocol/ types the server writes with, a timeout per request, and failures
// sorted into what the sync engine must do about them (ApiFailure::Kind), with the server's
// message kept for display. Never blocks: every answer arrives through a callback, on the
// client's thread, and never after the client is destroyed.
// Security: TLS errors are failures, never ignored; plain HTTP to a host that is not loopback is
// refused unless allowPlainHttp was set for this client.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <variant>

#include <QNetworkAccessManager>
#include <QObject>
#include <QString>
#include <QUrl>

#include <deskboard/protocol/auth_messages.h>
#include <deskboard/protocol/history_messages.h>
#include <deskboard/protocol/messages.h>

class QNetworkReply;

namespace deskboard::sync {

struct ApiFailure {
    enum class Kind {
        Offline,              // no connection, DNS, refused, reset, timeout, 5xx, 503
        Unauthorized,         // 401 unauthorized: the access token is no good
        InvalidCredentials,   // 401 invalid_credentials
        InvalidRefreshToken,  // 401 invalid_refresh_token
        Forbidden,            // 403
        NotFound,             // 404
        TooLarge,             // 413
        RateLimited,          // 429 (retryAfterSeconds)
        BadRequest,           // other 4xx
        Tls,                  // certificate or handshake problem
        InsecureRefused,      // plain HTTP to a non-loopback host without permission
        BadAnswer,            // the server's answer did not parse
    };
    Kind kind = Kind::Offline;
    int httpStatus = 0;
    QString message;  // in words, for the status line
    std::optional<int> retryAfterSeconds;
};

QString describe(ApiFailure::Kind kind);

template <typename T>
using ApiResult = std::variant<T, ApiFailure>;

// GET /api/dashboard/state
struct StateNotModified {};
struct StateMissing {};
using StateRead = std::variant<protocol::GetStateResponse, StateNotModified, StateMissing>;

class ApiClient : public QObject {
    Q_OBJECT

  public:
    explicit ApiClient(QObject* parent = nullptr);

    // The server's base URL (scheme, host, port, optional path prefix). Returns the refusal in
    // words when the URL is not usable (not http/https, or plain HTTP to a remote host without
    // allowPlainHttp); empty on success.
    QString setServer(const QUrl& baseUrl, bool allowPlainHttp);
    QUrl server() const { return base_; }
    static bool isLoopbackHost(const QString& host);

    void setAccessToken(const QString& token) { accessToken_ = token; }
    QString accessToken() const { return accessToken_; }
    void setWorkspace(const QString& workspaceId) { workspaceId_ = workspaceId; }
    void setDeviceId(const QString& deviceId) { deviceId_ = deviceId; }
    void setTimeoutMs(int timeoutMs) { timeoutMs_ = timeoutMs; }

    void login(const QString& user, const QString& password,
               std::function<void(ApiResult<protocol::LoginResponse>)> done);
    void refresh(const QString& refreshToken,
                 std::function<void(ApiResult<protocol::RefreshResponse>)> done);
    void logout(std::function<void(ApiResult<protocol::SuccessResponse>)> done);
    void listWorkspaces(std::function<void(ApiResult<protocol::WorkspaceList>)> done);
    void createWorkspace(const QString& name,
                         std::function<void(ApiResult<protocol::WorkspaceInfo>)> done);

    // With `knownVersion`, sends If-None-Match and may get StateNotModified.
    void getState(std::optional<std::int64_t> knownVersion,
                  std::function<void(ApiResult<StateRead>)> done);
    // A 409 is an answer, not a failure: SaveStateResponse with success false and the server's
    // copy.
    void saveState(const protocol::SaveStateRequest& request,
                   std::function<void(ApiResult<protocol::SaveStateResponse>)> done);
    void deleteState(std::function<void(ApiResult<protocol::SuccessResponse>)> done);
    void history(std::function<void(ApiResult<protocol::HistoryResponse>)> done);
    void historyVersion(std::int64_t version,
                        std::function<void(ApiResult<protocol::GetStateResponse>)> done);

    // Opens GET /api/dashboard/state/events with no transfer timeout (the caller watches it);
    // the reply is a child of this client. Null when no server is set.
    QNetworkReply* openEventStream(std::optional<std::int64_t> lastEventId);
    // The failure a finished reply stands for (used by the event stream too).
    static ApiFailure failureOf(QNetworkReply* reply, const QByteArray& body);

    // Requests sent so far (for tests and status).
    int requestsSent() const { return requestsSent_; }

  private:
    QNetworkRequest request(const QString& path, bool withAuth) const;
    // Sends and calls `handle(status, body)` or `fail(failure)` once, whatever happens.
    void send(const QByteArray& verb, QNetworkRequest request, const QByteArray& body,
              std::function<void(int status, const QByteArray& body, QNetworkReply* reply)> handle,
              std::function<void(ApiFailure)> fail);

    QNetworkAccessManager network_;
    QUrl base_;
    QString accessToken_;
    QString workspaceId_;
    QString deviceId_;
    int timeoutMs_ = 15000;
    int requestsSent_ = 0;
};

}  // namespace deskboard::sync
