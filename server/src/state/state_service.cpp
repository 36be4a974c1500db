// The dashboard state on Redis: each operation is one Lua script (state_scripts.h) run with
// EVALSHA, so the save decision, the history and the event publication are one atomic step in
// one cluster slot. This file builds the script arguments (timestamps, history headers, event
// payloads written by protocol::appendStateEvent) and turns the replies into outcomes; every Redis
// failure and every reply of an unexpected shape becomes storage_unavailable, never a crash.
#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <string_view>
#include <utility>

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

// The kRefresh threshold: a read renews the TTL once at most this many milliseconds are left,
// i.e. once it has run down by the refresh interval (kept within 0 .. TTL - 1 seconds).
std::string refreshBelow(const StateOptions& options) {
    const long long ttl = std::max(options.ttlSeconds, 1LL);
    const long long refresh = std::clamp(options.ttlRefreshSeconds, 0LL, ttl - 1);
    return std::to_string((ttl - refresh) * 1000);
}

}  // namespace

StateService::StateService(redis::Client& redis, StateOptions options)
    : redis_(redis),
      options_(options),
      ttlArgument_(std::to_string(std::max(options.ttlSeconds, 1LL))),
      refreshBelowArgument_(refreshBelow(options)),
      lastHistoryIndex_(std::to_string(std::max(options.historyDepth, 1) - 1)),
      readScript_(scripts::withRefresh(scripts::kRead)),
      saveScript_(scripts::withPublish(scripts::kSave, options.shardedEvents)),
      deleteScript_(scripts::withPublish(scripts::kDelete, options.shardedEvents)),
      historyScript_(scripts::withRefresh(scripts::kHistory)),
      historyVersionScript_(scripts::withRefresh(scripts::kHistoryVersion)),
      currentVersionScript_(scripts::withRefresh(scripts::kCurrentVersion)) {}

void StateService::read(const protocol::StateKeys& keys, std::optional<std::int64_t> ifNoneMatch,
                        std::function<void(Expected<ReadOutcome>)> done) {
    // A version outside [1, 2^53) can match nothing stored (and would be inexact in Lua).
    std::string match = ifNoneMatch && isVersion(*ifNoneMatch) ? std::to_string(*ifNoneMatch) : "";
    redis_.evalScript(readScript_, keyList(keys),
                      {std::move(match), ttlArgument_, refreshBelowArgument_},
                      [done = std::move(done)](Result result) {
                          constexpr std::string_view operation = "state read";
                          if (!result.succeeded()) {
                              return done(storageError(operation, result));
                          }
                          auto& reply = result.reply();
                          const auto tag = tagOf(reply);
                          ReadOutcome outcome;
                          if (tag == 0 && reply.elements.size() == 1) {
                              outcome.kind = ReadOutcome::Kind::NotFound;
                              return done(std::move(outcome));
                          }
                          if (tag == 1 && reply.elements.size() == 2) {
                              const auto version = versionOf(reply.elements[1]);
                              if (!version) {
                                  return done(malformedReply(operation));
                              }
                              outcome.kind = ReadOutcome::Kind::NotModified;
                              outcome.stored.version = *version;
                              return done(std::move(outcome));
                          }
                          if (tag == 2 && reply.elements.size() == 4 &&
                              reply.elements[2].isString() && reply.elements[3].isString()) {
                              const auto version = versionOf(reply.elements[1]);
                              if (!version) {
                                  return done(malformedReply(operation));
                              }
                              outcome.kind = ReadOutcome::Kind::Found;
                              outcome.stored.version = *version;
                              outcome.stored.stateJson = std::move(reply.elements[2].text);
                              outcome.stored.lastModified = std::move(reply.elements[3].text);
                              return done(std::move(outcome));
                          }
                          done(malformedReply(operation));
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
    std::string header =
        versionText + ' ' + lastModified + ' ' + std::to_string(stateJson.size()) + '\n';
    std::string payload = eventPayload(version, lastModified, deviceId);
    std::vector<std::string> args;
    args.reserve(9);
    args.push_back(std::move(versionText));
    args.push_back(std::move(stateJson));  // the only copy of the state we hold
    args.push_back(std::move(checksum));
    args.push_back(lastModified);
    args.push_back(ttlArgument_);
    args.push_back(lastHistoryIndex_);
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
                      {ttlArgument_, lastHistoryIndex_, refreshBelowArgument_},
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
                          if (!reply.isString()) {
                              return done(malformedReply(operation));
                          }
                          std::string& entry = reply.text;
                          const auto cut = entry.find('\n');
                          const auto header =
                              cut == std::string::npos
                                  ? std::nullopt
                                  : parseHeader(std::string_view(entry).substr(0, cut));
                          if (!header || header->version != version) {
                              return done(malformedReply(operation));
                          }
                          StoredState stored;
                          stored.version = header->version;
                          stored.lastModified = header->lastModified;
                          entry.erase(0, cut + 1);  // in place: the state is not copied again
                          stored.stateJson = std::move(entry);
                          done(std::optional<StoredState>(std::move(stored)));
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
