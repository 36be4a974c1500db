// Internal: one io thread of the server with everything it owns: its io_context, Redis
// connection and subscriber, services, API handler and HTTP listener (sharing the port with
// the other workers through SO_REUSEPORT). Nothing in a worker is shared with another worker
// except the process-wide pieces passed in (metrics, log, password hasher, stream limiter,
// access-token cache).
#pragma once

#include <functional>

#include <boost/asio/io_context.hpp>

#include <deskboard/server/auth/auth_service.h>
#include <deskboard/server/config.h>
#include <deskboard/server/http/http_server.h>
#include <deskboard/server/log.h>
#include <deskboard/server/metrics.h>
#include <deskboard/server/redis/redis_client.h>
#include <deskboard/server/state/state_service.h>

#include "api/api_handler.h"
#include "api/event_hub.h"
#include "api/stream_limiter.h"
#include "auth/access_token_cache.h"

namespace deskboard::server {

// The Redis client options every part of the server uses: the configured deadline, and
// metrics and log lines for each command and connection event.
redis::ClientOptions redisClientOptions(const Config& config, Metrics* metrics, const Log& log);

class Worker {
  public:
    Worker(const Config& config, std::uint16_t port, Metrics& metrics, const Log& log,
           auth::PasswordHasher& hasher, api::StreamLimiter& limiter,
           auth::AccessTokenCache& tokens);
    ~Worker();

    // Binds the listening socket (throws std::system_error when it cannot) and starts
    // connecting to Redis. Call before run().
    void start();
    std::uint16_t port() const { return http_.port(); }

    // Runs the io_context until the worker has shut down.
    void run();

    // From any thread: stop accepting, let in-flight requests finish within `grace`, end the
    // streams, close Redis; run() then returns.
    void shutdown(std::chrono::milliseconds grace);

  private:
    boost::asio::io_context io_;
    redis::Client redis_;
    state::StateService state_;
    auth::AuthService auth_;
    api::EventHub events_;
    api::ApiHandler handler_;
    http::HttpServer http_;
};

}  // namespace deskboard::server
