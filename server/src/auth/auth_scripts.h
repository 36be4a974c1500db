// The Lua scripts of the AuthService, one per operation, so that every step that must be atomic
// (user creation, login creation, refresh rotation with its grace answer and reuse detection,
// revocation, deletion, grants) is one round trip to Redis (EVALSHA). Each script but
// kNamedMembers runs behind prelude() (withPrelude()): the key prefixes of auth_keys.h and the
// revocation helpers. The scripts build further keys only from ids the server generated; every
// value comes as an ARGV string, nothing is ever formatted into a command.
#pragma once

#include <string>
#include <string_view>

#include "auth_keys.h"

namespace deskboard::server::auth::scripts {

// Shared prelude: key prefixes from auth_keys.h and the revocation helpers.
inline std::string prelude() {
    const auto quote = [](std::string_view text) { return "'" + std::string(text) + "'"; };
    return "local P_USER = " + quote(keys::kUserPrefix) +
           "\n"
           "local P_WORKSPACE = " +
           quote(keys::kWorkspacePrefix) +
           "\n"
           "local P_LOGIN = " +
           quote(keys::kLoginPrefix) +
           "\n"
           "local REVOCATIONS = " +
           quote(keys::kRevocationChannel) + R"lua(
local function now() return tonumber(redis.call('TIME')[1]) end
-- Deletes every token key of the login, then the login itself, and announces it to every
-- server instance (their token caches and event streams; a classic PUBLISH reaches every node
-- of a cluster).
local function revokeLogin(loginId, userId)
  local loginKey = P_LOGIN .. loginId
  local members = redis.call('ZRANGE', loginKey, 0, -1)
  for i = 1, #members do redis.call('DEL', members[i]) end
  redis.call('DEL', loginKey)
  if userId then redis.call('ZREM', P_USER .. userId .. ':logins', loginId) end
  redis.call('PUBLISH', REVOCATIONS, loginId)
end
local function revokeUserLogins(userId)
  local userLogins = P_USER .. userId .. ':logins'
  local logins = redis.call('ZRANGE', userLogins, 0, -1)
  for i = 1, #logins do revokeLogin(logins[i], nil) end
  redis.call('DEL', userLogins)
end
)lua";
}

// KEYS: username, user, users, workspace, workspace members, user workspaces.
// ARGV: userId, normalized name, password hash, workspace id, workspace name.
// -> 1 created, 0 name taken.
inline constexpr std::string_view kCreateUser = R"lua(
if not redis.call('SET', KEYS[1], ARGV[1], 'NX') then return 0 end
local t = now()
redis.call('HSET', KEYS[2], 'username', ARGV[2], 'passwordHash', ARGV[3], 'createdAt', t,
           'personalWorkspace', ARGV[4])
redis.call('SADD', KEYS[3], ARGV[1])
redis.call('HSET', KEYS[4], 'name', ARGV[5], 'owner', ARGV[1], 'createdAt', t)
redis.call('SADD', KEYS[5], ARGV[1])
redis.call('SADD', KEYS[6], ARGV[4])
return 1
)lua";

// Rate limit check and lookup. An attempt that is not refused counts as a failure at once (the
// counters are only decremented again when it succeeds), so a burst of parallel guesses cannot
// all pass the check before any of them is counted.
// KEYS: failures of the name, failures of the address, username.
// ARGV: max failures, '1' when the name is valid (else KEYS[1] and KEYS[3] are unused), window.
// -> {retryAfterSeconds (0: not limited), userId or '', passwordHash or ''}.
inline constexpr std::string_view kLoginBegin = R"lua(
local max = tonumber(ARGV[1])
local retry = 0
local function check(key)
  local failures = tonumber(redis.call('GET', key) or '0') or 0
  if failures >= max then
    local ms = redis.call('PTTL', key)
    if ms <= 0 then
      redis.call('EXPIRE', key, ARGV[3])
      ms = tonumber(ARGV[3]) * 1000
    end
    local seconds = math.ceil(ms / 1000)
    if seconds > retry then retry = seconds end
  end
end
local function count(key)
  local failures = redis.call('INCR', key)
  if failures == 1 or redis.call('TTL', key) < 0 then redis.call('EXPIRE', key, ARGV[3]) end
end
if ARGV[2] == '1' then check(KEYS[1]) end
check(KEYS[2])
if retry > 0 then return {retry, '', ''} end
if ARGV[2] == '1' then count(KEYS[1]) end
count(KEYS[2])
if ARGV[2] ~= '1' then return {0, '', ''} end
local id = redis.call('GET', KEYS[3])
if not id then return {0, '', ''} end
local hash = redis.call('HGET', P_USER .. id, 'passwordHash')
if not hash then return {0, '', ''} end
return {0, id, hash}
)lua";

// A login succeeded: takes back the failure its attempt was counted as (the counters keep
// their TTL; a counter that expired meanwhile is left alone). Nothing is reset: see
// verifyThenLogin.
// KEYS: failures of the name, failures of the address, user. -> the stored user name or nil.
inline constexpr std::string_view kLoginSucceeded = R"lua(
local function uncount(key)
  local failures = tonumber(redis.call('GET', key) or '0') or 0
  if failures > 0 then redis.call('DECR', key) end
end
uncount(KEYS[1])
uncount(KEYS[2])
return redis.call('HGET', KEYS[3], 'username')
)lua";

// KEYS: user, login, user logins, access token, refresh token.
// ARGV: userId, loginId, username, access TTL, refresh TTL.
// -> access token expiry (unix s), or 0 when the user is gone.
inline constexpr std::string_view kCreateLogin = R"lua(
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local t = now()
local accessExpiry = t + tonumber(ARGV[4])
local refreshExpiry = t + tonumber(ARGV[5])
-- The personal workspace rides along, so a state call without X-Workspace-Id needs no lookup.
local personal = redis.call('HGET', KEYS[1], 'personalWorkspace') or ''
redis.call('HSET', KEYS[4], 'userId', ARGV[1], 'loginId', ARGV[2], 'username', ARGV[3],
           'expiresAt', accessExpiry, 'personalWorkspace', personal)
redis.call('EXPIRE', KEYS[4], ARGV[4])
redis.call('HSET', KEYS[5], 'userId', ARGV[1], 'loginId', ARGV[2], 'username', ARGV[3])
redis.call('EXPIRE', KEYS[5], ARGV[5])
redis.call('ZADD', KEYS[2], accessExpiry, KEYS[4], refreshExpiry, KEYS[5])
redis.call('EXPIRE', KEYS[2], ARGV[5])
redis.call('ZADD', KEYS[3], refreshExpiry, ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', '(' .. t)
redis.call('EXPIRE', KEYS[3], ARGV[5])
return accessExpiry
)lua";

// Rotation, grace answer and reuse detection in one step.
// KEYS: presented refresh token, its grace entry, new access token, new refresh token.
// ARGV: access TTL, refresh TTL, grace seconds, the sealed new pair.
// -> {'rotated'} | {'grace', sealed} | {'reuse', loginId} (the login was revoked) | {'invalid'}.
inline constexpr std::string_view kRefresh = R"lua(
local r = redis.call('HMGET', KEYS[1], 'userId', 'loginId', 'username', 'rotatedAt')
local userId, loginId, username, rotatedAt = r[1], r[2], r[3] or '', r[4]
if not userId or not loginId then return {'invalid'} end
local loginKey = P_LOGIN .. loginId
if redis.call('EXISTS', loginKey) == 0 then return {'invalid'} end
if rotatedAt then
  local sealed = redis.call('GET', KEYS[2])
  if sealed then return {'grace', sealed} end
  revokeLogin(loginId, userId)
  return {'reuse', loginId}
end
local t = now()
local accessExpiry = t + tonumber(ARGV[1])
local refreshExpiry = t + tonumber(ARGV[2])
local grace = tonumber(ARGV[3])
redis.call('HSET', KEYS[1], 'rotatedAt', t)
local personal = redis.call('HGET', P_USER .. userId, 'personalWorkspace') or ''
redis.call('HSET', KEYS[3], 'userId', userId, 'loginId', loginId, 'username', username,
           'expiresAt', accessExpiry, 'personalWorkspace', personal)
redis.call('EXPIRE', KEYS[3], ARGV[1])
redis.call('HSET', KEYS[4], 'userId', userId, 'loginId', loginId, 'username', username)
redis.call('EXPIRE', KEYS[4], ARGV[2])
redis.call('ZADD', loginKey, accessExpiry, KEYS[3], refreshExpiry, KEYS[4])
if grace > 0 then
  redis.call('SET', KEYS[2], ARGV[4], 'EX', grace)
  redis.call('ZADD', loginKey, t + grace, KEYS[2])
end
redis.call('ZREMRANGEBYSCORE', loginKey, '-inf', '(' .. t)
redis.call('EXPIRE', loginKey, ARGV[2])
local userLogins = P_USER .. userId .. ':logins'
redis.call('ZADD', userLogins, refreshExpiry, loginId)
redis.call('ZREMRANGEBYSCORE', userLogins, '-inf', '(' .. t)
redis.call('EXPIRE', userLogins, ARGV[2])
return {'rotated'}
)lua";

// Revokes one login with all its tokens (logout). ARGV: loginId, userId. -> 1.
inline constexpr std::string_view kLogout = R"lua(
revokeLogin(ARGV[1], ARGV[2])
return 1
)lua";

// KEYS: username. -> {userId, username} or nil.
inline constexpr std::string_view kFindUser = R"lua(
local id = redis.call('GET', KEYS[1])
if not id then return false end
local name = redis.call('HGET', P_USER .. id, 'username')
if not name then return false end
return {id, name}
)lua";

// KEYS: username. ARGV: new password hash. -> {userId, username} or nil.
inline constexpr std::string_view kSetPassword = R"lua(
local id = redis.call('GET', KEYS[1])
if not id then return false end
local name = redis.call('HGET', P_USER .. id, 'username')
if not name then return false end
redis.call('HSET', P_USER .. id, 'passwordHash', ARGV[1])
revokeUserLogins(id)
return {id, name}
)lua";

// Removes the user, the name, every login and token, and every membership; a workspace left
// without members is deleted, one with other members stays (its `owner` then names a deleted
// user). The user's dashboard state keys are kept: they are cluster-slotted per user and
// workspace, not indexed here, and expire by REDIS_STATE_TTL.
// KEYS: username, users. -> {userId, username} or nil.
inline constexpr std::string_view kDeleteUser = R"lua(
local id = redis.call('GET', KEYS[1])
if not id then return false end
local name = redis.call('HGET', P_USER .. id, 'username') or ''
revokeUserLogins(id)
local userWorkspaces = P_USER .. id .. ':workspaces'
local workspaces = redis.call('SMEMBERS', userWorkspaces)
for i = 1, #workspaces do
  local members = P_WORKSPACE .. workspaces[i] .. ':members'
  redis.call('SREM', members, id)
  if redis.call('SCARD', members) == 0 then
    redis.call('DEL', P_WORKSPACE .. workspaces[i], members)
  end
end
redis.call('DEL', userWorkspaces, P_USER .. id, KEYS[1])
redis.call('SREM', KEYS[2], id)
return {id, name}
)lua";

// The members of a set of ids with one field of each id's hash: the user list and a user's
// workspaces. KEYS: the set. ARGV: key prefix of the hashes, field. -> {id, value, ...}
inline constexpr std::string_view kNamedMembers = R"lua(
local ids = redis.call('SMEMBERS', KEYS[1])
local out = {}
for i = 1, #ids do
  local value = redis.call('HGET', ARGV[1] .. ids[i], ARGV[2])
  if value then out[#out + 1] = ids[i]; out[#out + 1] = value end
end
return out
)lua";

// KEYS: user, workspace, workspace members, user workspaces. ARGV: userId, workspaceId, name.
// -> 1, or 0 when the user is gone.
inline constexpr std::string_view kCreateWorkspace = R"lua(
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[2], 'name', ARGV[3], 'owner', ARGV[1], 'createdAt', now())
redis.call('SADD', KEYS[3], ARGV[1])
redis.call('SADD', KEYS[4], ARGV[2])
return 1
)lua";

// KEYS: username, workspace, workspace members. ARGV: workspaceId, 'grant' | 'revoke'.
// -> {'ok', changed} | {'no_user'} | {'no_workspace'} | {'owner'}.
inline constexpr std::string_view kChangeMembership = R"lua(
local id = redis.call('GET', KEYS[1])
if not id then return {'no_user'} end
if redis.call('EXISTS', KEYS[2]) == 0 then return {'no_workspace'} end
local userWorkspaces = P_USER .. id .. ':workspaces'
if ARGV[2] == 'grant' then
  local added = redis.call('SADD', KEYS[3], id)
  redis.call('SADD', userWorkspaces, ARGV[1])
  return {'ok', added}
end
if redis.call('HGET', KEYS[2], 'owner') == id then return {'owner'} end
local removed = redis.call('SREM', KEYS[3], id)
redis.call('SREM', userWorkspaces, ARGV[1])
return {'ok', removed}
)lua";

// A script that needs the prelude: prelude() followed by its body.
inline std::string withPrelude(std::string_view body) {
    return prelude() + std::string(body);
}

}  // namespace deskboard::server::auth::scripts
