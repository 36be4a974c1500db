#include "sharded_subscriber.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <utility>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <hiredis/hiredis.h>
#include <hiredis/read.h>

#include "cluster_slots.h"

namespace deskboard::server::redis {

namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

struct ReaderFree {
    void operator()(redisReader* reader) const { redisReaderFree(reader); }
};
struct ReplyFree {
    void operator()(redisReply* reply) const { freeReplyObject(reply); }
};
using ReaderPtr = std::unique_ptr<redisReader, ReaderFree>;
using ReplyPtr = std::unique_ptr<redisReply, ReplyFree>;

// One command in RESP: *N\r\n then $len\r\narg\r\n per argument.
void appendCommand(std::string& out, const std::vector<std::string>& argv) {
    out += '*';
    out += std::to_string(argv.size());
    out += "\r\n";
    for (const auto& argument : argv) {
        out += '$';
        out += std::to_string(argument.size());
        out += "\r\n";
        out += argument;
        out += "\r\n";
    }
}

std::string_view textOf(const redisReply* reply) {
    if (reply != nullptr &&
        (reply->type == REDIS_REPLY_STRING || reply->type == REDIS_REPLY_STATUS ||
         reply->type == REDIS_REPLY_ERROR)) {
        return {reply->str, reply->len};
    }
    return {};
}

std::string keyOf(const std::string& host, std::uint16_t port) {
    return host + ":" + std::to_string(port);
}

// One RESP connection on its own Asio TCP socket: resolve, connect, AUTH when the endpoint has
// a password, then ready. Replies (and pub/sub pushes) are parsed with hiredis's reply reader
// and handed over one by one. Handlers run on the io thread and never after close(); onClosed
// runs at most once, when the connection fails (not after close()). Async operations hold a
// shared_ptr to the connection, so dropping the owner's reference with operations pending is
// safe.
class Connection : public std::enable_shared_from_this<Connection> {
  public:
    struct Handlers {
        std::function<void()> onReady;
        std::function<void(const redisReply&)> onReply;
        std::function<void(const std::string&)> onClosed;
    };

    Connection(asio::io_context& io, Endpoint endpoint, std::chrono::milliseconds timeout,
               Handlers handlers)
        : resolver_(io),
          socket_(io),
          deadline_(io),
          endpoint_(std::move(endpoint)),
          timeout_(timeout),
          handlers_(std::move(handlers)),
          reader_(redisReaderCreate()) {}

    const Endpoint& endpoint() const { return endpoint_; }
    bool ready() const { return ready_; }

    void open() {
        armDeadline(timeout_);
        resolver_.async_resolve(
            endpoint_.host, std::to_string(endpoint_.port),
            [self = shared_from_this()](const boost::system::error_code& error,
                                        const tcp::resolver::results_type& results) {
                if (self->closed_) {
                    return;
                }
                if (error) {
                    self->fail("cannot resolve: " + error.message());
                    return;
                }
                asio::async_connect(
                    self->socket_, results,
                    [self](const boost::system::error_code& connectError, const tcp::endpoint&) {
                        self->onConnected(connectError);
                    });
            });
    }

    void send(const std::vector<std::string>& argv) {
        if (closed_) {
            return;
        }
        appendCommand(queued_, argv);
        flush();
    }

    // Fails the connection when it is not closed within `timeout`.
    void armDeadline(std::chrono::milliseconds timeout) {
        deadline_.expires_after(timeout);
        deadline_.async_wait([weak = weak_from_this()](const boost::system::error_code& error) {
            if (auto self = weak.lock(); self && !error) {
                self->fail("no answer within the deadline");
            }
        });
    }

    // Fails the connection now (onClosed runs).
    void abort(const std::string& why) { fail(why); }

    // Closes without calling any handler.
    void close() {
        if (closed_) {
            return;
        }
        closed_ = true;
        ready_ = false;
        boost::system::error_code ignored;
        resolver_.cancel();
        deadline_.cancel();
        socket_.shutdown(tcp::socket::shutdown_both, ignored);
        socket_.close(ignored);
    }

  private:
    void onConnected(const boost::system::error_code& error) {
        if (closed_) {
            return;
        }
        if (error) {
            fail("cannot connect: " + error.message());
            return;
        }
        boost::system::error_code ignored;
        socket_.set_option(tcp::no_delay(true), ignored);
        socket_.set_option(asio::socket_base::keep_alive(true), ignored);
        read();
        if (!endpoint_.password.empty()) {
            authPending_ = true;
            if (endpoint_.username.empty()) {
                send({"AUTH", endpoint_.password});
            } else {
                send({"AUTH", endpoint_.username, endpoint_.password});
            }
        } else {
            becomeReady();
        }
    }

    void becomeReady() {
        deadline_.cancel();
        ready_ = true;
        if (handlers_.onReady) {
            handlers_.onReady();
        }
    }

    void read() {
        socket_.async_read_some(
            asio::buffer(buffer_),
            [self = shared_from_this()](const boost::system::error_code& error, std::size_t size) {
                self->onRead(error, size);
            });
    }

    void onRead(const boost::system::error_code& error, std::size_t size) {
        if (closed_) {
            return;
        }
        if (error) {
            fail(error == asio::error::eof ? std::string("closed by the server") : error.message());
            return;
        }
        if (redisReaderFeed(reader_.get(), buffer_.data(), size) != REDIS_OK) {
            fail("cannot buffer the reply");
            return;
        }
        while (!closed_) {
            void* raw = nullptr;
            if (redisReaderGetReply(reader_.get(), &raw) != REDIS_OK) {
                fail(std::string("protocol error: ") + reader_->errstr);
                return;
            }
            if (raw == nullptr) {
                break;
            }
            const ReplyPtr reply(static_cast<redisReply*>(raw));
            if (authPending_) {
                authPending_ = false;
                if (reply->type == REDIS_REPLY_ERROR) {
                    fail("AUTH failed: " + std::string(textOf(reply.get())));
                    return;
                }
                becomeReady();
            } else if (handlers_.onReply) {
                handlers_.onReply(*reply);
            }
        }
        if (!closed_) {
            read();
        }
    }

    void flush() {
        if (writing_ || queued_.empty() || !socket_.is_open()) {
            return;
        }
        writing_ = true;
        inFlight_.swap(queued_);
        queued_.clear();
        asio::async_write(
            socket_, asio::buffer(inFlight_),
            [self = shared_from_this()](const boost::system::error_code& error, std::size_t) {
                self->writing_ = false;
                if (self->closed_) {
                    return;
                }
                if (error) {
                    self->fail("cannot write: " + error.message());
                    return;
                }
                self->flush();
            });
    }

    void fail(const std::string& why) {
        if (closed_) {
            return;
        }
        close();
        if (handlers_.onClosed) {
            handlers_.onClosed(why);
        }
    }

    tcp::resolver resolver_;
    tcp::socket socket_;
    asio::steady_timer deadline_;
    Endpoint endpoint_;
    std::chrono::milliseconds timeout_;
    Handlers handlers_;
    ReaderPtr reader_;
    std::array<char, 16384> buffer_{};
    std::string queued_;    // commands not written yet
    std::string inFlight_;  // the buffer of the running async_write
    bool writing_ = false;
    bool authPending_ = false;
    bool ready_ = false;
    bool closed_ = false;
};

}  // namespace

class ShardedSubscriber::Impl : public std::enable_shared_from_this<Impl> {
  public:
    Impl(asio::io_context& io, std::vector<Endpoint> seeds, MessageHandler onMessage,
         std::function<void()> onResubscribed, ClientOptions options)
        : io_(io),
          seeds_(std::move(seeds)),
          onMessage_(std::move(onMessage)),
          onResubscribed_(std::move(onResubscribed)),
          options_(std::move(options)),
          refreshTimer_(io),
          healthTimer_(io) {}

    ~Impl() { stop(); }

    void start() {
        if (!stopped_) {
            return;
        }
        stopped_ = false;
        nextDelay_ = std::chrono::milliseconds(0);
        requestRefresh(std::nullopt);
        scheduleHealthCheck();
    }

    void stop() {
        stopped_ = true;
        ++generation_;
        refreshTimer_.cancel();
        healthTimer_.cancel();
        refreshScheduled_ = false;
        refreshing_ = false;
        if (refreshConnection_) {
            refreshConnection_->close();
            refreshConnection_.reset();
        }
        for (auto& [key, node] : nodes_) {
            node.connection->close();
        }
        nodes_.clear();
        for (auto& [name, channel] : channels_) {
            channel = Channel{};
        }
        confirmed_ = 0;
    }

    void subscribe(const std::string& name) {
        const auto [it, inserted] = channels_.try_emplace(name);
        if (!inserted || stopped_) {
            return;
        }
        if (!map_) {
            requestRefresh(std::nullopt);  // reconcile() subscribes once the map is known
            return;
        }
        const auto* owner = map_->primaryFor(cluster::keySlot(name));
        if (owner == nullptr) {
            log("no primary owns the slot of " + name + "; refreshing the slot map");
            requestRefresh(std::nullopt);
            return;
        }
        assign(it->first, it->second, *owner);
    }

    void unsubscribe(const std::string& name) {
        const auto it = channels_.find(name);
        if (it == channels_.end()) {
            return;
        }
        const std::string nodeKey = it->second.node;
        if (!nodeKey.empty()) {
            Node& node = nodes_.at(nodeKey);
            if (node.connection->ready()) {
                sendCommand(node, Sent::Unsubscribe, name, false);
            }
            unassign(it->second, node, false);
        }
        channels_.erase(it);
        closeIdleNodes();
    }

    bool isSubscribed(std::string_view name) const {
        const auto it = channels_.find(name);
        return it != channels_.end() && it->second.confirmed;
    }

    std::size_t channelCount() const { return channels_.size(); }

  private:
    struct Channel {
        std::string node;  // key of the node its SSUBSCRIBE went (or goes) to; empty: none
        bool confirmed = false;
        bool catchUp = false;  // a re-subscription: onResubscribed once confirmed
    };
    enum class Sent { Subscribe, Unsubscribe, Ping };
    struct Pending {
        Sent kind;
        std::string channel;
        bool catchUp = false;
    };
    struct Node {
        std::shared_ptr<Connection> connection;
        std::uint64_t id = 0;
        std::deque<Pending> pending;  // commands sent, in order, awaiting their replies
        std::size_t channels = 0;     // wanted channels assigned to this node
        std::size_t catchUpPending = 0;
        std::size_t catchUpConfirmed = 0;
        bool pingOutstanding = false;
    };

    // --- the slot map ------------------------------------------------------------------------

    // Learns the slot map soon: at once after a healthy period, else after a growing backoff.
    void requestRefresh(std::optional<Endpoint> preferred) {
        if (stopped_) {
            return;
        }
        if (preferred) {
            preferred_ = std::move(preferred);
        }
        if (refreshing_) {
            refreshAgain_ = true;
            return;
        }
        if (refreshScheduled_) {
            return;
        }
        refreshScheduled_ = true;
        const auto delay = nextDelay_;
        nextDelay_ = nextDelay_.count() == 0 ? options_.reconnectMin
                                             : std::min(nextDelay_ * 2, options_.reconnectMax);
        refreshTimer_.expires_after(delay);
        refreshTimer_.async_wait([weak = weak_from_this(), generation = generation_](
                                     const boost::system::error_code& error) {
            auto self = weak.lock();
            if (error || !self || self->stopped_ || self->generation_ != generation) {
                return;
            }
            self->refreshScheduled_ = false;
            if (self->refreshing_) {
                self->refreshAgain_ = true;
            } else {
                self->startRefresh();
            }
        });
    }

    void startRefresh() {
        refreshing_ = true;
        refreshAgain_ = false;
        if (refreshConnection_) {
            refreshConnection_->close();
            refreshConnection_.reset();
        }
        candidates_.clear();
        std::set<std::string> seen;
        const auto add = [&](const Endpoint& endpoint) {
            if (seen.insert(keyOf(endpoint.host, endpoint.port)).second) {
                candidates_.push_back(endpoint);
            }
        };
        if (preferred_) {
            add(*preferred_);
            preferred_.reset();
        }
        if (map_) {
            for (const bool primaries : {true, false}) {
                for (const auto* node : map_->nodes()) {
                    if (node->primary == primaries && node->online) {
                        add(endpointOf(node->host, node->port));
                    }
                }
            }
        }
        for (const auto& seed : seeds_) {
            add(seed);
        }
        if (map_) {
            for (const auto* node : map_->nodes()) {
                add(endpointOf(node->host, node->port));
            }
        }
        nextCandidate_ = 0;
        tryNextCandidate();
    }

    void tryNextCandidate() {
        if (nextCandidate_ >= candidates_.size()) {
            refreshing_ = false;
            log("sharded subscriber cannot learn the cluster slot map from any node");
            requestRefresh(std::nullopt);
            return;
        }
        const Endpoint endpoint = candidates_[nextCandidate_++];
        const auto id = ++lastId_;
        std::weak_ptr<Impl> weak = weak_from_this();
        Connection::Handlers handlers;
        handlers.onReady = [weak, id] {
            if (auto self = weak.lock(); self && self->refreshId_ == id) {
                self->refreshConnection_->send({"CLUSTER", "SHARDS"});
                self->refreshConnection_->armDeadline(self->options_.commandTimeout);
            }
        };
        handlers.onReply = [weak, id](const redisReply& reply) {
            if (auto self = weak.lock(); self && self->refreshId_ == id) {
                self->onShards(reply);
            }
        };
        handlers.onClosed = [weak, id](const std::string& why) {
            if (auto self = weak.lock(); self && self->refreshId_ == id) {
                self->log("sharded subscriber cannot ask " +
                          self->refreshConnection_->endpoint().describe() +
                          " for the slot map: " + why);
                self->refreshConnection_.reset();
                self->refreshId_ = 0;
                self->tryNextCandidate();
            }
        };
        refreshId_ = id;
        refreshConnection_ = std::make_shared<Connection>(io_, endpoint, options_.commandTimeout,
                                                          std::move(handlers));
        refreshConnection_->open();
    }

    void onShards(const redisReply& reply) {
        const auto connection = std::move(refreshConnection_);
        refreshId_ = 0;
        connection->close();
        std::string error;
        auto map = cluster::SlotMap::fromReply(&reply, &error);
        if (!map) {
            log("sharded subscriber got no slot map from " + connection->endpoint().describe() +
                ": " + error);
            tryNextCandidate();
            return;
        }
        map_ = std::move(map);
        refreshing_ = false;
        reconcile();
        if (refreshAgain_) {
            refreshAgain_ = false;
            requestRefresh(std::nullopt);
        }
    }

    // Moves every wanted channel to the primary the map names for its slot.
    void reconcile() {
        bool unowned = false;
        for (auto& [name, channel] : channels_) {
            const auto* owner = map_->primaryFor(cluster::keySlot(name));
            if (owner == nullptr) {
                unowned = unowned || channel.node.empty();
                continue;
            }
            if (channel.node == keyOf(owner->host, owner->port)) {
                continue;
            }
            if (!channel.node.empty()) {
                Node& old = nodes_.at(channel.node);
                if (old.connection->ready()) {
                    sendCommand(old, Sent::Unsubscribe, name, false);
                }
                unassign(channel, old, true);
            }
            assign(name, channel, *owner);
        }
        closeIdleNodes();
        if (unowned) {
            log("sharded subscriber: a subscribed channel's slot has no owner; refreshing again");
            requestRefresh(std::nullopt);
        }
        checkHealthy();
    }

    // --- node connections --------------------------------------------------------------------

    Endpoint endpointOf(const std::string& host, std::uint16_t port) const {
        Endpoint endpoint;
        if (!seeds_.empty()) {
            endpoint = seeds_.front();
        }
        endpoint.host = host;
        endpoint.port = port;
        endpoint.database = 0;
        return endpoint;
    }

    void assign(const std::string& name, Channel& channel, const cluster::Node& owner) {
        const auto key = keyOf(owner.host, owner.port);
        auto [it, inserted] = nodes_.try_emplace(key);
        if (inserted) {
            openNode(key, endpointOf(owner.host, owner.port));
        }
        Node& node = it->second;
        channel.node = key;
        ++node.channels;
        if (node.connection->ready()) {
            sendCommand(node, Sent::Subscribe, name, channel.catchUp);
        }
    }

    // Detaches `channel` from `node`; `lost`: it was live there, so its next confirmation is
    // a re-subscription.
    void unassign(Channel& channel, Node& node, bool lost) {
        --node.channels;
        if (channel.confirmed) {
            channel.confirmed = false;
            --confirmed_;
            channel.catchUp = channel.catchUp || lost;
        }
        channel.node.clear();
    }

    void sendCommand(Node& node, Sent kind, const std::string& channel, bool catchUp) {
        switch (kind) {
            case Sent::Subscribe:
                node.connection->send({"SSUBSCRIBE", channel});
                if (catchUp) {
                    ++node.catchUpPending;
                }
                break;
            case Sent::Unsubscribe:
                node.connection->send({"SUNSUBSCRIBE", channel});
                break;
            case Sent::Ping:
                node.connection->send({"PING"});
                break;
        }
        node.pending.push_back(Pending{kind, channel, catchUp});
    }

    void openNode(const std::string& key, Endpoint endpoint) {
        Node& node = nodes_.at(key);
        node.id = ++lastId_;
        const auto id = node.id;
        std::weak_ptr<Impl> weak = weak_from_this();
        Connection::Handlers handlers;
        handlers.onReady = [weak, key, id] {
            if (auto self = weak.lock()) {
                if (auto* current = self->nodeOf(key, id)) {
                    self->onNodeReady(key, *current);
                }
            }
        };
        handlers.onReply = [weak, key, id](const redisReply& reply) {
            if (auto self = weak.lock()) {
                if (auto* current = self->nodeOf(key, id)) {
                    self->onNodeReply(key, *current, reply);
                }
            }
        };
        handlers.onClosed = [weak, key, id](const std::string& why) {
            if (auto self = weak.lock()) {
                if (self->nodeOf(key, id) != nullptr) {
                    self->onNodeLost(key, why);
                }
            }
        };
        node.connection = std::make_shared<Connection>(
            io_, std::move(endpoint), options_.commandTimeout, std::move(handlers));
        node.connection->open();
    }

    Node* nodeOf(const std::string& key, std::uint64_t id) {
        const auto it = nodes_.find(key);
        return it != nodes_.end() && it->second.id == id ? &it->second : nullptr;
    }

    void onNodeReady(const std::string& key, Node& node) {
        log("sharded subscriber connected to " + node.connection->endpoint().describe());
        for (const auto& [name, channel] : channels_) {
            if (channel.node == key) {
                sendCommand(node, Sent::Subscribe, name, channel.catchUp);
            }
        }
    }

    void onNodeLost(const std::string& key, const std::string& why) {
        Node& node = nodes_.at(key);
        log("sharded subscriber lost the connection to " + node.connection->endpoint().describe() +
            ": " + why);
        for (auto& [name, channel] : channels_) {
            if (channel.node == key) {
                unassign(channel, node, true);
            }
        }
        nodes_.erase(key);
        if (options_.onReconnect) {
            options_.onReconnect();
        }
        requestRefresh(std::nullopt);
    }

    void closeIdleNodes() {
        for (auto it = nodes_.begin(); it != nodes_.end();) {
            if (it->second.channels == 0) {
                it->second.connection->close();
                it = nodes_.erase(it);
            } else {
                ++it;
            }
        }
    }

    void onNodeReply(const std::string& key, Node& node, const redisReply& reply) {
        if (reply.type == REDIS_REPLY_ERROR) {
            onNodeError(key, node, std::string(textOf(&reply)));
            return;
        }
        if (reply.type == REDIS_REPLY_STATUS) {  // +PONG while nothing is subscribed
            popPending(node, Sent::Ping, {});
            node.pingOutstanding = false;
            return;
        }
        if (reply.type != REDIS_REPLY_ARRAY || reply.elements < 2) {
            return;
        }
        const std::string_view kind = textOf(reply.element[0]);
        const std::string_view name = textOf(reply.element[1]);
        if (kind == "smessage" && reply.elements == 3) {
            const auto it = channels_.find(name);
            if (it != channels_.end() && it->second.node == key && onMessage_) {
                onMessage_(name, textOf(reply.element[2]));
            }
        } else if (kind == "ssubscribe") {
            const auto sent = popPending(node, Sent::Subscribe, name);
            const auto it = channels_.find(name);
            if (it != channels_.end() && it->second.node == key && !it->second.confirmed) {
                it->second.confirmed = true;
                it->second.catchUp = false;
                ++confirmed_;
            }
            if (sent && sent->catchUp) {
                --node.catchUpPending;
                ++node.catchUpConfirmed;
                catchUpProgress(node);
            }
            checkHealthy();
        } else if (kind == "sunsubscribe") {
            if (popPending(node, Sent::Unsubscribe, name)) {
                return;  // the answer to our SUNSUBSCRIBE
            }
            // Pushed by the server: the slot moved away or this node is a replica now.
            const auto it = channels_.find(name);
            if (it != channels_.end() && it->second.node == key) {
                log("sharded subscriber: " + node.connection->endpoint().describe() + " dropped " +
                    it->first + "; resubscribing on the slot's owner");
                const Endpoint dropper = node.connection->endpoint();
                unassign(it->second, node, true);
                requestRefresh(dropper);  // it knows the new owner
            }
        } else if (kind == "pong") {
            popPending(node, Sent::Ping, {});
            node.pingOutstanding = false;
        }
    }

    void onNodeError(const std::string& key, Node& node, const std::string& error) {
        if (node.pending.empty()) {
            log("sharded subscriber: unexpected error from " +
                node.connection->endpoint().describe() + ": " + error);
            return;
        }
        const Pending sent = std::move(node.pending.front());
        node.pending.pop_front();
        if (sent.kind == Sent::Ping) {
            node.pingOutstanding = false;
            return;
        }
        log("sharded subscriber: " + node.connection->endpoint().describe() + " refused " +
            (sent.kind == Sent::Subscribe ? "SSUBSCRIBE " : "SUNSUBSCRIBE ") + sent.channel + ": " +
            error);
        if (sent.kind != Sent::Subscribe) {
            return;
        }
        const auto it = channels_.find(sent.channel);
        if (it != channels_.end() && it->second.node == key) {
            unassign(it->second, node, false);
        }
        std::optional<Endpoint> preferred;
        if (const auto redirect = cluster::parseRedirect(error);
            redirect && redirect->kind == cluster::Redirect::Kind::Moved) {
            preferred = endpointOf(
                redirect->host.empty() ? node.connection->endpoint().host : redirect->host,
                redirect->port);
        }
        if (sent.catchUp) {
            --node.catchUpPending;
            catchUpProgress(node);
        }
        requestRefresh(std::move(preferred));
    }

    // Pops the oldest pending command when it is `kind` (for `channel` unless Ping).
    std::optional<Pending> popPending(Node& node, Sent kind, std::string_view channel) {
        if (node.pending.empty() || node.pending.front().kind != kind ||
            (kind != Sent::Ping && node.pending.front().channel != channel)) {
            return std::nullopt;
        }
        Pending sent = std::move(node.pending.front());
        node.pending.pop_front();
        return sent;
    }

    // Every re-subscription sent to `node` got its answer: tell the caller to catch up.
    void catchUpProgress(Node& node) {
        if (node.catchUpPending != 0 || node.catchUpConfirmed == 0) {
            return;
        }
        node.catchUpConfirmed = 0;
        if (resubscribedPosted_) {
            return;
        }
        resubscribedPosted_ = true;
        asio::post(io_, [weak = weak_from_this()] {
            auto self = weak.lock();
            if (!self) {
                return;
            }
            self->resubscribedPosted_ = false;
            if (!self->stopped_ && self->onResubscribed_) {
                self->onResubscribed_();
            }
        });
    }

    // All wanted channels live: the next trouble refreshes the map at once again.
    void checkHealthy() {
        if (confirmed_ == channels_.size()) {
            nextDelay_ = std::chrono::milliseconds(0);
        }
    }

    // A node that does not answer PING within one interval is dropped (a hung or unreachable
    // node would otherwise leave its subscriptions silently dead).
    void scheduleHealthCheck() {
        const auto interval = std::max(options_.commandTimeout, std::chrono::milliseconds(500));
        healthTimer_.expires_after(interval);
        healthTimer_.async_wait([weak = weak_from_this(),
                                 generation = generation_](const boost::system::error_code& error) {
            auto self = weak.lock();
            if (error || !self || self->stopped_ || self->generation_ != generation) {
                return;
            }
            std::vector<std::string> hung;
            for (auto& [key, node] : self->nodes_) {
                if (!node.connection->ready()) {
                    continue;
                }
                if (node.pingOutstanding) {
                    hung.push_back(key);
                } else {
                    node.pingOutstanding = true;
                    self->sendCommand(node, Sent::Ping, {}, false);
                }
            }
            for (const auto& key : hung) {
                if (const auto it = self->nodes_.find(key); it != self->nodes_.end()) {
                    const auto connection = it->second.connection;
                    connection->abort("no answer to PING");
                }
            }
            self->scheduleHealthCheck();
        });
    }

    void log(const std::string& line) const {
        if (options_.onLog) {
            options_.onLog(line);
        }
    }

    asio::io_context& io_;
    std::vector<Endpoint> seeds_;
    MessageHandler onMessage_;
    std::function<void()> onResubscribed_;
    ClientOptions options_;

    std::map<std::string, Channel, std::less<>> channels_;
    std::map<std::string, Node> nodes_;  // by "host:port"
    std::size_t confirmed_ = 0;          // channels with confirmed == true

    std::optional<cluster::SlotMap> map_;
    std::optional<Endpoint> preferred_;  // asked first by the next refresh
    std::vector<Endpoint> candidates_;
    std::size_t nextCandidate_ = 0;
    std::shared_ptr<Connection> refreshConnection_;
    std::uint64_t refreshId_ = 0;
    std::uint64_t lastId_ = 0;
    asio::steady_timer refreshTimer_;
    asio::steady_timer healthTimer_;
    std::chrono::milliseconds nextDelay_{0};
    bool refreshScheduled_ = false;
    bool refreshing_ = false;
    bool refreshAgain_ = false;
    bool resubscribedPosted_ = false;
    bool stopped_ = true;
    std::uint64_t generation_ = 0;  // bumped by stop(): timers of an earlier start() do nothing
};

ShardedSubscriber::ShardedSubscriber(asio::io_context& io, std::vector<Endpoint> seeds,
                                     MessageHandler onMessage, std::function<void()> onResubscribed,
                                     ClientOptions options)
    : impl_(std::make_shared<Impl>(io, std::move(seeds), std::move(onMessage),
                                   std::move(onResubscribed), std::move(options))) {}

ShardedSubscriber::~ShardedSubscriber() {
    impl_->stop();
}
void ShardedSubscriber::start() {
    impl_->start();
}
void ShardedSubscriber::stop() {
    impl_->stop();
}
void ShardedSubscriber::subscribe(const std::string& channel) {
    impl_->subscribe(channel);
}
void ShardedSubscriber::unsubscribe(const std::string& channel) {
    impl_->unsubscribe(channel);
}
bool ShardedSubscriber::isSubscribed(std::string_view channel) const {
    return impl_->isSubscribed(channel);
}
std::size_t ShardedSubscriber::channelCount() const {
    return impl_->channelCount();
}

}  // namespace deskboard::server::redis
