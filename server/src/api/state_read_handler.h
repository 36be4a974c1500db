// Internal: GET (and HEAD) /api/dashboard/state once the caller and its workspace are known:
// 200 with the stored state and its ETag, 304 when If-None-Match already names the stored
// version, 404 when nothing is stored. Its own class so the conditional-read rules live in
// one place, apart from saving and deleting.
#pragma once

#include <memory>

#include <deskboard/protocol/redis_keys.h>
#include <deskboard/server/http/exchange.h>
#include <deskboard/server/metrics.h>
#include <deskboard/server/state/state_service.h>

namespace deskboard::server::api {

class StateReadHandler {
  public:
    StateReadHandler(state::StateService& state, Metrics& metrics);

    // Reads the state under `keys` and answers `exchange` (storage errors as error bodies).
    void handle(const std::shared_ptr<http::Exchange>& exchange, const protocol::StateKeys& keys);

  private:
    state::StateService& state_;
    Metrics& metrics_;
};

}  // namespace deskboard::server::api
