// Internal: one asynchronous connection to one Redis node on an Asio io_context (hiredis does the
// protocol, Asio waits on the socket). Commands are pipelined in order; every command has a
// deadline, and a command that gets no answer in time fails with Failure::Timeout and recycles
// the connection, so a hung Redis never hangs a request. Lost connections are re-established
// with backoff. redis::Client is this connection for a single Redis; on a cluster the router
// (cluster_router.h) keeps one per node. Use it only from the thread that runs its io_context.
#pragma once

#include <chrono>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <deskboard/server/redis/redis_client.h>

#include "hiredis_asio.h"

struct redisAsyncContext;

namespace deskboard::server::redis {

class NodeConnection : public std::enable_shared_from_this<NodeConnection> {
  public:
    NodeConnection(boost::asio::io_context& io, Endpoint endpoint, ClientOptions options);
    ~NodeConnection();
    NodeConnection(const NodeConnection&) = delete;
    NodeConnection& operator=(const NodeConnection&) = delete;

    // Starts connecting (and reconnecting whenever the connection is lost).
    void start();
    // Closes the connection; pending commands fail with Disconnected. No reconnects after.
    void stop();
    // True once connected, until the connection is lost.
    bool isConnected() const { return connected_; }
    const Endpoint& endpoint() const { return endpoint_; }
    // Why the connection is down (or was last lost), for messages.
    const std::string& lastError() const { return lastError_; }

    // Sends one command given as binary-safe arguments. With `asking`, an ASKING goes right
    // before it on this connection (a cluster's -ASK redirect: the slot is being imported here).
    void command(const std::vector<std::string>& argv, Callback callback, bool asking = false);

    // EVALSHA of `script` (EVAL when this node does not know it yet, or answers NOSCRIPT).
    void evalScript(Script& script, std::vector<std::string> keys, std::vector<std::string> args,
                    Callback callback, bool asking = false);

  private:
    struct Pending;

    void connect();
    static void onConnect(const redisAsyncContext* context, int status);
    static void onDisconnect(const redisAsyncContext* context, int status);
    static void onReply(redisAsyncContext* context, void* rawReply, void* privateData);
    void send(const std::vector<std::string>& argv, Callback callback);
    void armDeadline();
    void onTimeout();
    void dropContext();
    void scheduleReconnect();
    void fail(Callback callback, Failure failure, std::string detail);
    void log(const std::string& line);

    boost::asio::io_context& io_;
    Endpoint endpoint_;
    ClientOptions options_;
    ReconnectBackoff backoff_;
    boost::asio::steady_timer deadlineTimer_;
    redisAsyncContext* context_ = nullptr;
    std::deque<Pending*> pending_;
    std::string lastError_ = "not connected yet";
    bool connected_ = false;
    bool everConnected_ = false;
    bool stopped_ = true;
    bool dropping_ = false;
    bool deadlineArmed_ = false;
};

}  // namespace deskboard::server::redis
