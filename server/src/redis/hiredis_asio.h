// Internal: what the Redis client and the subscriber share to run hiredis's asynchronous
// context on an Asio io_context: the socket watch (Asio waits for the socket to become readable
// or writable and hiredis does the reads and writes; hiredis owns the file descriptor, so the
// cleanup hook releases it from Asio and never closes it), opening a connection, the AUTH
// command, and the reconnect backoff.
#pragma once

#include <algorithm>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <hiredis/async.h>

#include <deskboard/server/redis/redis_endpoint.h>

namespace deskboard::server::redis {

class SocketWatch : public std::enable_shared_from_this<SocketWatch> {
  public:
    SocketWatch(boost::asio::io_context& io, redisAsyncContext* context)
        : descriptor_(io, context->c.fd), context_(context) {}

    static void attach(const std::shared_ptr<SocketWatch>& watch, redisAsyncContext* context) {
        context->ev.data = watch.get();
        context->ev.addRead = [](void* data) { self(data)->want(true, true); };
        context->ev.delRead = [](void* data) { self(data)->wantRead_ = false; };
        context->ev.addWrite = [](void* data) { self(data)->want(false, true); };
        context->ev.delWrite = [](void* data) { self(data)->wantWrite_ = false; };
        context->ev.cleanup = [](void* data) { self(data)->detach(); };
        watch->keepAlive_ = watch;  // until hiredis calls cleanup
    }

  private:
    static SocketWatch* self(void* data) { return static_cast<SocketWatch*>(data); }

    void want(bool read, bool on) {
        (read ? wantRead_ : wantWrite_) = on;
        arm(read);
    }

    void arm(bool read) {
        bool& armed = read ? readArmed_ : writeArmed_;
        if (armed || context_ == nullptr) {
            return;
        }
        armed = true;
        descriptor_.async_wait(
            read ? boost::asio::posix::stream_descriptor::wait_read
                 : boost::asio::posix::stream_descriptor::wait_write,
            [watch = shared_from_this(), read](const boost::system::error_code& error) {
                (read ? watch->readArmed_ : watch->writeArmed_) = false;
                if (error || watch->context_ == nullptr) {
                    return;
                }
                if (read ? watch->wantRead_ : watch->wantWrite_) {
                    if (read) {
                        redisAsyncHandleRead(watch->context_);
                    } else {
                        redisAsyncHandleWrite(watch->context_);
                    }
                }
                if (watch->context_ != nullptr && (read ? watch->wantRead_ : watch->wantWrite_)) {
                    watch->arm(read);
                }
            });
    }

    void detach() {
        context_ = nullptr;
        wantRead_ = wantWrite_ = false;
        boost::system::error_code ignored;
        descriptor_.cancel(ignored);
        static_cast<void>(descriptor_.release());
        keepAlive_.reset();  // pending waits still hold a reference until they complete
    }

    boost::asio::posix::stream_descriptor descriptor_;
    redisAsyncContext* context_;
    bool wantRead_ = false;
    bool wantWrite_ = false;
    bool readArmed_ = false;
    bool writeArmed_ = false;
    std::shared_ptr<SocketWatch> keepAlive_;
};

// Starts a non-blocking connection to `endpoint` driven by `io`; nullptr with `error` set when
// it fails at once. The caller sets the connect and disconnect callbacks.
inline redisAsyncContext* openAsyncContext(boost::asio::io_context& io, const Endpoint& endpoint,
                                           std::string& error) {
    redisAsyncContext* context = redisAsyncConnect(endpoint.host.c_str(), endpoint.port);
    if (context == nullptr || context->err != 0) {
        error = context != nullptr ? context->errstr : "out of memory";
        if (context != nullptr) {
            redisAsyncFree(context);
        }
        return nullptr;
    }
    SocketWatch::attach(std::make_shared<SocketWatch>(io, context), context);
    return context;
}

// The AUTH command for the endpoint's credentials; empty when it has no password.
inline std::vector<std::string> authCommand(const Endpoint& endpoint) {
    if (endpoint.password.empty()) {
        return {};
    }
    if (endpoint.username.empty()) {
        return {"AUTH", endpoint.password};
    }
    return {"AUTH", endpoint.username, endpoint.password};
}

// Waits before a reconnect: from `minimum`, doubling after each failed attempt up to `maximum`.
class ReconnectBackoff {
  public:
    ReconnectBackoff(boost::asio::io_context& io, std::chrono::milliseconds minimum,
                     std::chrono::milliseconds maximum)
        : timer_(io), minimum_(minimum), maximum_(maximum), next_(minimum) {}

    void schedule(std::function<void()> attempt) {
        timer_.expires_after(next_);
        next_ = std::min(next_ * 2, maximum_);
        timer_.async_wait([attempt = std::move(attempt)](const boost::system::error_code& error) {
            if (!error) {
                attempt();
            }
        });
    }
    void reset() { next_ = minimum_; }
    void cancel() { timer_.cancel(); }

  private:
    boost::asio::steady_timer timer_;
    std::chrono::milliseconds minimum_;
    std::chrono::milliseconds maximum_;
    std::chrono::milliseconds next_;
};

}  // namespace deskboard::server::redis
