#include <boost/asio/steady_timer.hpp>
#include <hiredis/async.h>
#include <hiredis/hiredis.h>

#include <deskboard/server/redis/redis_subscriber.h>

#include "socket_watch.h"

namespace deskboard::server::redis {

class Subscriber::Impl {
  public:
    Impl(boost::asio::io_context& io, Endpoint endpoint, Subscriptions subscriptions,
         MessageHandler onMessage, std::function<void()> onSubscribed, ClientOptions options)
        : io_(io),
          endpoint_(std::move(endpoint)),
          subscriptions_(std::move(subscriptions)),
          onMessage_(std::move(onMessage)),
          onSubscribed_(std::move(onSubscribed)),
          options_(std::move(options)),
          backoff_(options_.reconnectMin),
          reconnectTimer_(io) {}

    ~Impl() { stop(); }

    void start() {
        stopped_ = false;
        connect();
    }

    void stop() {
        stopped_ = true;
        reconnectTimer_.cancel();
        subscribed_ = false;
        if (context_ != nullptr) {
            redisAsyncContext* context = context_;
            context_ = nullptr;
            redisAsyncFree(context);
        }
    }

    bool isSubscribed() const { return subscribed_; }

  private:
    void connect() {
        if (stopped_) {
            return;
        }
        redisAsyncContext* context = redisAsyncConnect(endpoint_.host.c_str(), endpoint_.port);
        if (context == nullptr || context->err != 0) {
            log("subscriber cannot connect to Redis at " + endpoint_.describe() + ": " +
                (context != nullptr ? context->errstr : "out of memory"));
            if (context != nullptr) {
                redisAsyncFree(context);
            }
            scheduleReconnect();
            return;
        }
        context->data = this;
        context_ = context;
        confirmations_ = 0;
        redisEnableKeepAlive(&context->c);
        SocketWatch::attach(std::make_shared<SocketWatch>(io_, context), context);
        redisAsyncSetConnectCallback(context, &Impl::onConnect);
        redisAsyncSetDisconnectCallback(context, &Impl::onDisconnect);
        if (!endpoint_.password.empty()) {
            send(endpoint_.username.empty()
                     ? std::vector<std::string>{"AUTH", endpoint_.password}
                     : std::vector<std::string>{"AUTH", endpoint_.username, endpoint_.password},
                 &Impl::onAuthReply);
        }
        for (const auto& pattern : subscriptions_.patterns) {
            send({"PSUBSCRIBE", pattern}, &Impl::onPush);
        }
        for (const auto& channel : subscriptions_.channels) {
            send({"SUBSCRIBE", channel}, &Impl::onPush);
        }
    }

    void send(const std::vector<std::string>& argv, redisCallbackFn* callback) {
        std::vector<const char*> pointers;
        std::vector<std::size_t> lengths;
        for (const auto& argument : argv) {
            pointers.push_back(argument.data());
            lengths.push_back(argument.size());
        }
        redisAsyncCommandArgv(context_, callback, this, static_cast<int>(argv.size()),
                              pointers.data(), lengths.data());
    }

    static void onAuthReply(redisAsyncContext* context, void* rawReply, void*) {
        auto* self = static_cast<Impl*>(context->data);
        const auto* reply = static_cast<const redisReply*>(rawReply);
        if (self != nullptr && reply != nullptr && reply->type == REDIS_REPLY_ERROR) {
            self->log(std::string("subscriber AUTH failed: ") + reply->str);
        }
    }

    // Subscription confirmations and messages, for as long as the connection lives.
    static void onPush(redisAsyncContext* context, void* rawReply, void*) {
        auto* self = static_cast<Impl*>(context->data);
        const auto* reply = static_cast<const redisReply*>(rawReply);
        if (self == nullptr || reply == nullptr || self->context_ != context ||
            reply->type != REDIS_REPLY_ARRAY || reply->elements < 3) {
            return;
        }
        const auto text = [&](std::size_t i) {
            const redisReply* element = reply->element[i];
            return element->type == REDIS_REPLY_STRING
                       ? std::string_view(element->str, element->len)
                       : std::string_view();
        };
        const std::string_view kind = text(0);
        if (kind == "pmessage" && reply->elements == 4) {
            self->onMessage_(text(2), text(3));
        } else if (kind == "message") {
            self->onMessage_(text(1), text(2));
        } else if (kind == "psubscribe" || kind == "subscribe") {
            const std::size_t wanted =
                self->subscriptions_.patterns.size() + self->subscriptions_.channels.size();
            if (++self->confirmations_ == wanted) {
                self->subscribed_ = true;
                self->backoff_ = self->options_.reconnectMin;
                self->log("subscribed to Redis events at " + self->endpoint_.describe());
                if (self->onSubscribed_) {
                    self->onSubscribed_();
                }
            }
        }
    }

    static void onConnect(const redisAsyncContext* context, int status) {
        auto* self = static_cast<Impl*>(context->data);
        if (self == nullptr || self->context_ != context || status == REDIS_OK) {
            return;
        }
        self->context_ = nullptr;  // hiredis frees the context after this callback
        self->log("subscriber cannot connect to Redis at " + self->endpoint_.describe() + ": " +
                  context->errstr);
        self->scheduleReconnect();
    }

    static void onDisconnect(const redisAsyncContext* context, int) {
        auto* self = static_cast<Impl*>(context->data);
        if (self == nullptr || self->context_ != context) {
            return;
        }
        self->context_ = nullptr;
        self->subscribed_ = false;
        self->log("subscriber lost the connection to Redis at " + self->endpoint_.describe());
        if (self->options_.onReconnect) {
            self->options_.onReconnect();
        }
        self->scheduleReconnect();
    }

    void scheduleReconnect() {
        if (stopped_) {
            return;
        }
        reconnectTimer_.expires_after(backoff_);
        backoff_ = std::min(backoff_ * 2, options_.reconnectMax);
        reconnectTimer_.async_wait([this](const boost::system::error_code& error) {
            if (!error) {
                connect();
            }
        });
    }

    void log(const std::string& line) {
        if (options_.onLog) {
            options_.onLog(line);
        }
    }

    boost::asio::io_context& io_;
    Endpoint endpoint_;
    Subscriptions subscriptions_;
    MessageHandler onMessage_;
    std::function<void()> onSubscribed_;
    ClientOptions options_;
    std::chrono::milliseconds backoff_;
    boost::asio::steady_timer reconnectTimer_;
    redisAsyncContext* context_ = nullptr;
    std::size_t confirmations_ = 0;
    bool subscribed_ = false;
    bool stopped_ = true;
};

Subscriber::Subscriber(boost::asio::io_context& io, Endpoint endpoint, Subscriptions subscriptions,
                       MessageHandler onMessage, std::function<void()> onSubscribed,
                       ClientOptions options)
    : impl_(std::make_shared<Impl>(io, std::move(endpoint), std::move(subscriptions),
                                   std::move(onMessage), std::move(onSubscribed),
                                   std::move(options))) {}

Subscriber::~Subscriber() {
    impl_->stop();
}
void Subscriber::start() {
    impl_->start();
}
void Subscriber::stop() {
    impl_->stop();
}
bool Subscriber::isSubscribed() const {
    return impl_->isSubscribed();
}

}  // namespace deskboard::server::redis
