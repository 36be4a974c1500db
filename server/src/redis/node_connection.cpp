#include "node_connection.h"

#include <iterator>

#include <boost/asio/post.hpp>
#include <hiredis/async.h>
#include <hiredis/hiredis.h>

namespace deskboard::server::redis {
namespace {

using Clock = std::chrono::steady_clock;

Reply copyReply(const redisReply& raw) {
    Reply reply;
    switch (raw.type) {
        case REDIS_REPLY_STRING:
            reply.type = Reply::Type::String;
            reply.text.assign(raw.str, raw.len);
            break;
        case REDIS_REPLY_STATUS:
            reply.type = Reply::Type::Status;
            reply.text.assign(raw.str, raw.len);
            break;
        case REDIS_REPLY_ERROR:
            reply.type = Reply::Type::Error;
            reply.text.assign(raw.str, raw.len);
            break;
        case REDIS_REPLY_INTEGER:
            reply.type = Reply::Type::Integer;
            reply.integer = raw.integer;
            break;
        case REDIS_REPLY_ARRAY:
            reply.type = Reply::Type::Array;
            reply.elements.reserve(raw.elements);
            for (std::size_t i = 0; i < raw.elements; ++i) {
                reply.elements.push_back(copyReply(*raw.element[i]));
            }
            break;
        default:
            reply.type = Reply::Type::Nil;
    }
    return reply;
}

}  // namespace

struct NodeConnection::Pending {
    Callback callback;
    std::string name;
    Clock::time_point sent;
    Clock::time_point deadline;
    bool finished;
    NodeConnection* owner;
};

NodeConnection::NodeConnection(boost::asio::io_context& io, Endpoint endpoint,
                               ClientOptions options)
    : io_(io),
      endpoint_(std::move(endpoint)),
      options_(std::move(options)),
      backoff_(io, options_.reconnectMin, options_.reconnectMax),
      deadlineTimer_(io) {}

NodeConnection::~NodeConnection() {
    stop();
}

void NodeConnection::start() {
    stopped_ = false;
    connect();
}

void NodeConnection::stop() {
    stopped_ = true;
    backoff_.cancel();
    deadlineTimer_.cancel();
    dropContext();
}

void NodeConnection::command(const std::vector<std::string>& argv, Callback callback, bool asking) {
    if (context_ == nullptr) {
        fail(std::move(callback), Failure::NotConnected, lastError_);
        return;
    }
    if (asking) {
        // Nothing else is queued in between: this thread is the only one sending here.
        send({"ASKING"}, [](Result) {});
    }
    send(argv, std::move(callback));
}

void NodeConnection::send(const std::vector<std::string>& argv, Callback callback) {
    if (context_ == nullptr) {
        fail(std::move(callback), Failure::NotConnected, lastError_);
        return;
    }
    // hiredis formats the command into its own buffer at once; argv is not kept.
    std::vector<const char*> pointers;
    std::vector<std::size_t> lengths;
    pointers.reserve(argv.size());
    lengths.reserve(argv.size());
    for (const auto& argument : argv) {
        pointers.push_back(argument.data());
        lengths.push_back(argument.size());
    }
    const auto now = Clock::now();
    auto pending =
        std::make_unique<Pending>(Pending{std::move(callback), argv.empty() ? "" : argv.front(),
                                          now, now + options_.commandTimeout, false, this});
    if (redisAsyncCommandArgv(context_, &NodeConnection::onReply, pending.get(),
                              static_cast<int>(pointers.size()), pointers.data(),
                              lengths.data()) != REDIS_OK) {
        fail(std::move(pending->callback), Failure::Disconnected, "the connection is closing");
        return;
    }
    pending_.push_back(pending.release());  // owned by hiredis's callback from here on
    armDeadline();
}

void NodeConnection::evalScript(Script& script, std::vector<std::string> keys,
                                std::vector<std::string> args, Callback callback, bool asking) {
    // One argv for both forms: EVALSHA <sha> or EVAL <source>, then numkeys, keys, args.
    auto argv = std::make_shared<std::vector<std::string>>();
    argv->reserve(3 + keys.size() + args.size());
    const bool loaded = !script.sha_.empty();
    argv->push_back(loaded ? "EVALSHA" : "EVAL");
    argv->push_back(loaded ? script.sha_ : script.source_);
    argv->push_back(std::to_string(keys.size()));
    std::move(keys.begin(), keys.end(), std::back_inserter(*argv));
    std::move(args.begin(), args.end(), std::back_inserter(*argv));
    if (!loaded) {
        command({"SCRIPT", "LOAD", script.source_}, [&script](Result result) {
            if (result.succeeded() && result.reply().asString()) {
                script.sha_ = std::string(*result.reply().asString());
            }
        });
        command(*argv, std::move(callback), asking);
        return;
    }
    // After a Redis restart (or on a node that never ran it) the script cache lacks it:
    // NOSCRIPT -> run (and so load) the source with EVAL.
    command(
        *argv,
        [weak = weak_from_this(), argv, &script, asking,
         callback = std::move(callback)](Result result) mutable {
            const bool noScript = result.ok() && result.reply().isError() &&
                                  result.reply().text.rfind("NOSCRIPT", 0) == 0;
            auto self = weak.lock();
            if (noScript && self) {
                (*argv)[0] = "EVAL";
                (*argv)[1] = script.source_;
                self->command(*argv, std::move(callback), asking);
            } else {
                callback(std::move(result));
            }
        },
        asking);
}

void NodeConnection::connect() {
    if (stopped_) {
        return;
    }
    redisAsyncContext* context = openAsyncContext(io_, endpoint_, lastError_);
    if (context == nullptr) {
        log("cannot connect to Redis at " + endpoint_.describe() + ": " + lastError_);
        scheduleReconnect();
        return;
    }
    context->data = this;
    context_ = context;
    redisAsyncSetConnectCallback(context, &NodeConnection::onConnect);
    redisAsyncSetDisconnectCallback(context, &NodeConnection::onDisconnect);
    if (auto auth = authCommand(endpoint_); !auth.empty()) {
        send(auth, [weak = weak_from_this()](Result result) {
            if (auto self = weak.lock(); self && !result.succeeded()) {
                self->log("Redis AUTH failed: " + result.describe());
            }
        });
    }
    if (endpoint_.database != 0) {
        send({"SELECT", std::to_string(endpoint_.database)},
             [weak = weak_from_this()](Result result) {
                 if (auto self = weak.lock(); self && !result.succeeded()) {
                     self->log("Redis SELECT failed: " + result.describe());
                 }
             });
    }
}

void NodeConnection::onConnect(const redisAsyncContext* context, int status) {
    auto* self = static_cast<NodeConnection*>(context->data);
    if (self == nullptr || self->context_ != context) {
        return;
    }
    if (status != REDIS_OK) {
        // hiredis frees the context after this callback.
        self->lastError_ = context->errstr;
        self->context_ = nullptr;
        self->connected_ = false;
        self->log("cannot connect to Redis at " + self->endpoint_.describe() + ": " +
                  self->lastError_);
        self->scheduleReconnect();
        return;
    }
    self->connected_ = true;
    self->backoff_.reset();
    self->log("connected to Redis at " + self->endpoint_.describe());
    if (self->everConnected_ && self->options_.onReconnect) {
        self->options_.onReconnect();
    }
    self->everConnected_ = true;
}

void NodeConnection::onDisconnect(const redisAsyncContext* context, int status) {
    auto* self = static_cast<NodeConnection*>(context->data);
    if (self == nullptr || self->dropping_ || self->context_ != context) {
        return;
    }
    self->context_ = nullptr;
    self->connected_ = false;
    self->lastError_ = status == REDIS_OK ? "closed" : context->errstr;
    self->log("lost the connection to Redis at " + self->endpoint_.describe() + ": " +
              self->lastError_);
    self->scheduleReconnect();
}

void NodeConnection::onReply(redisAsyncContext* context, void* rawReply, void* privateData) {
    std::unique_ptr<Pending> pending(static_cast<Pending*>(privateData));
    NodeConnection* self = pending->owner;
    auto& queue = self->pending_;
    if (!queue.empty() && queue.front() == pending.get()) {
        queue.pop_front();
    } else {
        std::erase(queue, pending.get());
    }
    if (pending->finished) {
        return;
    }
    pending->finished = true;
    const auto* reply = static_cast<const redisReply*>(rawReply);
    Result result = reply != nullptr
                        ? Result::ofReply(copyReply(*reply))
                        : Result::ofFailure(Failure::Disconnected,
                                            context->errstr[0] != '\0' ? context->errstr : "");
    if (self->options_.onCommand) {
        self->options_.onCommand(pending->name, Clock::now() - pending->sent,
                                 !result.ok() || result.reply().isError());
    }
    pending->callback(std::move(result));
}

void NodeConnection::armDeadline() {
    if (deadlineArmed_ || pending_.empty()) {
        return;
    }
    deadlineArmed_ = true;
    deadlineTimer_.expires_at(pending_.front()->deadline);
    deadlineTimer_.async_wait([weak = weak_from_this()](const boost::system::error_code& error) {
        auto self = weak.lock();
        if (!self) {
            return;
        }
        self->deadlineArmed_ = false;
        if (error) {
            return;
        }
        if (!self->pending_.empty() && self->pending_.front()->deadline <= Clock::now()) {
            self->onTimeout();
        } else {
            self->armDeadline();
        }
    });
}

// The oldest command is overdue: fail everything in flight and start a new connection.
void NodeConnection::onTimeout() {
    std::vector<std::pair<Callback, std::string>> expired;
    for (Pending* pending : pending_) {
        if (!pending->finished) {
            pending->finished = true;
            expired.emplace_back(std::move(pending->callback), pending->name);
        }
    }
    const auto timeout = std::to_string(options_.commandTimeout.count());
    lastError_ = "no answer within " + timeout + " ms";
    log("Redis at " + endpoint_.describe() + " gave no answer within " + timeout +
        " ms; reconnecting");
    dropContext();
    for (auto& [callback, name] : expired) {
        if (options_.onCommand) {
            options_.onCommand(name, options_.commandTimeout, true);
        }
        callback(Result::ofFailure(Failure::Timeout, lastError_));
    }
    if (!stopped_) {
        connect();
    }
}

// Frees the hiredis context now; its pending callbacks run with no reply.
void NodeConnection::dropContext() {
    connected_ = false;
    if (context_ == nullptr) {
        return;
    }
    redisAsyncContext* context = context_;
    context_ = nullptr;
    dropping_ = true;
    redisAsyncFree(context);
    dropping_ = false;
}

void NodeConnection::scheduleReconnect() {
    if (stopped_) {
        return;
    }
    backoff_.schedule([weak = weak_from_this()] {
        if (auto self = weak.lock()) {
            self->connect();
        }
    });
}

void NodeConnection::fail(Callback callback, Failure failure, std::string detail) {
    boost::asio::post(
        io_, [callback = std::move(callback), failure, detail = std::move(detail)]() mutable {
            callback(Result::ofFailure(failure, std::move(detail)));
        });
}

void NodeConnection::log(const std::string& line) {
    if (options_.onLog) {
        options_.onLog(line);
    }
}

}  // namespace deskboard::server::redis
