// A Redis pub/sub connection: subscribes to channel patterns and channels, delivers each
// message to one handler, and after a lost connection reconnects with backoff and subscribes
// again (then calls onSubscribed, so callers can catch up on what they may have missed).
// One per server worker; use it from the thread that runs its io_context.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/io_context.hpp>

#include <deskboard/server/redis/redis_client.h>

namespace deskboard::server::redis {

struct Subscriptions {
    std::vector<std::string> patterns;  // PSUBSCRIBE, e.g. "dashboard:events:*"
    std::vector<std::string> channels;  // SUBSCRIBE
};

class Subscriber {
  public:
    using MessageHandler = std::function<void(std::string_view channel, std::string_view payload)>;

    Subscriber(boost::asio::io_context& io, Endpoint endpoint, Subscriptions subscriptions,
               MessageHandler onMessage, std::function<void()> onSubscribed,
               ClientOptions options = {});
    ~Subscriber();
    Subscriber(const Subscriber&) = delete;
    Subscriber& operator=(const Subscriber&) = delete;

    void start();
    void stop();
    // True while every subscription is confirmed on a live connection.
    bool isSubscribed() const;

  private:
    class Impl;
    std::shared_ptr<Impl> impl_;
};

}  // namespace deskboard::server::redis
