#include "api_handler.h"

#include <deskboard/protocol/auth_messages.h>
#include <deskboard/protocol/history_messages.h>
#include <deskboard/protocol/identifiers.h>
#include <deskboard/protocol/json_parse.h>
#include <deskboard/protocol/probe_messages.h>

#include "api_responses.h"
#include "request_parsing.h"

namespace deskboard::server::api {
namespace {

using protocol::ApiError;
using protocol::ErrorCode;

// Bodies of the auth and workspace routes are small; states get DESKBOARD_MAX_STATE_BYTES.
constexpr std::size_t kSmallBodyBytes = 64 * 1024;

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

protocol::LoginResponse loginResponse(const auth::LoginAnswer& answer) {
    return protocol::LoginResponse{answer.accessToken, answer.refreshToken, answer.expiresIn,
                                   protocol::UserInfo{answer.user.id, answer.user.username},
                                   workspaceInfos(answer.workspaces)};
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
      stateRead_(state, metrics),
      stateSave_(config, state, metrics),
      stateDelete_(state) {}

void ApiHandler::handle(std::shared_ptr<http::Exchange> exchange) {
    const auto match = matchRoute(exchange->head().path);
    if (!match) {
        exchange->setRoute("unmatched");
        fail(exchange, ApiError{ErrorCode::NotFound, "no such route: " + exchange->head().path});
        return;
    }
    exchange->setRoute(std::string(match->pattern));
    if (!match->allows(exchange->head().method)) {
        exchange->respond(errorResponse(
            ApiError{ErrorCode::MethodNotAllowed,
                     exchange->head().method +
                         " is not allowed here; allowed: " + std::string(match->allow)},
            {{"Allow", std::string(match->allow)}}));
        return;
    }
    dispatch(exchange, *match);
}

void ApiHandler::dispatch(const ExchangePtr& exchange, const RouteMatch& match) {
    switch (match.route) {
        case Route::Healthz:
            exchange->respond(
                messageResponse(200, protocol::ProbeResponse{protocol::ProbeStatus::Ok}));
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
    if (redis_.isCluster() && !redis_.isConnected()) {
        // One primary down is enough to fail the requests of its slots.
        fail(exchange, ApiError{ErrorCode::StorageUnavailable,
                                "the Redis Cluster is not fully reachable: the slot map does not "
                                "cover every slot, or a primary is not connected"});
        return;
    }
    redis_.command({"PING"}, [exchange](redis::Result result) {
        if (result.succeeded()) {
            exchange->respond(
                messageResponse(200, protocol::ProbeResponse{protocol::ProbeStatus::Ready}));
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
        exchange->respond(messageResponse(status, loginResponse(answer.value())));
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
                          exchange->respond(messageResponse(
                              200, protocol::RefreshResponse{next.accessToken, next.refreshToken,
                                                             next.expiresIn}));
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
                         exchange->respond(messageResponse(200, protocol::SuccessResponse{true}));
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
            auth_.workspacesOf(principal.userId,
                               [exchange](protocol::Expected<std::vector<auth::Workspace>> list) {
                                   if (!list) {
                                       fail(exchange, list.error());
                                       return;
                                   }
                                   exchange->respond(messageResponse(
                                       200, protocol::WorkspaceList{workspaceInfos(list.value())}));
                               });
            return;
        }
        withJsonObject(
            exchange, kSmallBodyBytes,
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
                        exchange->respond(messageResponse(201, workspaceInfo(workspace.value())));
                    });
            });
    });
}

void ApiHandler::state(const ExchangePtr& exchange) {
    std::string deviceId;
    if (const auto header = exchange->head().header("X-Device-Id")) {
        if (!protocol::isValidIdentifier(*header)) {
            fail(exchange, ApiError{ErrorCode::InvalidBody,
                                    "header 'X-Device-Id' must be 1-64 of [A-Za-z0-9_-]"});
            return;
        }
        deviceId = std::string(*header);
    }
    withPrincipal(exchange, [this, exchange, deviceId](const auth::Principal& principal) {
        const std::string& method = exchange->head().method;
        // Refuse an unwanted upload from its header alone, before looking anything else up.
        if (method == "POST" && !acceptsBody(exchange, config_.maxStateBytes)) {
            return;
        }
        withStateKeys(exchange, principal,
                      [this, exchange, deviceId](const protocol::StateKeys& keys) {
                          const std::string& method = exchange->head().method;
                          if (method == "GET" || method == "HEAD") {
                              stateRead_.handle(exchange, keys);
                          } else if (method == "POST") {
                              stateSave_.handle(exchange, keys, deviceId);
                          } else {
                              stateDelete_.handle(exchange, keys, deviceId);
                          }
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
                    exchange->respond(messageResponse(200, answer));
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
