// Internal: DELETE /api/dashboard/state once the caller and its workspace are known: removes
// the stored state (its history and the delete event are the state service's) and answers
// {success}, false when nothing was stored. Its own class beside the read and save handlers so
// each state method can be changed without reading the others.
#pragma once

#include <memory>
#include <string>

#include <deskboard/protocol/redis_keys.h>
#include <deskboard/server/http/exchange.h>
#include <deskboard/server/state/state_service.h>

namespace deskboard::server::api {

class StateDeleteHandler {
  public:
    explicit StateDeleteHandler(state::StateService& state);

    // Deletes the state under `keys` for the device `deviceId` ("" when none was named).
    void handle(const std::shared_ptr<http::Exchange>& exchange, const protocol::StateKeys& keys,
                std::string deviceId);

  private:
    state::StateService& state_;
};

}  // namespace deskboard::server::api
