#include <algorithm>
#include <initializer_list>

#include <QHostAddress>
#include <QNetworkReply>
#include <QPointer>
#include <QSslError>
#include <QTimer>

#include <deskboard/protocol/history_messages.h>
#include <deskboard/protocol/json_parse.h>
#include <deskboard/sync/api_client.h>
#include <deskboard/sync/client_identity.h>

namespace deskboard::sync {

namespace {

// Answers may carry a whole state (up to the server's limit) and a history version.
const protocol::JsonLimits kAnswerLimits{16 * 1024 * 1024, protocol::kDefaultMaxJsonDepth + 8};

std::optional<nlohmann::json> parseBody(const QByteArray& body) {
    auto parsed =
        protocol::parseJson(std::string_view(body.constData(), body.size()), kAnswerLimits);
    if (!parsed) {
        return std::nullopt;
    }
    return std::move(parsed).value();
}

QByteArray jsonBytes(const nlohmann::json& json) {
    return QByteArray::fromStdString(json.dump());
}

// Reads a typed answer with `reader`, or a BadAnswer failure naming what was wrong.
template <typename T, typename Reader>
ApiResult<T> readAnswer(const QByteArray& body, Reader reader) {
    auto json = parseBody(body);
    if (!json) {
        return ApiFailure{ApiFailure::Kind::BadAnswer,
                          0,
                          QStringLiteral("The server's answer is not valid JSON."),
                          {}};
    }
    auto value = reader(*json);
    if (!value) {
        return ApiFailure{ApiFailure::Kind::BadAnswer,
                          0,
                          QStringLiteral("The server's answer was not understood: ") +
                              QString::fromStdString(value.error().message),
                          {}};
    }
    return std::move(value).value();
}

// The answer handler of an endpoint: a status in `expected` is read as T with `reader`, any
// other status becomes the failure it stands for.
template <typename T, typename Reader>
std::function<void(int, const QByteArray&, QNetworkReply*)> typedAnswer(
    std::initializer_list<int> expected, Reader reader, std::function<void(ApiResult<T>)> done) {
    return [statuses = std::vector<int>(expected), reader, done](int status, const QByteArray& body,
                                                                 QNetworkReply* reply) {
        if (std::find(statuses.begin(), statuses.end(), status) == statuses.end()) {
            done(ApiClient::failureOf(reply, body));
            return;
        }
        done(readAnswer<T>(body, reader));
    };
}

}  // namespace

QString describe(ApiFailure::Kind kind) {
    using Kind = ApiFailure::Kind;
    switch (kind) {
        case Kind::Offline:
            return QStringLiteral("offline");
        case Kind::Unauthorized:
            return QStringLiteral("unauthorized");
        case Kind::InvalidCredentials:
            return QStringLiteral("invalid_credentials");
        case Kind::InvalidRefreshToken:
            return QStringLiteral("invalid_refresh_token");
        case Kind::Forbidden:
            return QStringLiteral("forbidden");
        case Kind::NotFound:
            return QStringLiteral("not_found");
        case Kind::TooLarge:
            return QStringLiteral("too_large");
        case Kind::RateLimited:
            return QStringLiteral("rate_limited");
        case Kind::BadRequest:
            return QStringLiteral("bad_request");
        case Kind::Tls:
            return QStringLiteral("tls");
        case Kind::InsecureRefused:
            return QStringLiteral("insecure_refused");
        case Kind::BadAnswer:
            return QStringLiteral("bad_answer");
    }
    return QStringLiteral("unknown");
}

ApiClient::ApiClient(QObject* parent) : QObject(parent) {
    // Plain HTTP/1.1: our event stream and compare-and-set saves want one request per exchange,
    // and HTTP/2 over cleartext is not what the server speaks.
    network_.setRedirectPolicy(QNetworkRequest::NoLessSafeRedirectPolicy);
}

bool ApiClient::isLoopbackHost(const QString& host) {
    if (host.compare(QStringLiteral("localhost"), Qt::CaseInsensitive) == 0) {
        return true;
    }
    const QHostAddress address(host);
    return !address.isNull() && address.isLoopback();
}

QString ApiClient::setServer(const QUrl& baseUrl, bool allowPlainHttp) {
    if (!baseUrl.isValid() || baseUrl.host().isEmpty()) {
        return QStringLiteral("'%1' is not a server address (e.g. https://dash.example.org).")
            .arg(baseUrl.toString());
    }
    const QString scheme = baseUrl.scheme().toLower();
    if (scheme != QStringLiteral("https") && scheme != QStringLiteral("http")) {
        return QStringLiteral(
            "The server address must start with https:// (or http:// for a "
            "server on this computer).");
    }
    if (scheme == QStringLiteral("http") && !allowPlainHttp && !isLoopbackHost(baseUrl.host())) {
        return QStringLiteral(
                   "%1 is not on this computer, so Deskboard will only talk to it over HTTPS: "
                   "passwords and dashboards would cross the network unencrypted. Use "
                   "https://, or allow plain HTTP explicitly for this server.")
            .arg(baseUrl.host());
    }
    QUrl base =
        baseUrl.adjusted(QUrl::StripTrailingSlash | QUrl::RemoveQuery | QUrl::RemoveFragment);
    base_ = base;
    return {};
}

QNetworkRequest ApiClient::request(const QString& path, bool withAuth) const {
    QUrl url = base_;
    url.setPath(base_.path() + path);
    QNetworkRequest request(url);
    request.setHeader(QNetworkRequest::UserAgentHeader, userAgent());
    request.setRawHeader("Accept", "application/json");
    request.setAttribute(QNetworkRequest::Http2AllowedAttribute, false);
    request.setAttribute(QNetworkRequest::CacheLoadControlAttribute,
                         QNetworkRequest::AlwaysNetwork);
    if (withAuth && !accessToken_.isEmpty()) {
        request.setRawHeader("Authorization", "Bearer " + accessToken_.toLatin1());
    }
    if (withAuth && !workspaceId_.isEmpty()) {
        request.setRawHeader("X-Workspace-Id", workspaceId_.toLatin1());
    }
    return request;
}

ApiFailure ApiClient::failureOf(QNetworkReply* reply, const QByteArray& body) {
    using Kind = ApiFailure::Kind;
    ApiFailure failure;
    failure.httpStatus = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (failure.httpStatus == 0) {
        switch (reply->error()) {
            case QNetworkReply::SslHandshakeFailedError:
                failure.kind = Kind::Tls;
                failure.message =
                    QStringLiteral("The server's TLS certificate was not accepted: ") +
                    reply->errorString();
                break;
            case QNetworkReply::OperationCanceledError:
            case QNetworkReply::TimeoutError:
                failure.kind = Kind::Offline;
                failure.message = QStringLiteral("The server did not answer in time.");
                break;
            default:
                failure.kind = Kind::Offline;
                failure.message =
                    QStringLiteral("The server cannot be reached (%1).").arg(reply->errorString());
        }
        return failure;
    }
    // The server's own words, when it sent an error body.
    QString serverCode;
    if (auto json = parseBody(body); json && json->is_object()) {
        if (auto error = protocol::apiErrorFromJson(*json)) {
            failure.message = QString::fromStdString(error->message);
            serverCode = QString::fromStdString(std::string(protocol::errorName(error->code)));
        }
    }
    const int status = failure.httpStatus;
    if (status == 401) {
        failure.kind =
            serverCode == QStringLiteral("invalid_credentials")     ? Kind::InvalidCredentials
            : serverCode == QStringLiteral("invalid_refresh_token") ? Kind::InvalidRefreshToken
                                                                    : Kind::Unauthorized;
    } else if (status == 403) {
        failure.kind = Kind::Forbidden;
    } else if (status == 404) {
        failure.kind = Kind::NotFound;
    } else if (status == 413) {
        failure.kind = Kind::TooLarge;
    } else if (status == 429) {
        failure.kind = Kind::RateLimited;
        bool ok = false;
        const int seconds = reply->rawHeader("Retry-After").toInt(&ok);
        if (ok) {
            failure.retryAfterSeconds = seconds;
        }
    } else if (status >= 500) {
        failure.kind = Kind::Offline;
        if (failure.message.isEmpty()) {
            failure.message = QStringLiteral("The server had a problem (HTTP %1).").arg(status);
        } else {
            failure.message = QStringLiteral("The server had a problem: ") + failure.message;
        }
    } else {
        failure.kind = Kind::BadRequest;
    }
    if (failure.message.isEmpty()) {
        failure.message = QStringLiteral("The server answered HTTP %1.").arg(status);
    }
    return failure;
}

void ApiClient::send(const QByteArray& verb, QNetworkRequest request, const QByteArray& body,
                     std::function<void(int, const QByteArray&, QNetworkReply*)> handle,
                     std::function<void(ApiFailure)> fail) {
    if (base_.isEmpty()) {
        fail(ApiFailure{ApiFailure::Kind::Offline, 0, QStringLiteral("No server is set."), {}});
        return;
    }
    if (!body.isEmpty() || verb == "POST") {
        request.setHeader(QNetworkRequest::ContentTypeHeader,
                          QByteArrayLiteral("application/json"));
    }
    request.setTransferTimeout(timeoutMs_);
    ++requestsSent_;
    QNetworkReply* reply = network_.sendCustomRequest(request, verb, body);
    reply->setParent(this);
    QObject::connect(reply, &QNetworkReply::sslErrors, reply, [reply](const QList<QSslError>&) {
        // Never ignored: the reply fails with SslHandshakeFailedError and we report it.
        Q_UNUSED(reply);
    });
    QObject::connect(
        reply, &QNetworkReply::finished, this,
        [reply, handle = std::move(handle), fail = std::move(fail)]() {
            reply->deleteLater();
            const QByteArray answer = reply->readAll();
            const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
            if (status == 0 || (reply->error() != QNetworkReply::NoError && status >= 500)) {
                fail(failureOf(reply, answer));
                return;
            }
            handle(status, answer, reply);
        });
}

void ApiClient::login(const QString& user, const QString& password,
                      std::function<void(ApiResult<protocol::LoginResponse>)> done) {
    const protocol::Credentials credentials{user.toStdString(), password.toStdString()};
    send("POST", request(QStringLiteral("/api/auth/login"), false), jsonBytes(toJson(credentials)),
         typedAnswer<protocol::LoginResponse>({200}, protocol::loginResponseFromJson, done), done);
}

void ApiClient::refresh(const QString& refreshToken,
                        std::function<void(ApiResult<protocol::RefreshResponse>)> done) {
    const protocol::RefreshRequest refresh{refreshToken.toStdString()};
    send("POST", request(QStringLiteral("/api/auth/refresh"), false), jsonBytes(toJson(refresh)),
         typedAnswer<protocol::RefreshResponse>({200}, protocol::refreshResponseFromJson, done),
         done);
}

void ApiClient::logout(std::function<void(ApiResult<protocol::SuccessResponse>)> done) {
    send("POST", request(QStringLiteral("/api/auth/logout"), true), QByteArrayLiteral("{}"),
         typedAnswer<protocol::SuccessResponse>({200}, protocol::successResponseFromJson, done),
         done);
}

void ApiClient::listWorkspaces(std::function<void(ApiResult<protocol::WorkspaceList>)> done) {
    send("GET", request(QStringLiteral("/api/workspaces"), true), {},
         typedAnswer<protocol::WorkspaceList>({200}, protocol::workspaceListFromJson, done), done);
}

void ApiClient::createWorkspace(const QString& name,
                                std::function<void(ApiResult<protocol::WorkspaceInfo>)> done) {
    const protocol::CreateWorkspaceRequest create{name.toStdString()};
    send("POST", request(QStringLiteral("/api/workspaces"), true), jsonBytes(toJson(create)),
         typedAnswer<protocol::WorkspaceInfo>({201, 200}, protocol::workspaceInfoFromJson, done),
         done);
}

void ApiClient::getState(std::optional<std::int64_t> knownVersion,
                         std::function<void(ApiResult<StateRead>)> done) {
    QNetworkRequest get = request(QStringLiteral("/api/dashboard/state"), true);
    if (knownVersion && *knownVersion > 0) {
        get.setRawHeader("If-None-Match", '"' + QByteArray::number(*knownVersion) + '"');
    }
    send(
        "GET", get, {},
        [done](int status, const QByteArray& body, QNetworkReply* reply) {
            if (status == 304) {
                done(StateRead{StateNotModified{}});
                return;
            }
            if (status == 404) {
                done(StateRead{StateMissing{}});
                return;
            }
            if (status != 200) {
                done(failureOf(reply, body));
                return;
            }
            auto answer =
                readAnswer<protocol::GetStateResponse>(body, protocol::getStateResponseFromJson);
            if (auto* failure = std::get_if<ApiFailure>(&answer)) {
                done(*failure);
                return;
            }
            done(StateRead{std::get<protocol::GetStateResponse>(std::move(answer))});
        },
        done);
}

void ApiClient::saveState(const protocol::SaveStateRequest& save,
                          std::function<void(ApiResult<protocol::SaveStateResponse>)> done) {
    QNetworkRequest post = request(QStringLiteral("/api/dashboard/state"), true);
    if (!deviceId_.isEmpty()) {
        post.setRawHeader("X-Device-Id", deviceId_.toLatin1());
    }
    send("POST", post, jsonBytes(toJson(save)),
         // A 409 is an answer (the server's copy), not a failure.
         typedAnswer<protocol::SaveStateResponse>({200, 201, 409},
                                                  protocol::saveStateResponseFromJson, done),
         done);
}

void ApiClient::deleteState(std::function<void(ApiResult<protocol::SuccessResponse>)> done) {
    QNetworkRequest del = request(QStringLiteral("/api/dashboard/state"), true);
    if (!deviceId_.isEmpty()) {
        del.setRawHeader("X-Device-Id", deviceId_.toLatin1());
    }
    send("DELETE", del, {},
         typedAnswer<protocol::SuccessResponse>({200}, protocol::successResponseFromJson, done),
         done);
}

void ApiClient::history(std::function<void(ApiResult<protocol::HistoryResponse>)> done) {
    send("GET", request(QStringLiteral("/api/dashboard/state/history"), true), {},
         typedAnswer<protocol::HistoryResponse>({200}, protocol::historyResponseFromJson, done),
         done);
}

void ApiClient::historyVersion(std::int64_t version,
                               std::function<void(ApiResult<protocol::GetStateResponse>)> done) {
    send("GET", request(QStringLiteral("/api/dashboard/state/history/%1").arg(version), true), {},
         typedAnswer<protocol::GetStateResponse>({200}, protocol::getStateResponseFromJson, done),
         done);
}

QNetworkReply* ApiClient::openEventStream(std::optional<std::int64_t> lastEventId) {
    if (base_.isEmpty()) {
        return nullptr;
    }
    QNetworkRequest get = request(QStringLiteral("/api/dashboard/state/events"), true);
    get.setRawHeader("Accept", "text/event-stream");
    if (lastEventId && *lastEventId > 0) {
        get.setRawHeader("Last-Event-ID", QByteArray::number(*lastEventId));
    }
    get.setTransferTimeout(0);
    ++requestsSent_;
    QNetworkReply* reply = network_.get(get);
    reply->setParent(this);
    return reply;
}

}  // namespace deskboard::sync
