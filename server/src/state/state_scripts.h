// The Lua scripts of the StateService, one per operation, so that every operation is one
// atomic round trip to Redis (EVALSHA). KEYS are always protocol::StateKeys in this order:
//   KEYS[1] state, KEYS[2] version, KEYS[3] modified, KEYS[4] checksum, KEYS[5] history
// (one hash tag, one cluster slot). Everything else comes as ARGV strings; nothing is ever
// formatted into a command. Versions are compared as Lua numbers (doubles, exact below 2^53),
// never as strings. A history entry is "<version> <lastModified> <bytes>\n<state JSON>", so the
// listing can return the header lines only.
//
// The reading scripts (history, history version, current version) start with kRefresh: they
// renew the sliding TTL only once it has run down far enough, so almost every read writes
// nothing (no EXPIRE in the AOF or on the replicas). They may still write, so they run with a
// plain EVALSHA, not EVALSHA_RO.
//
// The state read (GET, the request clients send most) is no script: StateService pipelines
// plain commands (MGET, PTTL) and runs kRefreshOnly only when the PTTL says the TTL ran down.
// A script's run costs Redis far more than those commands (issue 15, docs/performance.md).
#pragma once

#include <string>
#include <string_view>

namespace deskboard::server::state::scripts {

// refreshTtl(ttl, below): when the version key (set with the same TTL as the others by every
// write, and kept by a delete) has at most `below` milliseconds left, or no TTL at all, sets
// `ttl` seconds on all five keys; otherwise writes nothing. `below` is
// (REDIS_STATE_TTL - DESKBOARD_TTL_REFRESH_SECONDS) * 1000, so 0 seconds of refresh means every
// read renews. A scope with nothing stored (no version key) is left alone.
inline constexpr std::string_view kRefresh = R"lua(
local function refreshTtl(ttl, below)
    local left = redis.call('PTTL', KEYS[2])
    if left ~= -2 and left <= tonumber(below) then
        for i = 1, 5 do
            redis.call('EXPIRE', KEYS[i], ttl)
        end
    end
end
)lua";

// `script` publishing with SPUBLISH instead of PUBLISH (on a Redis Cluster, where a sharded
// message stays on the shard that owns the scope's slot, and the channel shares it).
inline std::string withPublish(std::string_view script, bool sharded) {
    std::string text(script);
    if (sharded) {
        constexpr std::string_view kClassic = "redis.call('PUBLISH', ";
        for (auto at = text.find(kClassic); at != std::string::npos; at = text.find(kClassic, at)) {
            text.replace(at, kClassic.size(), "redis.call('SPUBLISH', ");
            at += kClassic.size();
        }
    }
    return text;
}

// A reading script: kRefresh followed by its body.
inline std::string withRefresh(std::string_view body) {
    std::string script(kRefresh);
    script += body;
    return script;
}

// Save (PRODUCT.md's decision table, protocol::decideSave).
// ARGV[1] version (decimal), ARGV[2] state JSON, ARGV[3] checksum, ARGV[4] lastModified,
// ARGV[5] TTL in seconds, ARGV[6] last history index to keep (depth - 1),
// ARGV[7] history header "<version> <lastModified> <bytes>\n", ARGV[8] events channel,
// ARGV[9] event payload JSON.
// Returns {1} written, {2} idempotent retry (nothing written), or
// {3, current version, stored state or nil, lastModified or nil} on a conflict.
// The history push comes first, so a key of the wrong type fails the script before any write.
inline constexpr std::string_view kSave = R"lua(
local ttl = ARGV[5]
local curText = redis.call('GET', KEYS[2])
local cur = 0
if curText then
    cur = tonumber(curText)
    if not cur then
        return redis.error_reply('ERR the version counter is not a number')
    end
end
local v = tonumber(ARGV[1])
if v > cur then
    redis.call('LPUSH', KEYS[5], ARGV[7] .. ARGV[2])
    redis.call('LTRIM', KEYS[5], 0, ARGV[6])
    redis.call('EXPIRE', KEYS[5], ttl)
    redis.call('SET', KEYS[1], ARGV[2], 'EX', ttl)
    redis.call('SET', KEYS[2], ARGV[1], 'EX', ttl)
    redis.call('SET', KEYS[3], ARGV[4], 'EX', ttl)
    redis.call('SET', KEYS[4], ARGV[3], 'EX', ttl)
    redis.call('PUBLISH', ARGV[8], ARGV[9])
    return {1}
end
for i = 1, 5 do
    redis.call('EXPIRE', KEYS[i], ttl)
end
if v == cur and redis.call('GET', KEYS[4]) == ARGV[3] then
    return {2}
end
return {3, curText or '0', redis.call('GET', KEYS[1]), redis.call('GET', KEYS[3])}
)lua";

// The TTL refresh alone, for the state read (plain commands) once its PTTL reached the
// threshold: kRefresh decides again inside the script. ARGV[1] TTL, ARGV[2] threshold (ms).
// Returns 1.
inline constexpr std::string_view kRefreshOnly = R"lua(
refreshTtl(ARGV[1], ARGV[2])
return 1
)lua";

// Delete. ARGV[1] the event text before its version, ARGV[2] TTL, ARGV[3] events channel,
// ARGV[4] the event text after its version (protocol::stateEventFrame: the C++ side writes the
// event {"version":...,"lastModified":<delete time>,"deviceId":...}; only the version, known
// here from INCR, is put in by the script).
// Returns {0} when no state is stored (nothing changes), else {1, new version}: the state,
// modified and checksum are gone, the counter moved on by one, the history stays, and the event
// is published. INCR comes first, so a corrupt counter fails the script before any change.
inline constexpr std::string_view kDelete = R"lua(
if redis.call('EXISTS', KEYS[1]) == 0 then
    return {0}
end
local v = redis.call('INCR', KEYS[2])
redis.call('DEL', KEYS[1], KEYS[3], KEYS[4])
redis.call('EXPIRE', KEYS[2], ARGV[2])
redis.call('EXPIRE', KEYS[5], ARGV[2])
local text = string.format('%d', v)
redis.call('PUBLISH', ARGV[3], ARGV[1] .. text .. ARGV[4])
return {1, text}
)lua";

// History listing. ARGV[1] TTL, ARGV[2] last index to list (depth - 1: a depth lowered by
// configuration applies before the next write trims the list), ARGV[3] refresh threshold (ms).
// Returns the header lines
// "<version> <lastModified> <bytes>", newest first (an empty array when nothing was ever saved);
// never the states.
inline constexpr std::string_view kHistory = R"lua(
refreshTtl(ARGV[1], ARGV[3])
local entries = redis.call('LRANGE', KEYS[5], 0, ARGV[2])
local headers = {}
for i = 1, #entries do
    local entry = entries[i]
    local cut = string.find(entry, '\n', 1, true)
    if cut then
        headers[i] = string.sub(entry, 1, cut - 1)
    else
        headers[i] = entry
    end
end
return headers
)lua";

// One history version. ARGV[1] version (decimal), ARGV[2] TTL, ARGV[3] refresh threshold (ms).
// Returns the whole entry "<version> <lastModified> <bytes>\n<state>", or nil. The list is
// newest first with falling versions, so the search stops at the first older entry.
inline constexpr std::string_view kHistoryVersion = R"lua(
refreshTtl(ARGV[2], ARGV[3])
local wanted = tonumber(ARGV[1])
local count = redis.call('LLEN', KEYS[5])
for i = 0, count - 1 do
    local entry = redis.call('LINDEX', KEYS[5], i)
    if not entry then
        return false
    end
    local space = string.find(entry, ' ', 1, true)
    local version = space and tonumber(string.sub(entry, 1, space - 1))
    if version == wanted then
        return entry
    end
    if version and version < wanted then
        return false
    end
end
return false
)lua";

// Current version (event-stream catch-up). ARGV[1] TTL, ARGV[2] refresh threshold (ms).
// Returns {version, lastModified} while a state is stored, {version} after a delete (the
// delete's version must reach reconnecting clients too), or nil when nothing was ever saved.
inline constexpr std::string_view kCurrentVersion = R"lua(
refreshTtl(ARGV[1], ARGV[2])
local version = redis.call('GET', KEYS[2])
if not version then
    return false
end
if redis.call('EXISTS', KEYS[1]) == 0 then
    return {version}
end
return {version, redis.call('GET', KEYS[3])}
)lua";

}  // namespace deskboard::server::state::scripts
