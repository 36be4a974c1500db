// The Lua scripts of the StateService, one per operation, so that every operation is one
// atomic round trip to Redis (EVALSHA). KEYS are always protocol::StateKeys in this order:
//   KEYS[1] state, KEYS[2] version, KEYS[3] modified, KEYS[4] checksum, KEYS[5] history
// (one hash tag, one cluster slot). Everything else comes as ARGV strings; nothing is ever
// formatted into a command. Versions are compared as Lua numbers (doubles, exact below 2^53),
// never as strings.
//
// A history entry is two list elements, its header "<version> <lastModified> <bytes>" and then
// its state JSON, so the listing reads the headers only. The state never becomes a new Lua
// string in the save: Redis's Lua hashes every byte of every string it makes, and building
// "<header>\n<state>" in the script (the format of 0.1, still read: one element holding both,
// always older than every pair) cost a POST as much Redis CPU as the rest of the script
// (issue 15, docs/performance.md).
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
// ARGV[5] TTL in seconds, ARGV[6] last history element to keep (2 * depth - 1: a whole pair),
// ARGV[7] history header "<version> <lastModified> <bytes>", ARGV[8] events channel,
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
    redis.call('LPUSH', KEYS[5], ARGV[2], ARGV[7])
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

// eachHistoryEntry(limit, visit): calls visit(header, stateIndex, combined) for at most `limit`
// entries, newest first, until visit returns true. stateIndex is the list index of the entry's
// state element; combined is the whole element of an entry in 0.1's one-element format (nil for a
// pair). Only header elements are read (and the old entries, until they age out).
inline constexpr std::string_view kHistoryWalk = R"lua(
local function eachHistoryEntry(limit, visit)
    local index = 0
    for _ = 1, limit do
        local element = redis.call('LINDEX', KEYS[5], index)
        if not element then
            return
        end
        local cut = string.find(element, '\n', 1, true)
        if cut then
            if visit(string.sub(element, 1, cut - 1), nil, element) then
                return
            end
            index = index + 1
        else
            if visit(element, index + 1, nil) then
                return
            end
            index = index + 2
        end
    end
end
)lua";

// A reading script of the history: kRefresh and kHistoryWalk, then its body.
inline std::string withHistoryWalk(std::string_view body) {
    std::string script(kRefresh);
    script += kHistoryWalk;
    script += body;
    return script;
}

// History listing. ARGV[1] TTL, ARGV[2] the depth (a depth lowered by configuration applies
// before the next write trims the list), ARGV[3] refresh threshold (ms).
// Returns the header lines "<version> <lastModified> <bytes>", newest first (an empty array
// when nothing was ever saved); never the states.
inline constexpr std::string_view kHistory = R"lua(
refreshTtl(ARGV[1], ARGV[3])
local headers = {}
eachHistoryEntry(tonumber(ARGV[2]), function(header)
    headers[#headers + 1] = header
end)
return headers
)lua";

// One history version. ARGV[1] version (decimal), ARGV[2] TTL, ARGV[3] refresh threshold (ms).
// Returns {header, state}, the whole entry "<header>\n<state>" of 0.1's format, or nil. The
// list is newest first with falling versions, so the search stops at the first older entry.
inline constexpr std::string_view kHistoryVersion = R"lua(
refreshTtl(ARGV[2], ARGV[3])
local wanted = tonumber(ARGV[1])
local found = false
eachHistoryEntry(redis.call('LLEN', KEYS[5]), function(header, stateIndex, combined)
    local space = string.find(header, ' ', 1, true)
    local version = space and tonumber(string.sub(header, 1, space - 1))
    if version == wanted then
        if combined then
            found = combined
        else
            local state = redis.call('LINDEX', KEYS[5], stateIndex)
            found = state and {header, state} or false
        end
        return true
    end
    return version ~= nil and version < wanted
end)
return found
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
