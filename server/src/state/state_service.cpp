// The dashboard state on Redis: each write is one Lua script (state_scripts.h) run with
// EVALSHA, so the save decision, the history and the event publication are one atomic step in
// one cluster slot. The state read, the request clients send most, is plain commands pipelined
// on one connection (MGET of the scope's keys, or GET + EXISTS for an If-None-Match, and a PTTL
// of the version key): a script's run costs Redis several times what they cost, and the TTL
// refresh script runs only when the PTTL says the TTL ran down (issue 15). This file builds the
// script arguments (timestamps, history headers, event payloads written by
// protocol::appendStateEvent) and turns the replies into outcomes; every Redis failure and every
// reply of an unexpected shape becomes storage_unavailable, never a crash.
#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstddef>
#include <cstdio>
#include <ctime>
#include <functional>
#include <memory>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include <deskboard/protocol/error.h>
#include <deskboard/protocol/history_messages.h>
#include <deskboard/protocol/messages.h>
#include <deskboard/server/state/state_service.h>

#include "state_scripts.h"

namespace deskboard::server::state {
namespace {

using protocol::ApiError;
using protocol::ErrorCode;
using redis::Reply;
using redis::Result;

ApiError storageError(std::string_view operation, const Result& result) {
    return ApiError{
        ErrorCode::StorageUnavailable,
        "storage unavailable: the " + std::string(operation) + " failed: " + result.describe()};
}

ApiError malformedReply(std::string_view operation) {
    return ApiError{ErrorCode::StorageUnavailable, "storage unavailable: the " +
                                                       std::string(operation) +
                                                       " got an unexpected reply from Redis"};
}

std::optional<std::int64_t> parseInteger(std::string_view text) {
    std::int64_t value = 0;
    const auto* end = text.data() + text.size();
    const auto result = std::from_chars(text.data(), end, value);
    if (text.empty() || result.ec != std::errc() || result.ptr != end) {
        return std::nullopt;
    }
    return value;
}

// A version as the scripts return it: a decimal string (or an integer), at least 0.
std::optional<std::int64_t> versionOf(const Reply& reply) {
    const auto value = reply.asInteger();
    if (!value || *value < 0) {
        return std::nullopt;
    }
    return static_cast<std::int64_t>(*value);
}

// The integer tag a script puts first in its answer, or nothing.
std::optional<long long> tagOf(const Reply& reply) {
    if (!reply.isArray() || reply.elements.empty() || !reply.elements[0].isInteger()) {
        return std::nullopt;
    }
    return reply.elements[0].integer;
}

bool isVersion(std::int64_t version) {
    return version >= 1 && version <= protocol::kMaxVersion;
}

// Now as ISO 8601 UTC with milliseconds, e.g. 2026-11-25T10:00:00.123Z.
std::string utcNow() {
    const auto now =
        std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
    const auto seconds = std::chrono::floor<std::chrono::seconds>(now);
    const auto millis = (now - seconds).count();
    const std::time_t time = std::chrono::system_clock::to_time_t(seconds);
    std::tm parts{};
    gmtime_r(&time, &parts);
    char text[64];
    std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", parts.tm_year + 1900,
                  parts.tm_mon + 1, parts.tm_mday, parts.tm_hour, parts.tm_min, parts.tm_sec,
                  static_cast<int>(millis));
    return text;
}

// The deviceId of an event: none when the request sent no X-Device-Id. The protocol's writer
// escapes it, so a client-sent header cannot break the event JSON.
std::optional<std::string_view> eventDevice(const std::string& deviceId) {
    return deviceId.empty() ? std::nullopt : std::optional<std::string_view>(deviceId);
}

// The event of an accepted version, {"version":v,"lastModified":"...","deviceId":...}.
std::string eventPayload(std::int64_t version, const std::string& lastModified,
                         const std::string& deviceId) {
    std::string payload;
    protocol::appendStateEvent(payload, version, lastModified, eventDevice(deviceId));
    return payload;
}

std::vector<std::string> keyList(const protocol::StateKeys& keys) {
    return {keys.state(), keys.version(), keys.modified(), keys.checksum(), keys.history()};
}

// "<version> <lastModified> <bytes>" of a history entry.
std::optional<HistoryEntry> parseHeader(std::string_view header) {
    const auto first = header.find(' ');
    if (first == std::string_view::npos) {
        return std::nullopt;
    }
    const auto second = header.find(' ', first + 1);
    if (second == std::string_view::npos) {
        return std::nullopt;
    }
    const auto version = parseInteger(header.substr(0, first));
    const auto bytes = parseInteger(header.substr(second + 1));
    const auto lastModified = header.substr(first + 1, second - first - 1);
    if (!version || !bytes || lastModified.empty()) {
        return std::nullopt;
    }
    return HistoryEntry{*version, std::string(lastModified), *bytes};
}

// A history entry as kHistoryVersion returns it: {header, state}, or one "<header>\n<state>"
// string (0.1's format). The state is moved out of the reply, never copied.
std::optional<StoredState> storedHistoryEntry(Reply& reply) {
    std::optional<HistoryEntry> header;
    std::string state;
    if (reply.isArray() && reply.elements.size() == 2 && reply.elements[0].isString() &&
        reply.elements[1].isString()) {
        header = parseHeader(reply.elements[0].text);
        state = std::move(reply.elements[1].text);
    } else if (reply.isString()) {
        std::string& entry = reply.text;
        const auto cut = entry.find('\n');
        if (cut != std::string::npos) {
            header = parseHeader(std::string_view(entry).substr(0, cut));
            entry.erase(0, cut + 1);  // in place: the state is not copied again
            state = std::move(entry);
        }
    }
    if (!header) {
        return std::nullopt;
    }
    StoredState stored;
    stored.version = header->version;
    stored.lastModified = std::move(header->lastModified);
    stored.stateJson = std::move(state);
    return stored;
}

// The kRefresh threshold: a read renews the TTL once at most this many milliseconds are left,
// i.e. once it has run down by the refresh interval (kept within 0 .. TTL - 1 seconds).
long long refreshBelow(const StateOptions& options) {
    const long long ttl = std::max(options.ttlSeconds, 1LL);
    const long long refresh = std::clamp(options.ttlRefreshSeconds, 0LL, ttl - 1);
    return (ttl - refresh) * 1000;
}

// Sends `commands` back to back on the client (pipelined: one connection, in order; on a
// cluster all of them name keys of one slot, so they go to the same node) and calls `done` once
// with every result, in the order of the commands.
void pipeline(redis::Client& redis, std::vector<std::vector<std::string>> commands,
              std::function<void(std::vector<Result>)> done) {
    struct Batch {
        std::vector<std::optional<Result>> results;
        std::size_t pending = 0;
        std::function<void(std::vector<Result>)> done;
    };
    auto batch = std::make_shared<Batch>();
    batch->results.resize(commands.size());
    batch->pending = commands.size();
    batch->done = std::move(done);
    for (std::size_t i = 0; i < commands.size(); ++i) {
        redis.command(commands[i], [batch, i](Result result) {
            batch->results[i] = std::move(result);
            if (--batch->pending == 0) {
                std::vector<Result> all;
                all.reserve(batch->results.size());
                for (auto& each : batch->results) {
                    all.push_back(std::move(*each));
                }
                batch->done(std::move(all));
            }
        });
    }
}

// The first result of `results` that did not succeed, or nothing.
const Result* firstFailure(const std::vector<Result>& results) {
    for (const auto& result : results) {
        if (!result.succeeded()) {
            return &result;
        }
    }
    return nullptr;
}

// The outcome of an MGET of version, state, modified (the read script's answer before issue 15:
// no state is NotFound, whatever the counter says; a state needs a version and a lastModified).
std::optional<ReadOutcome> outcomeOfMget(Reply& reply) {
    if (!reply.isArray() || reply.elements.size() != 3) {
        return std::nullopt;
    }
    auto& state = reply.elements[1];
    ReadOutcome outcome;
    if (state.isNil()) {
        outcome.kind = ReadOutcome::Kind::NotFound;
        return outcome;
    }
    auto& modified = reply.elements[2];
    const auto version = versionOf(reply.elements[0]);
    if (!version || !state.isString() || !modified.isString()) {
        return std::nullopt;
    }
    outcome.kind = ReadOutcome::Kind::Found;
    outcome.stored.version = *version;
    outcome.stored.stateJson = std::move(state.text);
    outcome.stored.lastModified = std::move(modified.text);
    return outcome;
}

}  // namespace

StateService::StateService(redis::Client& redis, StateOptions options)
    : redis_(redis),
      options_(options),
      ttlArgument_(std::to_string(std::max(options.ttlSeconds, 1LL))),
      refreshBelowMillis_(refreshBelow(options)),
      refreshBelowArgument_(std::to_string(refreshBelowMillis_)),
      historyDepthArgument_(std::to_string(std::max(options.historyDepth, 1))),
      lastHistoryElement_(std::to_string(2 * std::max(options.historyDepth, 1) - 1)),
      refreshScript_(scripts::withRefresh(scripts::kRefreshOnly)),
      saveScript_(scripts::withPublish(scripts::kSave, options.shardedEvents)),
      deleteScript_(scripts::withPublish(scripts::kDelete, options.shardedEvents)),
      historyScript_(scripts::withHistoryWalk(scripts::kHistory)),
      historyVersionScript_(scripts::withHistoryWalk(scripts::kHistoryVersion)),
      currentVersionScript_(scripts::withRefresh(scripts::kCurrentVersion)) {}

void StateService::read(const protocol::StateKeys& keys, std::optional<std::int64_t> ifNoneMatch,
                        std::function<void(Expected<ReadOutcome>)> done) {
    // A version outside [1, 2^53) can match nothing stored.
    if (ifNoneMatch && isVersion(*ifNoneMatch)) {
        // The not-modified path never copies the state out of Redis.
        pipeline(redis_,
                 {{"GET", keys.version()}, {"EXISTS", keys.state()}, {"PTTL", keys.version()}},
                 [this, keys, match = *ifNoneMatch,
                  done = std::move(done)](std::vector<Result> results) mutable {
                     if (const auto* failed = firstFailure(results)) {
                         return done(storageError("state read", *failed));
                     }
                     const auto left = results[2].reply().asInteger();
                     if (!results[2].reply().isInteger() || !left) {
                         return done(malformedReply("state read"));
                     }
                     const auto& version = results[0].reply();
                     if (version.isString() && versionOf(version) == match &&
                         results[1].reply().asInteger() == 1) {
                         ReadOutcome outcome;
                         outcome.kind = ReadOutcome::Kind::NotModified;
                         outcome.stored.version = match;
                         return finishRead(keys, *left, std::move(outcome), std::move(done));
                     }
                     // Changed (or gone): the whole read, with the PTTL already known.
                     readAll(keys, *left, std::move(done));
                 });
        return;
    }
    pipeline(redis_,
             {{"MGET", keys.version(), keys.state(), keys.modified()}, {"PTTL", keys.version()}},
             [this, keys, done = std::move(done)](std::vector<Result> results) mutable {
                 if (const auto* failed = firstFailure(results)) {
                     return done(storageError("state read", *failed));
                 }
                 const auto left = results[1].reply().asInteger();
                 auto outcome = outcomeOfMget(results[0].reply());
                 if (!results[1].reply().isInteger() || !left || !outcome) {
                     return done(malformedReply("state read"));
                 }
                 finishRead(keys, *left, std::move(*outcome), std::move(done));
             });
}

void StateService::readAll(const protocol::StateKeys& keys, long long millisLeft,
                           std::function<void(Expected<ReadOutcome>)> done) {
    redis_.command({"MGET", keys.version(), keys.state(), keys.modified()},
                   [this, keys, millisLeft, done = std::move(done)](Result result) mutable {
                       if (!result.succeeded()) {
                           return done(storageError("state read", result));
                       }
                       auto outcome = outcomeOfMget(result.reply());
                       if (!outcome) {
                           return done(malformedReply("state read"));
                       }
                       finishRead(keys, millisLeft, std::move(*outcome), std::move(done));
                   });
}

void StateService::finishRead(const protocol::StateKeys& keys, long long millisLeft,
                              ReadOutcome outcome,
                              std::function<void(Expected<ReadOutcome>)> done) {
    // kRefresh's rule: nothing stored (-2) or plenty left: the read wrote nothing. Otherwise the
    // refresh script decides again (atomically) and renews all five keys; the answer waits for
    // it, so a read that should renew and cannot fails like the read script did.
    if (millisLeft == -2 || millisLeft > refreshBelowMillis_) {
        return done(std::move(outcome));
    }
    redis_.evalScript(
        refreshScript_, keyList(keys), {ttlArgument_, refreshBelowArgument_},
        [outcome = std::move(outcome), done = std::move(done)](Result result) mutable {
            if (!result.succeeded()) {
                return done(storageError("state read", result));
            }
            done(std::move(outcome));
        });
}

void StateService::save(const protocol::StateKeys& keys, std::int64_t version,
                        std::string stateJson, std::string checksum, std::string deviceId,
                        std::function<void(Expected<SaveOutcome>)> done) {
    if (!isVersion(version)) {
        // The HTTP layer refuses these already; Lua could not compare them exactly.
        done(ApiError{ErrorCode::InvalidBody,
                      "field 'version' must be an integer from 1 to 2^53-1"});
        return;
    }
    const std::string lastModified = utcNow();
    std::string versionText = std::to_string(version);
    std::string header = versionText + ' ' + lastModified + ' ' + std::to_string(stateJson.size());
    std::string payload = eventPayload(version, lastModified, deviceId);
    std::vector<std::string> args;
    args.reserve(9);
    args.push_back(std::move(versionText));
    args.push_back(std::move(stateJson));  // the only copy of the state we hold
    args.push_back(std::move(checksum));
    args.push_back(lastModified);
    args.push_back(ttlArgument_);
    args.push_back(lastHistoryElement_);
    args.push_back(std::move(header));
    args.push_back(keys.eventsChannel());
    args.push_back(std::move(payload));
    redis_.evalScript(saveScript_, keyList(keys), std::move(args),
                      [version, done = std::move(done)](Result result) {
                          constexpr std::string_view operation = "state save";
                          if (!result.succeeded()) {
                              return done(storageError(operation, result));
                          }
                          auto& reply = result.reply();
                          const auto tag = tagOf(reply);
                          SaveOutcome outcome;
                          if ((tag == 1 || tag == 2) && reply.elements.size() == 1) {
                              outcome.kind = tag == 1 ? SaveOutcome::Kind::Accepted
                                                      : SaveOutcome::Kind::Idempotent;
                              outcome.serverVersion = version;
                              return done(std::move(outcome));
                          }
                          if (tag == 3 && reply.elements.size() == 4) {
                              const auto current = versionOf(reply.elements[1]);
                              auto& state = reply.elements[2];
                              auto& modified = reply.elements[3];
                              // Both present, or both absent (after a delete).
                              const bool present = state.isString() && modified.isString();
                              const bool absent = state.isNil() && modified.isNil();
                              if (!current || !(present || absent)) {
                                  return done(malformedReply(operation));
                              }
                              outcome.kind = SaveOutcome::Kind::Conflict;
                              outcome.serverVersion = *current;
                              if (present) {
                                  outcome.serverStateJson = std::move(state.text);
                                  outcome.lastModified = std::move(modified.text);
                              }
                              return done(std::move(outcome));
                          }
                          done(malformedReply(operation));
                      });
}

void StateService::remove(const protocol::StateKeys& keys, std::string deviceId,
                          std::function<void(Expected<DeleteOutcome>)> done) {
    // The script learns the new version from INCR; the event is written around it.
    auto frame = protocol::stateEventFrame(utcNow(), eventDevice(deviceId));
    redis_.evalScript(deleteScript_, keyList(keys),
                      {std::move(frame.beforeVersion), ttlArgument_, keys.eventsChannel(),
                       std::move(frame.afterVersion)},
                      [done = std::move(done)](Result result) {
                          constexpr std::string_view operation = "state delete";
                          if (!result.succeeded()) {
                              return done(storageError(operation, result));
                          }
                          const auto& reply = result.reply();
                          const auto tag = tagOf(reply);
                          if (tag == 0 && reply.elements.size() == 1) {
                              return done(DeleteOutcome{false, 0});
                          }
                          if (tag == 1 && reply.elements.size() == 2) {
                              if (const auto version = versionOf(reply.elements[1]);
                                  version && *version > 0) {
                                  return done(DeleteOutcome{true, *version});
                              }
                          }
                          done(malformedReply(operation));
                      });
}

void StateService::history(const protocol::StateKeys& keys,
                           std::function<void(Expected<std::vector<HistoryEntry>>)> done) {
    redis_.evalScript(historyScript_, keyList(keys),
                      {ttlArgument_, historyDepthArgument_, refreshBelowArgument_},
                      [done = std::move(done)](Result result) {
                          constexpr std::string_view operation = "history listing";
                          if (!result.succeeded()) {
                              return done(storageError(operation, result));
                          }
                          const auto& reply = result.reply();
                          if (!reply.isArray()) {
                              return done(malformedReply(operation));
                          }
                          std::vector<HistoryEntry> entries;
                          entries.reserve(reply.elements.size());
                          for (const auto& element : reply.elements) {
                              const auto text = element.asString();
                              auto entry = text ? parseHeader(*text) : std::nullopt;
                              if (!entry) {
                                  return done(malformedReply(operation));
                              }
                              entries.push_back(std::move(*entry));
                          }
                          done(std::move(entries));
                      });
}

void StateService::historyVersion(const protocol::StateKeys& keys, std::int64_t version,
                                  std::function<void(Expected<std::optional<StoredState>>)> done) {
    if (!isVersion(version)) {
        // No stored version lies outside [1, 2^53), and Lua could not compare it exactly.
        done(std::optional<StoredState>{});
        return;
    }
    redis_.evalScript(historyVersionScript_, keyList(keys),
                      {std::to_string(version), ttlArgument_, refreshBelowArgument_},
                      [version, done = std::move(done)](Result result) {
                          constexpr std::string_view operation = "history read";
                          if (!result.succeeded()) {
                              return done(storageError(operation, result));
                          }
                          auto& reply = result.reply();
                          if (reply.isNil()) {
                              return done(std::optional<StoredState>{});
                          }
                          auto stored = storedHistoryEntry(reply);
                          if (!stored || stored->version != version) {
                              return done(malformedReply(operation));
                          }
                          done(std::optional<StoredState>(std::move(*stored)));
                      });
}

void StateService::currentVersion(const protocol::StateKeys& keys,
                                  std::function<void(Expected<std::optional<StoredState>>)> done) {
    redis_.evalScript(currentVersionScript_, keyList(keys), {ttlArgument_, refreshBelowArgument_},
                      [done = std::move(done)](Result result) {
                          constexpr std::string_view operation = "current version read";
                          if (!result.succeeded()) {
                              return done(storageError(operation, result));
                          }
                          auto& reply = result.reply();
                          if (reply.isNil()) {
                              return done(std::optional<StoredState>{});
                          }
                          const bool deleted = reply.isArray() && reply.elements.size() == 1;
                          if (deleted || (reply.isArray() && reply.elements.size() == 2 &&
                                          reply.elements[1].isString())) {
                              if (const auto version = versionOf(reply.elements[0]); version) {
                                  StoredState stored;
                                  stored.version = *version;
                                  if (!deleted) {
                                      stored.lastModified = std::move(reply.elements[1].text);
                                  }
                                  return done(std::optional<StoredState>(std::move(stored)));
                              }
                          }
                          done(malformedReply(operation));
                      });
}

}  // namespace deskboard::server::state
