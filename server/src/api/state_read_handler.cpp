#include "state_read_handler.h"

#include <optional>

#include "api_responses.h"
#include "request_parsing.h"

namespace deskboard::server::api {

StateReadHandler::StateReadHandler(state::StateService& state, Metrics& metrics)
    : state_(state), metrics_(metrics) {}

void StateReadHandler::handle(const std::shared_ptr<http::Exchange>& exchange,
                              const protocol::StateKeys& keys) {
    std::optional<std::int64_t> known;
    if (const auto header = exchange->head().header("If-None-Match")) {
        known = ifNoneMatchVersion(*header);
    }
    state_.read(keys, known, [this, exchange](protocol::Expected<state::ReadOutcome> outcome) {
        if (!outcome) {
            fail(exchange, outcome.error());
            return;
        }
        const auto& read = outcome.value();
        metrics_.recordStateRead(read.kind != state::ReadOutcome::Kind::NotFound);
        switch (read.kind) {
            case state::ReadOutcome::Kind::NotFound:
                fail(exchange, protocol::ApiError{protocol::ErrorCode::NotFound,
                                                  "no dashboard state is stored"});
                return;
            case state::ReadOutcome::Kind::NotModified:
                exchange->respond(
                    http::Response{304, {}, {}, {{"ETag", etag(read.stored.version)}}});
                return;
            case state::ReadOutcome::Kind::Found:
                exchange->respond(jsonResponse(200, storedStateBody(read.stored),
                                               {{"ETag", etag(read.stored.version)}}));
                return;
        }
    });
}

}  // namespace deskboard::server::api
