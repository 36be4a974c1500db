#include "cluster_router.h"

#include <algorithm>

#include <boost/asio/post.hpp>

namespace deskboard::server::redis {
namespace {

using Clock = std::chrono::steady_clock;

constexpr int kMaxRedirects = 8;
// At most one `CLUSTER SHARDS` in this interval, however many redirects arrive at once.
constexpr std::chrono::milliseconds kRefreshInterval{100};
constexpr std::chrono::milliseconds kRetryPause{25};
// How often the router looks whether every serving primary is connected, and fetches the map
// again when not (after a failover nothing else may ask: the requests of other slots succeed).
constexpr std::chrono::milliseconds kHealthInterval{1000};

std::string nodeName(const std::string& host, std::uint16_t port) {
    return host + ":" + std::to_string(port);
}

bool startsWith(const std::string& text, std::string_view prefix) {
    return text.rfind(prefix, 0) == 0;
}

// Commands whose argv[1] is not a key: any primary may answer them. PUBLISH is broadcast to
// every node of a cluster, so one node is as good as another.
bool isKeyless(const std::string& name) {
    static constexpr std::string_view kKeyless[] = {"PING",    "PUBLISH", "ECHO", "INFO",
                                                    "CLUSTER", "SCRIPT",  "TIME", "AUTH"};
    return std::any_of(std::begin(kKeyless), std::end(kKeyless), [&](std::string_view keyless) {
        return name.size() == keyless.size() &&
               std::equal(name.begin(), name.end(), keyless.begin(), [](char a, char b) {
                   return std::toupper(static_cast<unsigned char>(a)) == b;
               });
    });
}

Result errorReply(std::string text) {
    Reply reply;
    reply.type = Reply::Type::Error;
    reply.text = std::move(text);
    return Result::ofReply(std::move(reply));
}

}  // namespace

struct ClusterRouter::Operation {
    // A command (argv) or a script run (script, keys, args).
    std::vector<std::string> argv;
    Script* script = nullptr;
    std::vector<std::string> keys;
    std::vector<std::string> args;
    Callback callback;
    std::optional<std::uint16_t> slot;  // nothing: keyless
    Clock::time_point deadline;
    int redirects = 0;
    // Where a redirect sent it (cleared after one use), and whether an ASKING goes first.
    std::optional<std::pair<std::string, std::uint16_t>> target;
    bool asking = false;
    std::string sentTo;  // the host of the node it went to last
    bool done = false;
};

ClusterRouter::ClusterRouter(boost::asio::io_context& io, Endpoint endpoint, ClientOptions options)
    : io_(io),
      endpoint_(std::move(endpoint)),
      options_(std::move(options)),
      refreshTimer_(io),
      healthTimer_(io),
      failedRefreshPause_(options_.reconnectMin) {
    nodeOptions_ = options_;
    // A node's reconnects are not the cluster's: the router reports what matters (map changes).
    nodeOptions_.onReconnect = nullptr;
}

ClusterRouter::~ClusterRouter() {
    stop();
}

void ClusterRouter::start() {
    stopped_ = false;
    for (const auto& seed : endpoint_.seeds) {
        connectionTo(seed.host, seed.port);
    }
    refreshMap();
    watchHealth();
}

void ClusterRouter::watchHealth() {
    healthTimer_.expires_after(kHealthInterval);
    healthTimer_.async_wait([weak = weak_from_this()](boost::system::error_code error) {
        auto self = weak.lock();
        if (!self || error || self->stopped_) {
            return;
        }
        if (!self->isConnected()) {
            self->refreshMap();
        }
        self->watchHealth();
    });
}

void ClusterRouter::stop() {
    stopped_ = true;
    refreshTimer_.cancel();
    healthTimer_.cancel();
    auto nodes = std::move(nodes_);
    nodes_.clear();
    for (auto& [name, node] : nodes) {
        node->stop();
    }
    // stop() may run inside a reply callback of one of these connections (a caller finishing
    // on its last answer): they are released from the event loop, not in the middle of it.
    if (!nodes.empty()) {
        boost::asio::post(io_, [nodes = std::move(nodes)] {});
    }
    auto waiters = std::move(waiters_);
    waiters_.clear();
    for (auto& operation : waiters) {
        finish(operation, Result::ofFailure(Failure::Disconnected, "the Redis client stopped"));
    }
}

bool ClusterRouter::isConnected() const {
    if (!map_ || !map_->coversAllSlots()) {
        return false;
    }
    for (const auto* node : servingPrimaries()) {
        const auto found = nodes_.find(nodeName(node->host, node->port));
        if (found == nodes_.end() || !found->second->isConnected()) {
            return false;
        }
    }
    return true;
}

std::vector<const cluster::Node*> ClusterRouter::servingPrimaries() const {
    std::vector<const cluster::Node*> primaries;
    if (map_) {
        for (const auto& shard : map_->shards()) {
            if (!shard.slotRanges.empty()) {
                primaries.push_back(map_->primaryFor(shard.slotRanges.front().first));
            }
        }
    }
    return primaries;
}

void ClusterRouter::command(const std::vector<std::string>& argv, Callback callback) {
    auto operation = std::make_shared<Operation>();
    operation->argv = argv;
    operation->callback = std::move(callback);
    operation->deadline = Clock::now() + options_.commandTimeout;
    if (argv.size() >= 2 && !isKeyless(argv.front())) {
        operation->slot = cluster::keySlot(argv[1]);
    }
    dispatch(operation);
}

void ClusterRouter::evalScript(Script& script, std::vector<std::string> keys,
                               std::vector<std::string> args, Callback callback) {
    auto operation = std::make_shared<Operation>();
    operation->script = &script;
    operation->callback = std::move(callback);
    operation->deadline = Clock::now() + options_.commandTimeout;
    if (!keys.empty()) {
        operation->slot = cluster::commonSlot(keys);
        if (!operation->slot) {
            // A programming error, said the way Redis itself says it.
            finish(operation, errorReply("CROSSSLOT Keys in request don't hash to the same slot"));
            return;
        }
    }
    operation->keys = std::move(keys);
    operation->args = std::move(args);
    dispatch(operation);
}

void ClusterRouter::dispatch(const OperationPtr& operation) {
    if (stopped_) {
        finish(operation, Result::ofFailure(Failure::NotConnected, "the Redis client stopped"));
        return;
    }
    std::shared_ptr<NodeConnection> node;
    bool asking = false;
    if (operation->target) {
        node = connectionTo(operation->target->first, operation->target->second);
        asking = operation->asking;
        operation->target.reset();
        operation->asking = false;
    } else if (!operation->slot) {
        node = anyConnectedPrimary();
    } else if (map_) {
        if (const auto* owner = map_->primaryFor(*operation->slot)) {
            node = connectionTo(owner->host, owner->port);
        }
    }
    if (node) {
        operation->sentTo = node->endpoint().host;
    } else {
        // No map yet, or it names no owner for the slot: wait for the next map.
        if (Clock::now() >= operation->deadline) {
            finish(operation, Result::ofFailure(Failure::NotConnected,
                                                "no Redis Cluster node serves this key's slot"));
            return;
        }
        waiters_.push_back(operation);
        refreshMap();
        return;
    }
    auto handler = [weak = weak_from_this(), operation](Result result) {
        if (auto self = weak.lock()) {
            self->onResult(operation, std::move(result));
        } else if (!operation->done) {
            operation->done = true;
            operation->callback(std::move(result));
        }
    };
    if (operation->script != nullptr) {
        // Copies: the operation keeps its keys and arguments for a possible redirect.
        node->evalScript(*operation->script, operation->keys, operation->args, std::move(handler),
                         asking);
    } else {
        node->command(operation->argv, std::move(handler), asking);
    }
}

void ClusterRouter::onResult(const OperationPtr& operation, Result result) {
    if (operation->done) {
        return;
    }
    if (!result.ok()) {
        // The node is gone or unreachable: its slots may have a new primary by now.
        refreshMap();
        if (result.failure() == Failure::NotConnected && Clock::now() < operation->deadline) {
            // Never sent: safe to send again once the map is fresh.
            retryLater(operation, kRetryPause);
            return;
        }
        finish(operation, std::move(result));  // outcome unknown: never repeated here
        return;
    }
    if (!result.reply().isError()) {
        finish(operation, std::move(result));
        return;
    }
    const std::string& error = result.reply().text;
    if (auto redirect = cluster::parseRedirect(error)) {
        if (++operation->redirects > kMaxRedirects) {
            finish(operation, std::move(result));
            return;
        }
        std::string host = redirect->host;
        if (host.empty()) {
            // ":port" means "the address you reached me on": the node that answered.
            host = operation->sentTo;
        }
        event(redirect->kind == cluster::Redirect::Kind::Moved ? "moved" : "ask");
        operation->target = std::make_pair(std::move(host), redirect->port);
        operation->asking = redirect->kind == cluster::Redirect::Kind::Ask;
        if (redirect->kind == cluster::Redirect::Kind::Moved) {
            refreshMap();
        }
        dispatch(operation);
        return;
    }
    if ((startsWith(error, "TRYAGAIN") || startsWith(error, "CLUSTERDOWN")) &&
        Clock::now() + kRetryPause < operation->deadline) {
        const bool down = startsWith(error, "CLUSTERDOWN");
        event(down ? "clusterdown" : "tryagain");
        if (down) {
            refreshMap();
        }
        retryLater(operation, kRetryPause);
        return;
    }
    finish(operation, std::move(result));
}

void ClusterRouter::retryLater(const OperationPtr& operation, std::chrono::milliseconds delay) {
    auto timer = std::make_shared<boost::asio::steady_timer>(io_, delay);
    timer->async_wait([weak = weak_from_this(), operation, timer](boost::system::error_code) {
        if (auto self = weak.lock()) {
            self->dispatch(operation);
        } else if (!operation->done) {
            operation->done = true;
            operation->callback(
                Result::ofFailure(Failure::NotConnected, "the Redis client stopped"));
        }
    });
}

void ClusterRouter::finish(const OperationPtr& operation, Result result) {
    if (operation->done) {
        return;
    }
    operation->done = true;
    operation->callback(std::move(result));
}

void ClusterRouter::refreshMap() {
    if (stopped_) {
        return;
    }
    if (refreshing_) {
        refreshAgain_ = true;  // the answer in flight may predate what made us ask
        return;
    }
    if (refreshTimerArmed_) {
        return;
    }
    if (const auto due = lastRefresh_ + kRefreshInterval; Clock::now() < due) {
        refreshAt(due);
        return;
    }
    refreshing_ = true;
    lastRefresh_ = Clock::now();
    ++refreshes_;
    event("map_refresh");
    // Ask the primaries we know, then their replicas, then the seeds: the first that answers.
    std::vector<std::pair<std::string, std::uint16_t>> candidates;
    if (map_) {
        for (const bool primaries : {true, false}) {
            for (const auto* node : map_->nodes()) {
                if (node->primary == primaries && node->online) {
                    candidates.emplace_back(node->host, node->port);
                }
            }
        }
    }
    for (const auto& seed : endpoint_.seeds) {
        candidates.emplace_back(seed.host, seed.port);
    }
    askForShards(std::move(candidates), 0);
}

void ClusterRouter::refreshAt(Clock::time_point due) {
    refreshTimerArmed_ = true;
    refreshTimer_.expires_at(due);
    refreshTimer_.async_wait([weak = weak_from_this()](boost::system::error_code error) {
        if (auto self = weak.lock()) {
            self->refreshTimerArmed_ = false;
            if (!error) {
                self->refreshMap();
            }
        }
    });
}

void ClusterRouter::askForShards(std::vector<std::pair<std::string, std::uint16_t>> candidates,
                                 std::size_t next) {
    if (stopped_) {
        return;
    }
    if (next >= candidates.size()) {
        // Nobody answered: the waiters whose time is up fail, and we ask again after a pause
        // that grows while the cluster stays unreachable.
        refreshing_ = false;
        log("no Redis Cluster node answered CLUSTER SHARDS; asking again in " +
            std::to_string(failedRefreshPause_.count()) + " ms");
        runWaiters();
        refreshAt(Clock::now() + failedRefreshPause_);
        failedRefreshPause_ = std::min(failedRefreshPause_ * 2, options_.reconnectMax);
        return;
    }
    const auto& [host, port] = candidates[next];
    auto node = connectionTo(host, port);
    node->command({"CLUSTER", "SHARDS"},
                  [weak = weak_from_this(), candidates, next](Result result) mutable {
                      auto self = weak.lock();
                      if (!self || self->stopped_) {
                          return;
                      }
                      std::string error;
                      std::optional<cluster::SlotMap> map;
                      if (result.ok()) {
                          map = cluster::SlotMap::fromReply(result.reply(), &error);
                      } else {
                          error = result.describe();
                      }
                      if (!map) {
                          self->log("Redis Cluster node " +
                                    nodeName(candidates[next].first, candidates[next].second) +
                                    " gave no slot map: " + error);
                          self->askForShards(std::move(candidates), next + 1);
                          return;
                      }
                      self->applyMap(std::move(*map));
                  });
}

void ClusterRouter::applyMap(cluster::SlotMap map) {
    refreshing_ = false;
    failedRefreshPause_ = options_.reconnectMin;
    const bool changed = !map_ || map_->shards().size() != map.shards().size() ||
                         !std::equal(map_->shards().begin(), map_->shards().end(),
                                     map.shards().begin(), [](const auto& a, const auto& b) {
                                         return a.slotRanges == b.slotRanges && a.nodes == b.nodes;
                                     });
    const bool first = !map_;
    if (changed) {
        std::string primaries;
        for (const auto& shard : map.shards()) {
            if (!shard.slotRanges.empty()) {
                const auto* node = map.primaryFor(shard.slotRanges.front().first);
                primaries += (primaries.empty() ? "" : ", ") + nodeName(node->host, node->port);
            }
        }
        log("Redis Cluster slot map: primaries " + primaries +
            (map.coversAllSlots() ? "" : " (some slots have no owner)"));
    }
    map_ = std::move(map);
    // Connect to every serving primary ahead of the first command; close the connections to
    // other nodes (replicas, seeds, a dead primary still listed): they would only reconnect in
    // vain. A refresh opens what it needs again.
    const auto serving = servingPrimaries();
    for (const auto* node : serving) {
        connectionTo(node->host, node->port);
    }
    for (auto it = nodes_.begin(); it != nodes_.end();) {
        const bool keep =
            std::any_of(serving.begin(), serving.end(), [&](const cluster::Node* node) {
                return nodeName(node->host, node->port) == it->first;
            });
        if (keep) {
            ++it;
        } else {
            // Closed from the event loop, not from inside the reply callback that may be running
            // on this very connection (the CLUSTER SHARDS answer).
            boost::asio::post(io_, [node = std::move(it->second)] { node->stop(); });
            it = nodes_.erase(it);
        }
    }
    if (changed && !first && options_.onReconnect) {
        options_.onReconnect();  // a new owner of some slots: callers treat it like a reconnect
    }
    runWaiters();
    if (refreshAgain_) {
        refreshAgain_ = false;
        refreshMap();
    }
}

void ClusterRouter::runWaiters() {
    auto waiters = std::move(waiters_);
    waiters_.clear();
    for (auto& operation : waiters) {
        if (map_ && operation->slot && map_->primaryFor(*operation->slot) != nullptr) {
            dispatch(operation);
        } else if (!operation->slot && anyConnectedPrimary()) {
            dispatch(operation);
        } else if (Clock::now() + kRetryPause < operation->deadline) {
            retryLater(operation, kRetryPause);
        } else {
            finish(operation, Result::ofFailure(Failure::NotConnected,
                                                "no Redis Cluster node serves this key's slot"));
        }
    }
}

std::shared_ptr<NodeConnection> ClusterRouter::connectionTo(const std::string& host,
                                                            std::uint16_t port) {
    const auto name = nodeName(host, port);
    if (auto found = nodes_.find(name); found != nodes_.end()) {
        return found->second;
    }
    Endpoint endpoint = endpoint_;
    endpoint.host = host;
    endpoint.port = port;
    endpoint.database = 0;
    auto node = std::make_shared<NodeConnection>(io_, std::move(endpoint), nodeOptions_);
    nodes_.emplace(name, node);
    if (!stopped_) {
        node->start();
    }
    return node;
}

std::shared_ptr<NodeConnection> ClusterRouter::anyConnectedPrimary() {
    if (map_) {
        for (const auto* node : map_->nodes()) {
            if (!node->primary) {
                continue;
            }
            if (auto found = nodes_.find(nodeName(node->host, node->port));
                found != nodes_.end() && found->second->isConnected()) {
                return found->second;
            }
        }
    }
    for (auto& [name, node] : nodes_) {
        if (node->isConnected()) {
            return node;
        }
    }
    return nullptr;
}

void ClusterRouter::event(std::string_view name) {
    if (options_.onClusterEvent) {
        options_.onClusterEvent(name);
    }
}

void ClusterRouter::log(const std::string& line) {
    if (options_.onLog) {
        options_.onLog(line);
    }
}

}  // namespace deskboard::server::redis
