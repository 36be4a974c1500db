// The dashboard state of one user in one workspace, kept in Redis under protocol::StateKeys
// (PRODUCT.md section 2, "Dashboard state" and "Redis keys"). Each write is one Lua script,
// so the save decision table, the history and the event publication happen atomically in one
// cluster slot; the state read is plain pipelined commands (one MGET of the scope's keys and a
// PTTL), far cheaper for Redis than a script. Every write sets the TTL on all keys; a read renews
// it only once it has run down by ttlRefreshSeconds, so almost every read writes nothing.
// Asynchronous: callbacks run on the io thread of the redis::Client. Redis failures come back
// as ApiError storage_unavailable.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <deskboard/protocol/expected.h>
#include <deskboard/protocol/redis_keys.h>
#include <deskboard/server/redis/redis_client.h>

namespace deskboard::server::state {

using protocol::Expected;

struct StateOptions {
    long long ttlSeconds = 2592000;       // REDIS_STATE_TTL
    long long ttlRefreshSeconds = 86400;  // DESKBOARD_TTL_REFRESH_SECONDS (0: every read)
    int historyDepth = 20;                // DESKBOARD_HISTORY_DEPTH
    // Publish events with SPUBLISH (sharded pub/sub, a Redis Cluster: the message stays on the
    // shard that owns the scope) instead of PUBLISH.
    bool shardedEvents = false;
};

// A stored state as JSON text, exactly as it was saved.
struct StoredState {
    std::int64_t version = 0;
    std::string stateJson;
    std::string lastModified;  // ISO 8601 UTC with milliseconds, e.g. 2026-11-25T10:00:00.000Z
};

struct ReadOutcome {
    enum class Kind { Found, NotModified, NotFound };
    Kind kind = Kind::NotFound;
    StoredState stored;  // Found: all; NotModified: version only
};

struct SaveOutcome {
    enum class Kind { Accepted, Idempotent, Conflict };
    Kind kind = Kind::Conflict;
    std::int64_t serverVersion = 0;
    // Conflict only: the server's copy; both empty after a delete.
    std::optional<std::string> serverStateJson;
    std::optional<std::string> lastModified;
};

struct DeleteOutcome {
    bool deleted = false;
    std::int64_t version = 0;  // the version the delete took (0 when nothing was deleted)
};

struct HistoryEntry {
    std::int64_t version = 0;
    std::string lastModified;
    std::int64_t bytes = 0;
};

// Keep the service alive while its operations are in flight (the scripts it owns are used by
// the client until the answers come). Not copyable: the scripts must not move.
class StateService {
  public:
    // A ttlSeconds below 1 is taken as 1, a historyDepth below 1 as 1; ttlRefreshSeconds is kept
    // within 0 .. ttlSeconds - 1.
    StateService(redis::Client& redis, StateOptions options);
    StateService(const StateService&) = delete;
    StateService& operator=(const StateService&) = delete;

    // GET: ifNoneMatch is the version of the client's ETag, if it sent one.
    void read(const protocol::StateKeys& keys, std::optional<std::int64_t> ifNoneMatch,
              std::function<void(Expected<ReadOutcome>)> done);

    // POST: stateJson is the state as received (a JSON object, already validated), checksum its
    // protocol::stateChecksum; deviceId is the X-Device-Id of the saving request (empty: none).
    // An accepted save publishes {"version","lastModified","deviceId"} on keys.eventsChannel().
    void save(const protocol::StateKeys& keys, std::int64_t version, std::string stateJson,
              std::string checksum, std::string deviceId,
              std::function<void(Expected<SaveOutcome>)> done);

    // DELETE: removes state, checksum and modified; the version counter moves on by one and the
    // history stays (PRODUCT.md). Publishes the new version like a save.
    void remove(const protocol::StateKeys& keys, std::string deviceId,
                std::function<void(Expected<DeleteOutcome>)> done);

    // Newest first; empty when nothing was ever saved.
    void history(const protocol::StateKeys& keys,
                 std::function<void(Expected<std::vector<HistoryEntry>>)> done);

    // One version from the history, or nothing.
    void historyVersion(const protocol::StateKeys& keys, std::int64_t version,
                        std::function<void(Expected<std::optional<StoredState>>)> done);

    // The current version and lastModified only (for event-stream catch-up): after a delete the
    // delete's version with an empty lastModified; nothing when nothing was ever saved.
    void currentVersion(const protocol::StateKeys& keys,
                        std::function<void(Expected<std::optional<StoredState>>)> done);

  private:
    // The read's second steps: the whole read after an If-None-Match that did not match, and
    // the TTL refresh once millisLeft (the version key's PTTL) reached the threshold.
    void readAll(const protocol::StateKeys& keys, long long millisLeft,
                 std::function<void(Expected<ReadOutcome>)> done);
    void finishRead(const protocol::StateKeys& keys, long long millisLeft, ReadOutcome outcome,
                    std::function<void(Expected<ReadOutcome>)> done);

    redis::Client& redis_;
    StateOptions options_;
    std::string ttlArgument_;           // options_.ttlSeconds as a script argument
    long long refreshBelowMillis_;      // renew the TTL at or below this many ms left
    std::string refreshBelowArgument_;  // the same as a script argument
    std::string historyDepthArgument_;  // historyDepth, entries the listing returns at most
    std::string lastHistoryElement_;    // 2 * historyDepth - 1 (two elements an entry), for LTRIM
    // One set of scripts per service (a service belongs to one client and its io thread): each
    // remembers its SHA after the first load, so later runs are a plain EVALSHA.
    redis::Script refreshScript_;  // the state read's TTL refresh (the read itself is no script)
    redis::Script saveScript_;
    redis::Script deleteScript_;
    redis::Script historyScript_;
    redis::Script historyVersionScript_;
    redis::Script currentVersionScript_;
};

}  // namespace deskboard::server::state
