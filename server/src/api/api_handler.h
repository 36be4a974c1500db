// Internal: the state API's request handling (PRODUCT.md section 2). Routes each request,
// refuses what it can from the header alone (404, 405, 401, 415, 413, 403) before any body is
// read, then reads and validates the body and calls the services. One per worker. The probes,
// auth, workspace, history and event routes are answered here; the state route's methods are
// handed, once the caller and its workspace are known, to StateReadHandler, StateSaveHandler
// and StateDeleteHandler. Answers are built with api_responses.h, headers read with
// request_parsing.h.
#pragma once

#include <nlohmann/json.hpp>

#include <deskboard/server/auth/auth_service.h>
#include <deskboard/server/config.h>
#include <deskboard/server/http/exchange.h>
#include <deskboard/server/metrics.h>
#include <deskboard/server/redis/redis_client.h>
#include <deskboard/server/state/state_service.h>

#include "event_hub.h"
#include "router.h"
#include "state_delete_handler.h"
#include "state_read_handler.h"
#include "state_save_handler.h"

namespace deskboard::server::api {

class ApiHandler : public http::Handler {
  public:
    ApiHandler(const Config& config, redis::Client& redis, auth::AuthService& auth,
               state::StateService& state, EventHub& events, Metrics& metrics);

    void handle(std::shared_ptr<http::Exchange> exchange) override;

  private:
    using ExchangePtr = std::shared_ptr<http::Exchange>;

    void dispatch(const ExchangePtr& exchange, const RouteMatch& match);

    void readiness(const ExchangePtr& exchange);
    void signup(const ExchangePtr& exchange);
    void login(const ExchangePtr& exchange);
    void refresh(const ExchangePtr& exchange);
    void logout(const ExchangePtr& exchange);
    void workspaces(const ExchangePtr& exchange);
    // The state route: X-Device-Id (400), caller (401), upload header (415, 413), workspace
    // (400, 403), then the read, save or delete handler.
    void state(const ExchangePtr& exchange);
    void history(const ExchangePtr& exchange);
    void historyVersion(const ExchangePtr& exchange, const std::string& parameter);
    void events(const ExchangePtr& exchange);

    // Authenticates the bearer token, then calls `next`; answers 401 otherwise.
    void withPrincipal(const ExchangePtr& exchange,
                       std::function<void(const auth::Principal&)> next);
    // Resolves X-Workspace-Id (400, 403) to the state keys of the caller, then calls `next`.
    void withStateKeys(const ExchangePtr& exchange, const auth::Principal& principal,
                       std::function<void(const protocol::StateKeys&)> next);
    // Checks the content type (415) and size (413), reads and parses a JSON object body.
    void withJsonObject(const ExchangePtr& exchange, std::size_t limit,
                        std::function<void(nlohmann::json)> next);
    // Reads {username, password} (400 naming a missing one), then calls `next`.
    void withCredentials(const ExchangePtr& exchange,
                         std::function<void(std::string, std::string)> next);
    // Answers a login or sign-up with `status`, or its error.
    static std::function<void(protocol::Expected<auth::LoginAnswer>)> answerLogin(
        const ExchangePtr& exchange, int status);
    // 415 / 413 checks shared by every body; false when an answer was sent.
    bool acceptsBody(const ExchangePtr& exchange, std::size_t limit);

    const Config& config_;
    redis::Client& redis_;
    auth::AuthService& auth_;
    state::StateService& state_;
    EventHub& events_;
    Metrics& metrics_;
    StateReadHandler stateRead_;
    StateSaveHandler stateSave_;
    StateDeleteHandler stateDelete_;
};

}  // namespace deskboard::server::api
