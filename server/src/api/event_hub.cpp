#include "event_hub.h"

#include <chrono>
#include <set>

#include <nlohmann/json.hpp>

#include <deskboard/protocol/event_stream.h>
#include <deskboard/protocol/history_messages.h>

namespace deskboard::server::api {
namespace {

constexpr std::string_view kEventPattern = "dashboard:events:*";
constexpr std::int64_t kRetryMilliseconds = 2000;
// How often a stream waiting for its scope's sharded subscription looks again.
constexpr std::chrono::milliseconds kSubscriptionPoll{20};

// One `version` event: its id is the version, its data the StateEvent JSON (one line).
std::string versionEvent(std::int64_t version, std::string_view data) {
    std::string text;
    protocol::appendSseEvent(text, std::to_string(version), "version", data);
    return text;
}

const std::string& greeting() {
    static const std::string text = [] {
        std::string out;
        protocol::appendSseRetry(out, kRetryMilliseconds);
        protocol::appendSseComment(out, "connected");
        return out;
    }();
    return text;
}

const std::string& heartbeatComment() {
    static const std::string text = [] {
        std::string out;
        protocol::appendSseComment(out, "heartbeat");
        return out;
    }();
    return text;
}

long long unixNow() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

}  // namespace

struct EventHub::Listener {
    std::shared_ptr<http::EventStream> stream;
    std::string channel;
    protocol::StateKeys keys;
    std::string userId;
    std::string loginId;
    long long expiresAt = 0;
    std::int64_t lastVersion = 0;
};

EventHub::EventHub(boost::asio::io_context& io, const redis::Endpoint& endpoint,
                   redis::ClientOptions subscriberOptions, redis::Client& redis,
                   state::StateService& state, auth::AuthService& auth, StreamLimiter& limiter,
                   Metrics& metrics, std::chrono::seconds heartbeat, auth::AccessTokenCache* tokens)
    : io_(io),
      redis_(redis),
      state_(state),
      auth_(auth),
      limiter_(limiter),
      metrics_(metrics),
      heartbeatInterval_(heartbeat),
      tokens_(tokens),
      tokenListener_(tokens != nullptr ? tokens->addListener() : 0),
      subscriber_(
          io, endpoint,
          redis::Subscriptions{endpoint.cluster
                                   ? std::vector<std::string>{}
                                   : std::vector<std::string>{std::string(kEventPattern)},
                               {std::string(kRevocationChannel)}},
          [this](std::string_view channel, std::string_view payload) {
              if (channel == kRevocationChannel) {
                  if (tokens_ != nullptr) {
                      tokens_->forgetLogin(payload);
                  }
                  closeLogin(payload);
              } else {
                  deliver(channel, payload);
              }
          },
          [this] {
              // Hearing again (which forgets every token: announcements made while the
              // subscriber was away were not heard); then the streams catch up.
              if (tokens_ != nullptr) {
                  tokens_->setHearing(tokenListener_, true);
              }
              catchUpAll();
          },
          withTokenListener(subscriberOptions)),
      subscriptionTimer_(io),
      heartbeatTimer_(io) {
    if (endpoint.cluster) {
        std::vector<redis::Endpoint> seeds;
        for (const auto& seed : endpoint.seeds) {
            redis::Endpoint node = endpoint;
            node.cluster = false;
            node.host = seed.host;
            node.port = seed.port;
            seeds.push_back(std::move(node));
        }
        sharded_ = std::make_unique<redis::ShardedSubscriber>(
            io, std::move(seeds),
            [this](std::string_view channel, std::string_view payload) {
                deliver(channel, payload);
            },
            [this] { catchUpAll(); }, std::move(subscriberOptions));
    }
}

EventHub::~EventHub() {
    stop();
}

redis::ClientOptions EventHub::withTokenListener(redis::ClientOptions options) {
    if (tokens_ != nullptr) {
        options.onReconnect = [this, next = std::move(options.onReconnect)] {
            tokens_->setHearing(tokenListener_, false);  // the connection is lost
            if (next) {
                next();
            }
        };
    }
    return options;
}

void EventHub::start() {
    stopped_ = false;
    subscriber_.start();
    if (sharded_) {
        sharded_->start();
    }
    heartbeat();
}

void EventHub::stop() {
    if (stopped_) {
        return;
    }
    stopped_ = true;
    if (tokens_ != nullptr) {
        tokens_->setHearing(tokenListener_, false);
    }
    heartbeatTimer_.cancel();
    subscriptionTimer_.cancel();
    subscriber_.stop();
    if (sharded_) {
        sharded_->stop();
    }
    // A stream's onClosed runs later (posted); remove() takes each out of the map now.
    std::vector<std::shared_ptr<Listener>> all;
    for (const auto& [channel, listener] : byChannel_) {
        all.push_back(listener);
    }
    for (const auto& listener : all) {
        listener->stream->close();
        remove(listener);
    }
}

void EventHub::open(const std::shared_ptr<http::Exchange>& exchange,
                    const auth::Principal& principal, const protocol::StateKeys& keys,
                    std::optional<std::int64_t> lastEventId) {
    if (!limiter_.tryAcquire(principal.userId)) {
        protocol::ApiError error{protocol::ErrorCode::RateLimited,
                                 "too many open event streams for this user", 60};
        exchange->respond(http::Response{429,
                                         "application/json; charset=utf-8",
                                         protocol::errorBody(error),
                                         {{"Retry-After", "60"}}});
        return;
    }
    auto stream = exchange->startEventStream({});
    if (!stream) {
        limiter_.release(principal.userId);
        return;
    }
    auto listener =
        std::make_shared<Listener>(Listener{stream, keys.eventsChannel(), keys, principal.userId,
                                            principal.loginId, principal.expiresAt, 0});
    byChannel_.emplace(listener->channel, listener);
    metrics_.streamOpened();
    if (sharded_ && !sharded_->isSubscribed(listener->channel)) {
        sharded_->subscribe(listener->channel);
        if (awaitingSubscription_.insert(listener->channel).second &&
            awaitingSubscription_.size() == 1) {
            watchSubscriptions();
        }
    }
    stream->onClosed([this, weak = std::weak_ptr<Listener>(listener)] {
        if (auto alive = weak.lock()) {
            remove(alive);
        }
    });
    // Tell the client the stream is live and how long to wait before reconnecting.
    stream->send(greeting());
    if (lastEventId) {
        listener->lastVersion = *lastEventId;
        catchUp(listener);
    }
}

void EventHub::remove(const std::shared_ptr<Listener>& listener) {
    auto [first, last] = byChannel_.equal_range(listener->channel);
    for (auto it = first; it != last; ++it) {
        if (it->second == listener) {
            byChannel_.erase(it);
            limiter_.release(listener->userId);
            metrics_.streamClosed();
            if (sharded_ && byChannel_.find(listener->channel) == byChannel_.end()) {
                sharded_->unsubscribe(listener->channel);
                awaitingSubscription_.erase(listener->channel);
            }
            return;
        }
    }
}

// Polls the channels whose sharded subscription is pending; once one is confirmed, its streams
// catch up (a new stream gets the current version, an older one what it may have missed).
void EventHub::watchSubscriptions() {
    subscriptionTimer_.expires_after(kSubscriptionPoll);
    subscriptionTimer_.async_wait([this](const boost::system::error_code& error) {
        if (error || stopped_ || !sharded_) {
            return;
        }
        for (auto it = awaitingSubscription_.begin(); it != awaitingSubscription_.end();) {
            if (!sharded_->isSubscribed(*it)) {
                ++it;
                continue;
            }
            auto [first, last] = byChannel_.equal_range(*it);
            for (auto listener = first; listener != last; ++listener) {
                catchUp(listener->second);
            }
            it = awaitingSubscription_.erase(it);
        }
        if (!awaitingSubscription_.empty()) {
            watchSubscriptions();
        }
    });
}

void EventHub::deliver(std::string_view channel, std::string_view payload) {
    auto [first, last] = byChannel_.equal_range(channel);
    if (first == last) {
        return;
    }
    // The payload was written by protocol::appendStateEvent (save) or around
    // protocol::stateEventFrame (delete script); it is forwarded as it is, once it reads back.
    const auto parsed = nlohmann::json::parse(payload, nullptr, false);
    const auto stateEvent = protocol::stateEventFromJson(parsed);
    if (!stateEvent) {
        return;
    }
    const auto version = stateEvent.value().version;
    const std::string event = versionEvent(version, payload);
    std::vector<std::shared_ptr<Listener>> targets;
    for (auto it = first; it != last; ++it) {
        targets.push_back(it->second);
    }
    for (const auto& listener : targets) {
        if (version > listener->lastVersion) {
            listener->lastVersion = version;
            listener->stream->send(event);
        }
    }
}

void EventHub::catchUp(const std::shared_ptr<Listener>& listener) {
    state_.currentVersion(
        listener->keys, [listener](protocol::Expected<std::optional<state::StoredState>> current) {
            if (!current || !current.value() || !listener->stream->isOpen()) {
                return;
            }
            const auto& stored = *current.value();
            if (stored.version <= listener->lastVersion) {
                return;
            }
            listener->lastVersion = stored.version;
            // The saving device is not kept; after a delete there is no modified time.
            std::string data;
            protocol::appendStateEvent(data, stored.version,
                                       stored.lastModified.empty()
                                           ? std::nullopt
                                           : std::optional<std::string_view>(stored.lastModified),
                                       std::nullopt);
            listener->stream->send(versionEvent(stored.version, data));
        });
}

// After (re)subscribing, events published while the subscriber was away are fetched.
void EventHub::catchUpAll() {
    for (const auto& [channel, listener] : byChannel_) {
        if (listener->lastVersion > 0) {
            catchUp(listener);
        }
    }
}

void EventHub::revokeLogin(const std::string& loginId) {
    closeLogin(loginId);
}

void EventHub::closeLogin(std::string_view loginId) {
    std::vector<std::shared_ptr<Listener>> revoked;
    for (const auto& [channel, listener] : byChannel_) {
        if (listener->loginId == loginId) {
            revoked.push_back(listener);
        }
    }
    for (const auto& listener : revoked) {
        listener->stream->close();
        remove(listener);
    }
}

void EventHub::heartbeat() {
    if (stopped_) {
        return;
    }
    const long long now = unixNow();
    std::vector<std::shared_ptr<Listener>> expired;
    std::set<std::string> logins;
    for (const auto& [channel, listener] : byChannel_) {
        if (listener->expiresAt <= now) {
            expired.push_back(listener);
        } else {
            listener->stream->send(heartbeatComment());
            logins.insert(listener->loginId);
        }
    }
    for (const auto& listener : expired) {
        listener->stream->close();
        remove(listener);
    }
    // Logins revoked without an announcement (refresh-token reuse) end within one interval.
    for (const auto& loginId : logins) {
        auth_.loginAlive(loginId, [this, loginId](protocol::Expected<bool> alive) {
            if (alive && !alive.value()) {
                closeLogin(loginId);
            }
        });
    }
    heartbeatTimer_.expires_after(heartbeatInterval_);
    heartbeatTimer_.async_wait([this](const boost::system::error_code& error) {
        if (!error) {
            heartbeat();
        }
    });
}

}  // namespace deskboard::server::api
