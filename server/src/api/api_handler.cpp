#include "api_handler.h"

#include <algorithm>
#include <charconv>

#include <deskboard/protocol/auth_messages.h>
#include <deskboard/protocol/history_messages.h>
#include <deskboard/protocol/identifiers.h>
#include <deskboard/protocol/json_parse.h>
#include <deskboard/protocol/messages.h>

namespace deskboard::server::api {
namespace {

using protocol::ApiError;
using protocol::ErrorCode;

constexpr std::string_view kJson = "application/json; charset=utf-8";
// Bodies of the auth and workspace routes are small; states get DESKBOARD_MAX_STATE_BYTES.
constexpr std::size_t kSmallBodyBytes = 64 * 1024;

http::Response jsonResponse(int status, std::string body, std::vector<http::Header> headers = {}) {
    return http::Response{status, std::string(kJson), std::move(body), std::move(headers)};
}

http::Response errorResponse(const ApiError& error) {
    std::vector<http::Header> headers;
    if (error.code == ErrorCode::Unauthorized) {
        headers.push_back({"WWW-Authenticate", "Bearer"});
    }
    if (error.retryAfterSeconds) {
        headers.push_back({"Retry-After", std::to_string(*error.retryAfterSeconds)});
    }
    return jsonResponse(protocol::httpStatus(error.code), protocol::errorBody(error),
                        std::move(headers));
}

void fail(const std::shared_ptr<http::Exchange>& exchange, const ApiError& error) {
    exchange->respond(errorResponse(error));
}

// The body text of an answer written through a protocol type's toJson() (the small answers of
// the auth and workspace routes; the state routes append theirs). Never throws: invalid UTF-8
// would become U+FFFD.
std::string jsonText(const nlohmann::json& json) {
    return json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// A decimal version in [minimum, 2^53).
std::optional<std::int64_t> parseVersion(std::string_view text, std::int64_t minimum = 1) {
    std::int64_t value = 0;
    const auto* end = text.data() + text.size();
    const auto result = std::from_chars(text.data(), end, value);
    if (text.empty() || result.ec != std::errc() || result.ptr != end || value < minimum ||
        value > protocol::kMaxVersion) {
        return std::nullopt;
    }
    return value;
}

std::string_view trimmed(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
        text.remove_prefix(1);
    }
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) {
        text.remove_suffix(1);
    }
    return text;
}

bool equalsIgnoringCase(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

// The version named by an If-None-Match header such as "7", W/"7" or a list of them: the
// first entry that is a version.
std::optional<std::int64_t> ifNoneMatchVersion(std::string_view header) {
    while (!header.empty()) {
        const auto comma = header.find(',');
        std::string_view entry = trimmed(header.substr(0, comma));
        if (entry.substr(0, 2) == "W/") {
            entry.remove_prefix(2);
        }
        if (entry.size() >= 2 && entry.front() == '"' && entry.back() == '"') {
            if (auto version = parseVersion(entry.substr(1, entry.size() - 2))) {
                return version;
            }
        }
        header = comma == std::string_view::npos ? std::string_view() : header.substr(comma + 1);
    }
    return std::nullopt;
}

bool isJsonMediaType(std::string_view contentType) {
    return equalsIgnoringCase(trimmed(contentType.substr(0, contentType.find(';'))),
                              "application/json");
}

// The token of "Authorization: Bearer <token>"; nothing when absent or malformed.
std::optional<std::string> bearerToken(const http::RequestHead& head) {
    const auto header = head.header("Authorization");
    if (!header) {
        return std::nullopt;
    }
    const std::string_view value = trimmed(*header);
    if (value.size() < 8 || !equalsIgnoringCase(value.substr(0, 7), "Bearer ")) {
        return std::nullopt;
    }
    const std::string_view token = trimmed(value.substr(7));
    const bool wellFormed =
        !token.empty() && token.size() <= 256 &&
        std::all_of(token.begin(), token.end(), [](char c) {
            return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
        });
    return wellFormed ? std::optional<std::string>(token) : std::nullopt;
}

// The client's address: the peer, or behind a trusted proxy the last X-Forwarded-For entry that
// is not itself a trusted proxy.
std::string clientAddress(const http::RequestHead& head, const std::vector<std::string>& proxies) {
    const auto trusted = [&](std::string_view address) {
        return std::find(proxies.begin(), proxies.end(), address) != proxies.end();
    };
    if (!trusted(head.remoteAddress)) {
        return head.remoteAddress;
    }
    const auto forwarded = head.header("X-Forwarded-For");
    if (!forwarded) {
        return head.remoteAddress;
    }
    std::string_view rest = *forwarded;
    while (!rest.empty()) {
        const auto comma = rest.rfind(',');
        const std::string_view hop =
            trimmed(comma == std::string_view::npos ? rest : rest.substr(comma + 1));
        if (!hop.empty() && !trusted(hop)) {
            return std::string(hop.substr(0, 64));
        }
        rest = comma == std::string_view::npos ? std::string_view() : rest.substr(0, comma);
    }
    return head.remoteAddress;
}

protocol::WorkspaceInfo workspaceInfo(const auth::Workspace& workspace) {
    return protocol::WorkspaceInfo{workspace.id, workspace.name};
}

std::vector<protocol::WorkspaceInfo> workspaceInfos(const std::vector<auth::Workspace>& list) {
    std::vector<protocol::WorkspaceInfo> infos;
    infos.reserve(list.size());
    for (const auto& workspace : list) {
        infos.push_back(workspaceInfo(workspace));
    }
    return infos;
}

std::string loginAnswerBody(const auth::LoginAnswer& answer) {
    return jsonText(
        toJson(protocol::LoginResponse{answer.accessToken, answer.refreshToken, answer.expiresIn,
                                       protocol::UserInfo{answer.user.id, answer.user.username},
                                       workspaceInfos(answer.workspaces)}));
}

std::string successBody(bool success) {
    return jsonText(toJson(protocol::SuccessResponse{success}));
}

std::string etag(std::int64_t version) {
    return "\"" + std::to_string(version) + "\"";
}

// {version, state, lastModified} with the stored state spliced in as it is (it is valid JSON).
std::string storedStateBody(const state::StoredState& stored) {
    std::string body;
    protocol::appendGetStateResponse(body, stored.version, stored.stateJson, stored.lastModified);
    return body;
}

}  // namespace

ApiHandler::ApiHandler(const Config& config, redis::Client& redis, auth::AuthService& auth,
                       state::StateService& state, EventHub& events, Metrics& metrics)
    : config_(config),
      redis_(redis),
      auth_(auth),
      state_(state),
      events_(events),
      metrics_(metrics),
      saveParser_(config.maxStateBytes, config.maxJsonDepth) {}

void ApiHandler::handle(std::shared_ptr<http::Exchange> exchange) {
    const auto match = matchRoute(exchange->head().path);
    if (!match) {
        exchange->setRoute("unmatched");
        fail(exchange, ApiError{ErrorCode::NotFound, "no such route: " + exchange->head().path});
        return;
    }
    exchange->setRoute(std::string(match->pattern));
    if (!match->allows(exchange->head().method)) {
        exchange->respond(
            jsonResponse(405,
                         protocol::errorBody(ApiError{
                             ErrorCode::MethodNotAllowed,
                             exchange->head().method +
                                 " is not allowed here; allowed: " + std::string(match->allow)}),
                         {{"Allow", std::string(match->allow)}}));
        return;
    }
    dispatch(exchange, *match);
}

void ApiHandler::dispatch(const ExchangePtr& exchange, const RouteMatch& match) {
    switch (match.route) {
        case Route::Healthz:
            exchange->respond(jsonResponse(200, R"({"status":"ok"})"));
            return;
        case Route::Readyz:
            readiness(exchange);
            return;
        case Route::Metrics:
            exchange->respond(http::Response{
                200, "text/plain; version=0.0.4; charset=utf-8", metrics_.render(), {}});
            return;
        case Route::Signup:
            signup(exchange);
            return;
        case Route::Login:
            login(exchange);
            return;
        case Route::Refresh:
            refresh(exchange);
            return;
        case Route::Logout:
            logout(exchange);
            return;
        case Route::Workspaces:
            workspaces(exchange);
            return;
        case Route::State:
            state(exchange);
            return;
        case Route::StateHistory:
            history(exchange);
            return;
        case Route::StateHistoryVersion:
            historyVersion(exchange, match.parameter);
            return;
        case Route::StateEvents:
            events(exchange);
            return;
    }
}

void ApiHandler::readiness(const ExchangePtr& exchange) {
    redis_.command({"PING"}, [exchange](redis::Result result) {
        if (result.succeeded()) {
            exchange->respond(jsonResponse(200, R"({"status":"ready"})"));
        } else {
            fail(exchange, ApiError{ErrorCode::StorageUnavailable,
                                    "Redis is not available: " + result.describe()});
        }
    });
}

bool ApiHandler::acceptsBody(const ExchangePtr& exchange, std::size_t limit) {
    const auto& head = exchange->head();
    const auto contentType = head.header("Content-Type");
    if (!contentType || !isJsonMediaType(*contentType)) {
        fail(exchange,
             ApiError{ErrorCode::UnsupportedMediaType, "the body must be application/json"});
        return false;
    }
    if (head.contentLength && *head.contentLength > limit) {
        fail(exchange, ApiError{ErrorCode::TooLarge,
                                "body of " + std::to_string(*head.contentLength) +
                                    " bytes is over the limit of " + std::to_string(limit)});
        return false;
    }
    return true;
}

void ApiHandler::withJsonObject(const ExchangePtr& exchange, std::size_t limit,
                                std::function<void(nlohmann::json)> next) {
    if (!acceptsBody(exchange, limit)) {
        return;
    }
    const ApiError tooLarge{ErrorCode::TooLarge,
                            "body is over the limit of " + std::to_string(limit) + " bytes"};
    exchange->readBody(
        limit, errorResponse(tooLarge),
        [this, exchange, limit, next = std::move(next)](std::string body) {
            auto parsed =
                protocol::parseJson(body, protocol::JsonLimits{limit, config_.maxJsonDepth});
            if (!parsed) {
                fail(exchange, parsed.error());
            } else if (!parsed.value().is_object()) {
                fail(exchange, ApiError{ErrorCode::InvalidBody, "body must be a JSON object"});
            } else {
                next(std::move(parsed).value());
            }
        });
}

void ApiHandler::withPrincipal(const ExchangePtr& exchange,
                               std::function<void(const auth::Principal&)> next) {
    auto token = bearerToken(exchange->head());
    if (!token) {
        fail(exchange, ApiError{ErrorCode::Unauthorized,
                                "an access token is required (Authorization: Bearer <token>)"});
        return;
    }
    auth_.authenticate(std::move(*token), [exchange, next = std::move(next)](
                                              protocol::Expected<auth::Principal> principal) {
        if (!principal) {
            fail(exchange, principal.error());
            return;
        }
        exchange->setUserId(principal.value().userId);
        next(principal.value());
    });
}

void ApiHandler::withStateKeys(const ExchangePtr& exchange, const auth::Principal& principal,
                               std::function<void(const protocol::StateKeys&)> next) {
    std::optional<std::string> requested;
    if (const auto header = exchange->head().header("X-Workspace-Id")) {
        requested = std::string(*header);
    }
    auth_.resolveWorkspace(
        principal, std::move(requested),
        [exchange, userId = principal.userId,
         next = std::move(next)](protocol::Expected<std::string> workspaceId) {
            if (!workspaceId) {
                fail(exchange, workspaceId.error());
                return;
            }
            const auto keys = protocol::StateKeys::forScope(userId, workspaceId.value());
            if (!keys) {
                fail(exchange, ApiError{ErrorCode::InvalidWorkspaceId,
                                        "X-Workspace-Id must be 1-64 of [A-Za-z0-9_-]"});
                return;
            }
            next(*keys);
        });
}

void ApiHandler::signup(const ExchangePtr& exchange) {
    if (!config_.allowSignup) {
        fail(exchange, ApiError{ErrorCode::SignupDisabled,
                                "sign-up is disabled on this server; ask its administrator"});
        return;
    }
    withCredentials(exchange, [this, exchange](std::string username, std::string password) {
        auth_.signup(std::move(username), std::move(password),
                     clientAddress(exchange->head(), config_.trustedProxies),
                     answerLogin(exchange, 201));
    });
}

void ApiHandler::login(const ExchangePtr& exchange) {
    withCredentials(exchange, [this, exchange](std::string username, std::string password) {
        auth_.login(std::move(username), std::move(password),
                    clientAddress(exchange->head(), config_.trustedProxies),
                    answerLogin(exchange, 200));
    });
}

void ApiHandler::withCredentials(const ExchangePtr& exchange,
                                 std::function<void(std::string, std::string)> next) {
    withJsonObject(exchange, kSmallBodyBytes,
                   [exchange, next = std::move(next)](nlohmann::json body) {
                       auto credentials = protocol::credentialsFromJson(body);
                       if (!credentials) {
                           fail(exchange, credentials.error());
                           return;
                       }
                       auto& given = credentials.value();
                       next(std::move(given.username), std::move(given.password));
                   });
}

std::function<void(protocol::Expected<auth::LoginAnswer>)> ApiHandler::answerLogin(
    const ExchangePtr& exchange, int status) {
    return [exchange, status](protocol::Expected<auth::LoginAnswer> answer) {
        if (!answer) {
            fail(exchange, answer.error());
            return;
        }
        exchange->setUserId(answer.value().user.id);
        exchange->respond(jsonResponse(status, loginAnswerBody(answer.value())));
    };
}

void ApiHandler::refresh(const ExchangePtr& exchange) {
    withJsonObject(exchange, kSmallBodyBytes, [this, exchange](nlohmann::json body) {
        auto request = protocol::refreshRequestFromJson(body);
        if (!request) {
            fail(exchange, request.error());
            return;
        }
        auth_.refresh(std::move(request.value().refreshToken),
                      [exchange](protocol::Expected<auth::TokenPair> pair) {
                          if (!pair) {
                              fail(exchange, pair.error());
                              return;
                          }
                          const auto& next = pair.value();
                          exchange->respond(jsonResponse(
                              200, jsonText(toJson(protocol::RefreshResponse{
                                       next.accessToken, next.refreshToken, next.expiresIn}))));
                      });
    });
}

void ApiHandler::logout(const ExchangePtr& exchange) {
    // No body is needed, but one that is sent must still be JSON of a sane size.
    if (exchange->head().hasBody && !acceptsBody(exchange, kSmallBodyBytes)) {
        return;
    }
    withPrincipal(exchange, [this, exchange](const auth::Principal& principal) {
        auth_.logout(principal,
                     [this, exchange, loginId = principal.loginId](protocol::Expected<bool> done) {
                         if (!done) {
                             fail(exchange, done.error());
                             return;
                         }
                         events_.revokeLogin(loginId);
                         exchange->respond(jsonResponse(200, successBody(true)));
                     });
    });
}

void ApiHandler::workspaces(const ExchangePtr& exchange) {
    const bool create = exchange->head().method == "POST";
    if (create && !acceptsBody(exchange, kSmallBodyBytes)) {
        return;
    }
    withPrincipal(exchange, [this, exchange, create](const auth::Principal& principal) {
        if (!create) {
            auth_.workspacesOf(
                principal.userId,
                [exchange](protocol::Expected<std::vector<auth::Workspace>> list) {
                    if (!list) {
                        fail(exchange, list.error());
                        return;
                    }
                    exchange->respond(jsonResponse(
                        200,
                        jsonText(toJson(protocol::WorkspaceList{workspaceInfos(list.value())}))));
                });
            return;
        }
        withJsonObject(exchange, kSmallBodyBytes,
                       [this, exchange, userId = principal.userId](nlohmann::json body) {
                           auto request = protocol::createWorkspaceRequestFromJson(body);
                           if (!request) {
                               fail(exchange, request.error());
                               return;
                           }
                           auth_.createWorkspace(
                               userId, std::move(request.value().name),
                               [exchange](protocol::Expected<auth::Workspace> workspace) {
                                   if (!workspace) {
                                       fail(exchange, workspace.error());
                                       return;
                                   }
                                   exchange->respond(jsonResponse(
                                       201, jsonText(toJson(workspaceInfo(workspace.value())))));
                               });
                       });
    });
}

void ApiHandler::state(const ExchangePtr& exchange) {
    const std::string& method = exchange->head().method;
    const bool save = method == "POST";
    std::string deviceId;
    if (const auto header = exchange->head().header("X-Device-Id")) {
        if (!protocol::isValidIdentifier(*header)) {
            fail(exchange, ApiError{ErrorCode::InvalidBody,
                                    "header 'X-Device-Id' must be 1-64 of [A-Za-z0-9_-]"});
            return;
        }
        deviceId = std::string(*header);
    }
    withPrincipal(exchange, [this, exchange, save, deviceId](const auth::Principal& principal) {
        // Refuse an unwanted upload from its header alone, before looking anything else up.
        if (save && !acceptsBody(exchange, config_.maxStateBytes)) {
            return;
        }
        withStateKeys(
            exchange, principal, [this, exchange, save, deviceId](const protocol::StateKeys& keys) {
                const std::string& method = exchange->head().method;
                if (method == "GET" || method == "HEAD") {
                    std::optional<std::int64_t> known;
                    if (const auto header = exchange->head().header("If-None-Match")) {
                        known = ifNoneMatchVersion(*header);
                    }
                    state_.read(
                        keys, known,
                        [this, exchange](protocol::Expected<state::ReadOutcome> outcome) {
                            if (!outcome) {
                                fail(exchange, outcome.error());
                                return;
                            }
                            const auto& read = outcome.value();
                            metrics_.recordStateRead(read.kind !=
                                                     state::ReadOutcome::Kind::NotFound);
                            switch (read.kind) {
                                case state::ReadOutcome::Kind::NotFound:
                                    fail(exchange, ApiError{ErrorCode::NotFound,
                                                            "no dashboard state is stored"});
                                    return;
                                case state::ReadOutcome::Kind::NotModified:
                                    exchange->respond(http::Response{
                                        304, {}, {}, {{"ETag", etag(read.stored.version)}}});
                                    return;
                                case state::ReadOutcome::Kind::Found:
                                    exchange->respond(
                                        jsonResponse(200, storedStateBody(read.stored),
                                                     {{"ETag", etag(read.stored.version)}}));
                                    return;
                            }
                        });
                    return;
                }
                if (!save) {
                    state_.remove(keys, deviceId,
                                  [exchange](protocol::Expected<state::DeleteOutcome> outcome) {
                                      if (!outcome) {
                                          fail(exchange, outcome.error());
                                          return;
                                      }
                                      exchange->respond(
                                          jsonResponse(200, successBody(outcome.value().deleted)));
                                  });
                    return;
                }
                const ApiError tooLarge{ErrorCode::TooLarge,
                                        "body is over the limit of " +
                                            std::to_string(config_.maxStateBytes) + " bytes"};
                exchange->readBody(
                    config_.maxStateBytes, errorResponse(tooLarge),
                    [this, exchange, keys, deviceId](std::string body) {
                        auto validated = saveParser_.parse(std::move(body));
                        if (!validated) {
                            fail(exchange, validated.error());
                            return;
                        }
                        auto& save = validated.value();
                        const std::size_t bytes = save.canonicalState.size();
                        state_.save(
                            keys, save.version, std::move(save.canonicalState),
                            std::move(save.checksum), deviceId,
                            [this, exchange,
                             bytes](protocol::Expected<state::SaveOutcome> outcome) {
                                if (!outcome) {
                                    fail(exchange, outcome.error());
                                    return;
                                }
                                const auto& saved = outcome.value();
                                std::string answer;
                                switch (saved.kind) {
                                    case state::SaveOutcome::Kind::Accepted:
                                        metrics_.recordBytesStored(bytes);
                                        protocol::appendSaveWritten(answer, saved.serverVersion);
                                        exchange->respond(jsonResponse(200, std::move(answer)));
                                        return;
                                    case state::SaveOutcome::Kind::Idempotent:
                                        protocol::appendSaveUnchanged(answer, saved.serverVersion);
                                        exchange->respond(jsonResponse(200, std::move(answer)));
                                        return;
                                    case state::SaveOutcome::Kind::Conflict:
                                        metrics_.recordConflict();
                                        protocol::appendSaveConflict(answer, saved.serverVersion,
                                                                     saved.serverStateJson,
                                                                     saved.lastModified);
                                        exchange->respond(jsonResponse(409, std::move(answer)));
                                        return;
                                }
                            });
                    });
            });
    });
}

void ApiHandler::history(const ExchangePtr& exchange) {
    withPrincipal(exchange, [this, exchange](const auth::Principal& principal) {
        withStateKeys(exchange, principal, [this, exchange](const protocol::StateKeys& keys) {
            state_.history(
                keys, [exchange](protocol::Expected<std::vector<state::HistoryEntry>> entries) {
                    if (!entries) {
                        fail(exchange, entries.error());
                        return;
                    }
                    protocol::HistoryResponse answer;
                    answer.versions.reserve(entries.value().size());
                    for (const auto& entry : entries.value()) {
                        answer.versions.push_back(
                            protocol::HistoryEntry{entry.version, entry.lastModified, entry.bytes});
                    }
                    exchange->respond(jsonResponse(200, jsonText(toJson(answer))));
                });
        });
    });
}

void ApiHandler::historyVersion(const ExchangePtr& exchange, const std::string& parameter) {
    const auto version = parseVersion(parameter);
    withPrincipal(exchange, [this, exchange, version](const auth::Principal& principal) {
        withStateKeys(
            exchange, principal, [this, exchange, version](const protocol::StateKeys& keys) {
                if (!version) {
                    fail(exchange, ApiError{ErrorCode::NotFound, "no such version in the history"});
                    return;
                }
                state_.historyVersion(
                    keys, *version,
                    [exchange](protocol::Expected<std::optional<state::StoredState>> stored) {
                        if (!stored) {
                            fail(exchange, stored.error());
                        } else if (!stored.value()) {
                            fail(exchange,
                                 ApiError{ErrorCode::NotFound, "no such version in the history"});
                        } else {
                            exchange->respond(jsonResponse(200, storedStateBody(*stored.value())));
                        }
                    });
            });
    });
}

void ApiHandler::events(const ExchangePtr& exchange) {
    std::optional<std::int64_t> lastEventId;
    if (const auto header = exchange->head().header("Last-Event-ID")) {
        lastEventId = parseVersion(trimmed(*header), 0);
    }
    withPrincipal(exchange, [this, exchange, lastEventId](const auth::Principal& principal) {
        withStateKeys(exchange, principal,
                      [this, exchange, principal, lastEventId](const protocol::StateKeys& keys) {
                          events_.open(exchange, principal, keys, lastEventId);
                      });
    });
}

}  // namespace deskboard::server::api
