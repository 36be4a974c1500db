#include <hiredis/async.h>
#include <hiredis/hiredis.h>

#include <deskboard/server/redis/redis_subscriber.h>

#include "hiredis_asio.h"

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
          backoff_(io, options_.reconnectMin, options_.reconnectMax) {}

    ~Impl() { stop(); }

    void start() {
        stopped_ = false;
        connect();
    }

    void stop() {
        stopped_ = true;
        backoff_.cancel();
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
        std::string error;
        target_ = endpoint_;
        if (endpoint_.cluster && !endpoint_.seeds.empty()) {
            // Any node of a cluster hears a classic PUBLISH; after a failure, the next seed.
            const auto& seed = endpoint_.seeds[attempt_ % endpoint_.seeds.size()];
            target_.cluster = false;
            target_.host = seed.host;
            target_.port = seed.port;
        }
        redisAsyncContext* context = openAsyncContext(io_, target_, error);
        if (context == nullptr) {
            log("subscriber cannot connect to Redis at " + target_.describe() + ": " + error);
            scheduleReconnect();
            return;
        }
        context->data = this;
        context_ = context;
        confirmations_ = 0;
        redisEnableKeepAlive(&context->c);
        redisAsyncSetConnectCallback(context, &Impl::onConnect);
        redisAsyncSetDisconnectCallback(context, &Impl::onDisconnect);
        if (auto auth = authCommand(target_); !auth.empty()) {
            send(auth, &Impl::onAuthReply);
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
                self->backoff_.reset();
                self->log("subscribed to Redis events at " + self->target_.describe());
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
        self->log("subscriber cannot connect to Redis at " + self->target_.describe() + ": " +
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
        self->log("subscriber lost the connection to Redis at " + self->target_.describe());
        if (self->options_.onReconnect) {
            self->options_.onReconnect();
        }
        self->scheduleReconnect();
    }

    void scheduleReconnect() {
        ++attempt_;
        if (!stopped_) {
            backoff_.schedule([this] { connect(); });
        }
    }

    void log(const std::string& line) {
        if (options_.onLog) {
            options_.onLog(line);
        }
    }

    boost::asio::io_context& io_;
    Endpoint endpoint_;
    Endpoint target_;  // the node of this connection (a cluster seed, or endpoint_)
    std::size_t attempt_ = 0;
    Subscriptions subscriptions_;
    MessageHandler onMessage_;
    std::function<void()> onSubscribed_;
    ClientOptions options_;
    ReconnectBackoff backoff_;
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
