#include "state_delete_handler.h"

#include <deskboard/protocol/auth_messages.h>

#include "api_responses.h"

namespace deskboard::server::api {

StateDeleteHandler::StateDeleteHandler(state::StateService& state) : state_(state) {}

void StateDeleteHandler::handle(const std::shared_ptr<http::Exchange>& exchange,
                                const protocol::StateKeys& keys, std::string deviceId) {
    state_.remove(keys, std::move(deviceId),
                  [exchange](protocol::Expected<state::DeleteOutcome> outcome) {
                      if (!outcome) {
                          fail(exchange, outcome.error());
                          return;
                      }
                      exchange->respond(
                          messageResponse(200, protocol::SuccessResponse{outcome.value().deleted}));
                  });
}

}  // namespace deskboard::server::api
