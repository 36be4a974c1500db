// Internal: the Redis Cluster side of the live events, sharded pub/sub (SSUBSCRIBE /
// SUNSUBSCRIBE, `smessage`). In a cluster a classic PUBLISH is broadcast to every node, so any
// connection hears every channel but each message crosses the whole cluster bus; an SPUBLISH
// stays on the shard that owns the channel's slot, so a sharded subscription has to live on
// the primary owning keySlot(channel). This class learns the slot map (`CLUSTER SHARDS` on a
// seed or known node), keeps one pub/sub connection per primary that owns at least one
// subscribed channel, follows `-MOVED` replies, and when the server drops a channel (Redis 7
// pushes `sunsubscribe` when the slot migrates away or the node becomes a replica) or a
// connection is lost it refreshes the map, subscribes on the current owner (reconnecting with
// backoff) and then calls onResubscribed, so callers can catch up on what they may have missed.
// hiredis 0.14's async API knows only SUBSCRIBE / PSUBSCRIBE as pub/sub commands and cannot
// carry `smessage` pushes, so each node connection is an Asio TCP socket of its own: commands
// are written in RESP and replies parsed with hiredis's reply reader.
// Not thread-safe: use it only from the thread that runs its io_context.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/io_context.hpp>

#include <deskboard/server/redis/redis_client.h>
#include <deskboard/server/redis/redis_endpoint.h>

namespace deskboard::server::redis {

class ShardedSubscriber {
  public:
    using MessageHandler = std::function<void(std::string_view channel, std::string_view payload)>;

    // `seeds`: any nodes of the cluster (their username / password are used for every node).
    // Uses reconnectMin / reconnectMax (backoff of map refreshes and reconnects; the first
    // refresh after a healthy period is immediate), commandTimeout (deadline of connect, AUTH
    // and CLUSTER SHARDS, and the interval of the PING that drops a node connection left
    // unanswered), onReconnect and onLog of `options`.
    ShardedSubscriber(boost::asio::io_context& io, std::vector<Endpoint> seeds,
                      MessageHandler onMessage, std::function<void()> onResubscribed,
                      ClientOptions options = {});
    ~ShardedSubscriber();
    ShardedSubscriber(const ShardedSubscriber&) = delete;
    ShardedSubscriber& operator=(const ShardedSubscriber&) = delete;

    // Learns the slot map and subscribes to every channel asked for so far.
    void start();
    // Closes every connection; no reconnects after. Channels stay wanted (start() again).
    void stop();

    // Subscribes to `channel` (a no-op when it is already wanted). No reference counting: one
    // unsubscribe() drops it.
    void subscribe(const std::string& channel);
    void unsubscribe(const std::string& channel);

    // True when `channel` is wanted and its SSUBSCRIBE is confirmed on a live connection.
    bool isSubscribed(std::string_view channel) const;
    // The number of wanted channels.
    std::size_t channelCount() const;

  private:
    class Impl;
    std::shared_ptr<Impl> impl_;
};

}  // namespace deskboard::server::redis
