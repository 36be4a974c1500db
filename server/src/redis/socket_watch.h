// Internal: lets hiredis's asynchronous context run on an Asio io_context. Asio waits for the
// socket to become readable or writable and hiredis does the reads and writes. hiredis owns the
// file descriptor, so the cleanup hook releases it from Asio and never closes it.
#pragma once

#include <memory>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <hiredis/async.h>

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

}  // namespace deskboard::server::redis
