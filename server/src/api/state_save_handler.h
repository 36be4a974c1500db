// Internal: POST /api/dashboard/state once the caller and its workspace are known and the
// upload's header was accepted: reads the body (413 past DESKBOARD_MAX_STATE_BYTES), validates
// it and its checksum (SaveBodyParser), then compare-and-sets it (state service) and answers
// written / unchanged (idempotent retry) / 409 with the server's copy. Its own class because the
// save path is the hot one and carries most of the rules; it owns the worker's body parser.
#pragma once

#include <memory>
#include <string>

#include <deskboard/protocol/redis_keys.h>
#include <deskboard/server/config.h>
#include <deskboard/server/http/exchange.h>
#include <deskboard/server/metrics.h>
#include <deskboard/server/state/state_service.h>

#include "save_body.h"

namespace deskboard::server::api {

class StateSaveHandler {
  public:
    StateSaveHandler(const Config& config, state::StateService& state, Metrics& metrics);

    // Reads the body and saves it under `keys` for the device `deviceId` ("" when none).
    void handle(const std::shared_ptr<http::Exchange>& exchange, const protocol::StateKeys& keys,
                std::string deviceId);

  private:
    const Config& config_;
    state::StateService& state_;
    Metrics& metrics_;
    SaveBodyParser parser_;
};

}  // namespace deskboard::server::api
