// An asynchronous Redis client on an Asio io_context (hiredis does the protocol, Asio waits on
// the socket): one pipelined connection to a single Redis, or, when the endpoint names a Redis
// Cluster, one per primary with every command routed by the slot of its keys (following MOVED
// and ASK). Every command has a deadline, and a command that gets no answer in time fails with
// Failure::Timeout and recycles the connection, so a hung Redis never hangs a request. Lost
// connections are re-established with backoff.
// Not thread-safe: use a client only from the thread that runs its io_context (one client per
// server worker).
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>

#include <deskboard/server/redis/redis_endpoint.h>
#include <deskboard/server/redis/redis_reply.h>

namespace deskboard::server::redis {

struct ClientOptions {
    std::chrono::milliseconds commandTimeout{2000};
    std::chrono::milliseconds reconnectMin{100};
    std::chrono::milliseconds reconnectMax{5000};
    // Observers for metrics (may be empty).
    std::function<void(std::string_view command, std::chrono::nanoseconds, bool failed)> onCommand;
    std::function<void()> onReconnect;
    // On a cluster: a redirect followed or a pause taken ("moved", "ask", "tryagain",
    // "clusterdown") and each slot map fetched ("map_refresh").
    std::function<void(std::string_view event)> onClusterEvent;
    // One line per connection event ("connected to ...", "lost ...") for the server log.
    std::function<void(std::string_view)> onLog;
};

using Callback = std::function<void(Result)>;

// A Lua script run with EVALSHA; the first run (and a run after NOSCRIPT, e.g. after a Redis
// restart) loads it. Keep scripts alive as long as the clients that run them.
class Script {
  public:
    explicit Script(std::string source) : source_(std::move(source)) {}
    const std::string& source() const { return source_; }

  private:
    friend class NodeConnection;
    std::string source_;
    std::string sha_;  // known after the first SCRIPT LOAD
};

class Client {
  public:
    Client(boost::asio::io_context& io, Endpoint endpoint, ClientOptions options = {});
    ~Client();
    Client(const Client&) = delete;
    Client& operator=(const Client&) = delete;

    // Starts connecting (and reconnecting whenever the connection is lost).
    void start();
    // Closes the connection; pending commands fail with Disconnected. No reconnects after.
    void stop();

    // True once connected (and authenticated), until the connection is lost; on a cluster,
    // while the slot map covers every slot and every primary is connected.
    bool isConnected() const;
    // The endpoint named a cluster.
    bool isCluster() const;

    // Sends one command given as binary-safe arguments, e.g. {"GET", key}. On a cluster it goes
    // to the owner of argv[1]'s slot (keyless commands such as PING and PUBLISH: any primary).
    void command(const std::vector<std::string>& argv, Callback callback);

    // Runs `script` with its keys and arguments (EVALSHA, loading the script when needed). On
    // a cluster all keys must share one slot (hash tags).
    // Keys and arguments are taken by value: move large ones (a state) in.
    void evalScript(Script& script, std::vector<std::string> keys, std::vector<std::string> args,
                    Callback callback);

  private:
    class Impl;
    std::shared_ptr<Impl> impl_;
};

}  // namespace deskboard::server::redis
