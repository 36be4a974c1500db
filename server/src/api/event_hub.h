// Internal: the live-update streams of one worker (PRODUCT.md "Live updates"). On a single
// Redis it holds one subscriber for the pattern dashboard:events:* (saves through any server
// instance reach every instance); on a Redis Cluster, where saves SPUBLISH on the shard of their
// scope, a sharded subscription per scope that has a stream here, on the primary owning its
// slot. Both ways the revocation channel is a classic SUBSCRIBE (a classic PUBLISH reaches every
// node of a cluster, so every instance hears it). It fans each event out to the streams of that
// user and workspace, sends heartbeat comments, and closes streams whose token expired or whose
// login was revoked. Its subscriber is also one listener of the process's access-token cache:
// the cache works only while it hears, and forgets each login announced as revoked.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <deskboard/protocol/redis_keys.h>
#include <deskboard/server/auth/auth_service.h>
#include <deskboard/server/http/exchange.h>
#include <deskboard/server/log.h>
#include <deskboard/server/metrics.h>
#include <deskboard/server/redis/redis_client.h>
#include <deskboard/server/redis/redis_subscriber.h>
#include <deskboard/server/state/state_service.h>

#include "auth/access_token_cache.h"
#include "auth/auth_keys.h"
#include "redis/sharded_subscriber.h"
#include "stream_limiter.h"

namespace deskboard::server::api {

// The channel on which the auth scripts announce every revoked login id to every instance.
inline constexpr std::string_view kRevocationChannel = auth::keys::kRevocationChannel;

class EventHub {
  public:
    EventHub(boost::asio::io_context& io, const redis::Endpoint& endpoint,
             redis::ClientOptions subscriberOptions, redis::Client& redis,
             state::StateService& state, auth::AuthService& auth, StreamLimiter& limiter,
             Metrics& metrics, std::chrono::seconds heartbeat,
             auth::AccessTokenCache* tokens = nullptr);
    ~EventHub();

    void start();
    // Ends every stream (graceful shutdown).
    void stop();

    // Turns the exchange into an event stream of `keys` for `principal`; with lastEventId older
    // than the current version, the current version is sent first. Answers 429 when the user
    // already holds the maximum of streams.
    void open(const std::shared_ptr<http::Exchange>& exchange, const auth::Principal& principal,
              const protocol::StateKeys& keys, std::optional<std::int64_t> lastEventId);

    // Closes the streams of a login revoked here at once (the revoking script announces it to
    // every instance, this one included).
    void revokeLogin(const std::string& loginId);

  private:
    struct Listener;

    // subscriberOptions plus telling tokens_ when the subscriber loses its connection.
    redis::ClientOptions withTokenListener(redis::ClientOptions options);
    void deliver(std::string_view channel, std::string_view payload);
    void closeLogin(std::string_view loginId);
    void catchUp(const std::shared_ptr<Listener>& listener);
    void catchUpAll();
    void heartbeat();
    void remove(const std::shared_ptr<Listener>& listener);
    void watchSubscriptions();

    boost::asio::io_context& io_;
    redis::Client& redis_;
    state::StateService& state_;
    auth::AuthService& auth_;
    StreamLimiter& limiter_;
    Metrics& metrics_;
    std::chrono::seconds heartbeatInterval_;
    auth::AccessTokenCache* tokens_;  // the process's, or nullptr
    std::size_t tokenListener_;       // this subscriber, as a listener of tokens_
    redis::Subscriber subscriber_;
    // A cluster's per-scope subscriptions, and the channels whose SSUBSCRIBE is not confirmed
    // yet: their new streams get the current version once it is (nothing published between the
    // stream's start and the subscription is lost).
    std::unique_ptr<redis::ShardedSubscriber> sharded_;
    std::set<std::string, std::less<>> awaitingSubscription_;
    boost::asio::steady_timer subscriptionTimer_;
    boost::asio::steady_timer heartbeatTimer_;
    std::multimap<std::string, std::shared_ptr<Listener>, std::less<>> byChannel_;
    bool stopped_ = false;
};

}  // namespace deskboard::server::api
