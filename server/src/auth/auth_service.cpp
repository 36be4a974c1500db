// Users, logins, tokens and workspaces on Redis (the data model is in auth_keys.h). Every step
// that must be atomic (user creation, login creation, refresh rotation with its grace answer and
// reuse detection, revocation, deletion, grants) is one Lua script; the scripts build further
// keys only from ids the server generated. Every answer is delivered on the service's
// io_context, never inside the calling function.
#include <algorithm>
#include <charconv>
#include <utility>

#include <boost/asio/post.hpp>
#include <sodium.h>

#include <deskboard/protocol/canonical_json.h>
#include <deskboard/protocol/identifiers.h>
#include <deskboard/server/auth/auth_service.h>

#include "auth_keys.h"
#include "tokens.h"

namespace deskboard::server::auth {
namespace {

using protocol::ApiError;
using protocol::ErrorCode;
using redis::Reply;
using redis::Result;

constexpr std::string_view kPersonalWorkspaceName = "Personal";

// --- errors -------------------------------------------------------------------------------

ApiError storageError(const Result& result) {
    if (!result.ok()) {
        return {ErrorCode::StorageUnavailable,
                "the storage is unavailable (" + std::string(redis::failureName(result.failure())) +
                    ")"};
    }
    return {ErrorCode::StorageUnavailable, "the storage refused the request"};
}

ApiError malformedReply() {
    return {ErrorCode::StorageUnavailable, "the storage gave an unexpected answer"};
}

ApiError invalidCredentials() {
    return {ErrorCode::InvalidCredentials, "wrong user name or password"};
}

ApiError invalidRefreshToken() {
    return {ErrorCode::InvalidRefreshToken, "the refresh token is unknown, expired or revoked"};
}

ApiError unauthorized() {
    return {ErrorCode::Unauthorized, "missing, unknown, expired or revoked access token"};
}

ApiError badUsername() {
    return {ErrorCode::InvalidBody,
            "username: must be 1-64 characters of letters, digits, '.', '_' or '-'"};
}

ApiError badPassword() {
    return {ErrorCode::InvalidBody, "password: must be 8 to 1024 bytes"};
}

ApiError userExists() {
    return {ErrorCode::UserExists, "that user name is taken"};
}

// `name` is only echoed when it passed the user name rule.
ApiError noSuchUser(const std::string& name) {
    if (protocol::isValidUsername(name)) {
        return {ErrorCode::NotFound, "no user named '" + protocol::normalizeUsername(name) + "'"};
    }
    return {ErrorCode::NotFound, "no user with that name"};
}

// --- reply parsing (never trusts the shape) -----------------------------------------------

const Reply* elementOf(const Reply& reply, std::size_t index) {
    if (!reply.isArray() || index >= reply.elements.size()) {
        return nullptr;
    }
    return &reply.elements[index];
}

std::optional<std::string> textOf(const Reply* reply) {
    if (reply == nullptr || !reply->isString()) {
        return std::nullopt;
    }
    return reply->text;
}

std::optional<long long> integerOf(const Reply* reply) {
    if (reply == nullptr) {
        return std::nullopt;
    }
    return reply->asInteger();
}

// A flat array {id, name, id, name, ...} of valid ids.
std::optional<std::vector<std::pair<std::string, std::string>>> pairsOf(const Reply& reply) {
    if (!reply.isArray() || reply.elements.size() % 2 != 0) {
        return std::nullopt;
    }
    std::vector<std::pair<std::string, std::string>> pairs;
    for (std::size_t i = 0; i < reply.elements.size(); i += 2) {
        auto id = textOf(&reply.elements[i]);
        auto name = textOf(&reply.elements[i + 1]);
        if (!id || !name || !protocol::isValidIdentifier(*id)) {
            return std::nullopt;
        }
        pairs.emplace_back(std::move(*id), std::move(*name));
    }
    return pairs;
}

// The rate-limit key part for a client address: the address itself when it is harmless in a
// key name (IPv4, IPv6, host names), else its SHA-256.
std::string addressKeyPart(const std::string& address) {
    const bool plain = !address.empty() && address.size() <= 64 &&
                       std::all_of(address.begin(), address.end(), [](char c) {
                           return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                                  (c >= '0' && c <= '9') || c == '.' || c == ':' || c == '_' ||
                                  c == '-';
                       });
    return plain ? address : "sha256-" + protocol::sha256Hex(address);
}

// The grace answer as sealed: "<access>\n<refresh>\n<expiresIn>".
std::string serializePair(const TokenPair& pair) {
    return pair.accessToken + '\n' + pair.refreshToken + '\n' + std::to_string(pair.expiresIn);
}

std::optional<TokenPair> parsePair(std::string_view text) {
    const auto first = text.find('\n');
    const auto second = first == std::string_view::npos ? first : text.find('\n', first + 1);
    if (second == std::string_view::npos) {
        return std::nullopt;
    }
    TokenPair pair;
    pair.accessToken = std::string(text.substr(0, first));
    pair.refreshToken = std::string(text.substr(first + 1, second - first - 1));
    const auto number = text.substr(second + 1);
    const auto parsed =
        std::from_chars(number.data(), number.data() + number.size(), pair.expiresIn);
    if (parsed.ec != std::errc() || parsed.ptr != number.data() + number.size() ||
        !detail::looksLikeToken(pair.accessToken) || !detail::looksLikeToken(pair.refreshToken)) {
        return std::nullopt;
    }
    return pair;
}

// --- Lua ----------------------------------------------------------------------------------

// Shared prelude: key prefixes from auth_keys.h and the revocation helpers.
std::string prelude() {
    const auto quote = [](std::string_view text) { return "'" + std::string(text) + "'"; };
    return "local P_USER = " + quote(keys::kUserPrefix) +
           "\n"
           "local P_WORKSPACE = " +
           quote(keys::kWorkspacePrefix) +
           "\n"
           "local P_LOGIN = " +
           quote(keys::kLoginPrefix) + R"lua(
local function now() return tonumber(redis.call('TIME')[1]) end
-- Deletes every token key of the login, then the login itself.
local function revokeLogin(loginId, userId)
  local loginKey = P_LOGIN .. loginId
  local members = redis.call('ZRANGE', loginKey, 0, -1)
  for i = 1, #members do redis.call('DEL', members[i]) end
  redis.call('DEL', loginKey)
  if userId then redis.call('ZREM', P_USER .. userId .. ':logins', loginId) end
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
constexpr std::string_view kCreateUser = R"lua(
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
constexpr std::string_view kLoginBegin = R"lua(
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
constexpr std::string_view kLoginSucceeded = R"lua(
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
constexpr std::string_view kCreateLogin = R"lua(
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
// -> {'rotated'} | {'grace', sealed} | {'reuse'} (the login was revoked) | {'invalid'}.
constexpr std::string_view kRefresh = R"lua(
local r = redis.call('HMGET', KEYS[1], 'userId', 'loginId', 'username', 'rotatedAt')
local userId, loginId, username, rotatedAt = r[1], r[2], r[3] or '', r[4]
if not userId or not loginId then return {'invalid'} end
local loginKey = P_LOGIN .. loginId
if redis.call('EXISTS', loginKey) == 0 then return {'invalid'} end
if rotatedAt then
  local sealed = redis.call('GET', KEYS[2])
  if sealed then return {'grace', sealed} end
  revokeLogin(loginId, userId)
  return {'reuse'}
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

// ARGV: loginId, userId.
constexpr std::string_view kRevokeLogin = R"lua(
revokeLogin(ARGV[1], ARGV[2])
return 1
)lua";

// KEYS: username. -> {userId, username} or nil.
constexpr std::string_view kLookupUser = R"lua(
local id = redis.call('GET', KEYS[1])
if not id then return false end
local name = redis.call('HGET', P_USER .. id, 'username')
if not name then return false end
return {id, name}
)lua";

// KEYS: username. ARGV: new password hash. -> {userId, username} or nil.
constexpr std::string_view kSetPassword = R"lua(
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
constexpr std::string_view kDeleteUser = R"lua(
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
constexpr std::string_view kNamedMembers = R"lua(
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
constexpr std::string_view kCreateWorkspace = R"lua(
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[2], 'name', ARGV[3], 'owner', ARGV[1], 'createdAt', now())
redis.call('SADD', KEYS[3], ARGV[1])
redis.call('SADD', KEYS[4], ARGV[2])
return 1
)lua";

// KEYS: username, workspace, workspace members. ARGV: workspaceId, 'grant' | 'revoke'.
// -> {'ok', changed} | {'no_user'} | {'no_workspace'} | {'owner'}.
constexpr std::string_view kMembership = R"lua(
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

}  // namespace

// --- the service --------------------------------------------------------------------------

class AuthService::Impl : public std::enable_shared_from_this<Impl> {
  public:
    Impl(boost::asio::io_context& io, redis::Client& redis, PasswordHasher& hasher,
         AuthOptions options)
        : io_(io),
          redis_(redis),
          hasher_(hasher),
          options_(options),
          createUser_(prelude() + std::string(kCreateUser)),
          loginBegin_(prelude() + std::string(kLoginBegin)),
          loginSucceeded_(prelude() + std::string(kLoginSucceeded)),
          createLogin_(prelude() + std::string(kCreateLogin)),
          refresh_(prelude() + std::string(kRefresh)),
          revokeLogin_(prelude() + std::string(kRevokeLogin)),
          lookupUser_(prelude() + std::string(kLookupUser)),
          setPassword_(prelude() + std::string(kSetPassword)),
          deleteUser_(prelude() + std::string(kDeleteUser)),
          namedMembers_(std::string(kNamedMembers)),
          createWorkspace_(prelude() + std::string(kCreateWorkspace)),
          membership_(prelude() + std::string(kMembership)) {
        detail::ensureSodium();
    }

    // Starts hashing the dummy password (so the first unknown-user login need not wait).
    void start() {
        withDummyHash([](const std::string&) {});
    }

    template <typename T>
    void answer(std::function<void(Expected<T>)> done, Expected<T> outcome) {
        boost::asio::post(io_, [done = std::move(done), outcome = std::move(outcome)]() mutable {
            done(std::move(outcome));
        });
    }

    void eval(redis::Script& script, std::vector<std::string> keys, std::vector<std::string> args,
              std::function<void(Result)> then) {
        redis_.evalScript(script, keys, args,
                          [self = shared_from_this(), then = std::move(then)](Result result) {
                              then(std::move(result));
                          });
    }

    void command(std::vector<std::string> argv, std::function<void(Result)> then) {
        redis_.command(std::move(argv), [self = shared_from_this(), then = std::move(then)](
                                            Result result) { then(std::move(result)); });
    }

    // --- password hashing ---

    // A hash of a random password made with the same cost as real ones: unknown users are
    // verified against it, so their login takes as long as a wrong password.
    void withDummyHash(std::function<void(const std::string&)> then) {
        if (!dummyHash_.empty()) {
            then(dummyHash_);
            return;
        }
        dummyWaiters_.push_back(std::move(then));
        if (dummyWaiters_.size() > 1) {
            return;  // already being computed
        }
        hasher_.hash(detail::newToken(), io_, [self = shared_from_this()](std::string hash) {
            self->dummyHash_ = std::move(hash);  // empty on failure: retried next time
            auto waiters = std::move(self->dummyWaiters_);
            self->dummyWaiters_.clear();
            for (auto& waiter : waiters) {
                waiter(self->dummyHash_);
            }
        });
    }

    // --- users ---

    // Hashes the password and runs the creating script. `then(id)`: the new user's id.
    void insertUser(const std::string& normalized, std::string password,
                    std::function<void(Expected<std::string>)> then) {
        hasher_.hash(std::move(password), io_,
                     [self = shared_from_this(), normalized,
                      then = std::move(then)](std::string hash) mutable {
                         if (hash.empty()) {
                             then(ApiError{ErrorCode::StorageUnavailable,
                                           "the password could not be hashed (out of memory)"});
                             return;
                         }
                         const std::string userId = detail::newId();
                         const std::string workspaceId = detail::newId();
                         self->eval(
                             self->createUser_,
                             {keys::username(normalized), keys::user(userId),
                              std::string(keys::kUsers), keys::workspace(workspaceId),
                              keys::workspaceMembers(workspaceId), keys::userWorkspaces(userId)},
                             {userId, normalized, std::move(hash), workspaceId,
                              std::string(kPersonalWorkspaceName)},
                             [userId, then = std::move(then)](Result result) {
                                 if (!result.succeeded()) {
                                     then(storageError(result));
                                 } else if (result.reply().asInteger() == 1) {
                                     then(std::string(userId));
                                 } else if (result.reply().asInteger() == 0) {
                                     then(userExists());
                                 } else {
                                     then(malformedReply());
                                 }
                             });
                     });
    }

    // Validates, refuses a taken name early (saves the hashing), then creates the user.
    void addUser(std::string username, std::string password,
                 std::function<void(Expected<User>)> done) {
        if (!protocol::isValidUsername(username)) {
            answer<User>(std::move(done), badUsername());
            return;
        }
        if (!protocol::isValidPassword(password)) {
            answer<User>(std::move(done), badPassword());
            return;
        }
        const std::string normalized = protocol::normalizeUsername(username);
        command({"EXISTS", keys::username(normalized)},
                [self = shared_from_this(), normalized, password = std::move(password),
                 done = std::move(done)](Result result) mutable {
                    if (!result.succeeded()) {
                        done(storageError(result));
                        return;
                    }
                    if (result.reply().asInteger() != 0) {
                        done(userExists());
                        return;
                    }
                    self->insertUser(
                        normalized, std::move(password),
                        [normalized, done = std::move(done)](Expected<std::string> id) mutable {
                            if (!id) {
                                done(id.error());
                            } else {
                                done(User{std::move(id).value(), normalized});
                            }
                        });
                });
    }

    // {userId, username} of a name, or nothing.
    void lookupUser(const std::string& username,
                    std::function<void(Expected<std::optional<User>>)> then) {
        if (!protocol::isValidUsername(username)) {
            answer<std::optional<User>>(std::move(then), std::optional<User>());
            return;
        }
        eval(lookupUser_, {keys::username(protocol::normalizeUsername(username))}, {},
             [then = std::move(then)](Result result) { then(userReply(result)); });
    }

    // Parses {userId, username} | nil.
    static Expected<std::optional<User>> userReply(const Result& result) {
        if (!result.succeeded()) {
            return storageError(result);
        }
        if (result.reply().isNil()) {
            return std::optional<User>();
        }
        auto id = textOf(elementOf(result.reply(), 0));
        auto name = textOf(elementOf(result.reply(), 1));
        if (!id || !name || !protocol::isValidIdentifier(*id)) {
            return malformedReply();
        }
        return std::optional<User>(User{std::move(*id), std::move(*name)});
    }

    // --- logins ---

    // Creates a login with its first token pair, then answers with the user's workspaces.
    void startLogin(User user, std::function<void(Expected<LoginAnswer>)> done) {
        auto answerValue = std::make_shared<LoginAnswer>();
        answerValue->accessToken = detail::newToken();
        answerValue->refreshToken = detail::newToken();
        answerValue->expiresIn = options_.accessTokenTtl;
        answerValue->user = std::move(user);
        const std::string loginId = detail::newId();
        const std::string& userId = answerValue->user.id;
        eval(createLogin_,
             {keys::user(userId), keys::login(loginId), keys::userLogins(userId),
              keys::accessToken(detail::tokenHash(answerValue->accessToken)),
              keys::refreshToken(detail::tokenHash(answerValue->refreshToken))},
             {userId, loginId, answerValue->user.username, std::to_string(options_.accessTokenTtl),
              std::to_string(options_.refreshTokenTtl)},
             [self = shared_from_this(), answerValue, done = std::move(done)](Result result) {
                 if (!result.succeeded()) {
                     done(storageError(result));
                     return;
                 }
                 const auto expiry = result.reply().asInteger();
                 if (!expiry) {
                     done(malformedReply());
                     return;
                 }
                 if (*expiry == 0) {  // deleted meanwhile
                     done(invalidCredentials());
                     return;
                 }
                 self->listWorkspaces(
                     answerValue->user.id,
                     [answerValue, done](Expected<std::vector<Workspace>> workspaces) {
                         if (!workspaces) {
                             done(workspaces.error());
                             return;
                         }
                         answerValue->workspaces = std::move(workspaces).value();
                         done(std::move(*answerValue));
                     });
             });
    }

    void signup(std::string username, std::string password,
                std::function<void(Expected<LoginAnswer>)> done) {
        addUser(std::move(username), std::move(password),
                [self = shared_from_this(), done = std::move(done)](Expected<User> user) mutable {
                    if (!user) {
                        done(user.error());
                        return;
                    }
                    self->startLogin(std::move(user).value(), std::move(done));
                });
    }

    void login(std::string username, std::string password, std::string remoteAddress,
               std::function<void(Expected<LoginAnswer>)> done) {
        const bool nameValid = protocol::isValidUsername(username);
        const std::string normalized = nameValid ? protocol::normalizeUsername(username) : "";
        const std::string nameFailures = keys::failedLoginsOfUser(normalized);
        const std::string addressFailures =
            keys::failedLoginsOfAddress(addressKeyPart(remoteAddress));
        const std::string valid = nameValid ? "1" : "0";
        eval(loginBegin_, {nameFailures, addressFailures, keys::username(normalized)},
             {std::to_string(options_.loginMaxFailures), valid,
              std::to_string(options_.loginWindowSeconds)},
             [self = shared_from_this(), password = std::move(password), nameFailures,
              addressFailures, done = std::move(done)](Result result) mutable {
                 if (!result.succeeded()) {
                     done(storageError(result));
                     return;
                 }
                 const auto retryAfter = integerOf(elementOf(result.reply(), 0));
                 auto userId = textOf(elementOf(result.reply(), 1));
                 auto hash = textOf(elementOf(result.reply(), 2));
                 if (!retryAfter || !userId || !hash) {
                     done(malformedReply());
                     return;
                 }
                 if (*retryAfter > 0) {
                     done(ApiError{ErrorCode::RateLimited,
                                   "too many failed logins; try again in " +
                                       std::to_string(*retryAfter) + " s",
                                   *retryAfter});
                     return;
                 }
                 // The attempt is already counted as a failure.
                 auto failed = [done]() { done(invalidCredentials()); };
                 if (!protocol::isValidPassword(password)) {
                     // Could never match; refused without hashing (1 MiB passwords would
                     // otherwise be an easy way to burn CPU). Reveals nothing about the user.
                     failed();
                     return;
                 }
                 const bool known =
                     !userId->empty() && !hash->empty() && protocol::isValidIdentifier(*userId);
                 if (known) {
                     // Known implies a valid name, so both counters were counted.
                     std::vector<std::string> counters = {nameFailures, addressFailures};
                     self->verifyThenLogin(std::move(*hash), std::move(password),
                                           std::move(*userId), std::move(counters),
                                           std::move(failed), std::move(done));
                 } else {
                     self->withDummyHash(
                         [self, password = std::move(password),
                          failed = std::move(failed)](const std::string& dummy) mutable {
                             if (dummy.empty()) {
                                 failed();
                                 return;
                             }
                             self->hasher_.verify(dummy, std::move(password), self->io_,
                                                  [failed](bool) { failed(); });
                         });
                 }
             });
    }

    void verifyThenLogin(std::string hash, std::string password, std::string userId,
                         std::vector<std::string> counters, std::function<void()> failed,
                         std::function<void(Expected<LoginAnswer>)> done) {
        hasher_.verify(
            std::move(hash), std::move(password), io_,
            [self = shared_from_this(), userId = std::move(userId), counters = std::move(counters),
             failed = std::move(failed), done = std::move(done)](bool matches) mutable {
                if (!matches) {
                    failed();
                    return;
                }
                // A successful login resets neither failure counter (it only takes
                // back its own attempt): the per-name counter keeps counting an
                // attacker's guesses for the rest of the window even when the real
                // user signs in meanwhile (resetting would hand the attacker a fresh
                // budget); both expire with the window. The script also fetches the
                // stored (normalized) name for the answer.
                counters.push_back(keys::user(userId));
                self->eval(self->loginSucceeded_, std::move(counters), {},
                           [self, userId, done = std::move(done)](Result result) {
                               if (!result.succeeded()) {
                                   done(storageError(result));
                                   return;
                               }
                               auto name = textOf(&result.reply());
                               if (!name) {
                                   done(invalidCredentials());  // deleted meanwhile
                                   return;
                               }
                               self->startLogin(User{userId, std::move(*name)}, done);
                           });
            });
    }

    void refresh(std::string refreshToken, std::function<void(Expected<TokenPair>)> done) {
        if (!detail::looksLikeToken(refreshToken)) {
            answer<TokenPair>(std::move(done), invalidRefreshToken());
            return;
        }
        const std::string presentedHash = detail::tokenHash(refreshToken);
        TokenPair next{detail::newToken(), detail::newToken(), options_.accessTokenTtl};
        std::string sealed = detail::sealWithToken(refreshToken, serializePair(next));
        // Built before `next` moves into the callback (argument order is unspecified).
        std::vector<std::string> scriptKeys = {
            keys::refreshToken(presentedHash), keys::grace(presentedHash),
            keys::accessToken(detail::tokenHash(next.accessToken)),
            keys::refreshToken(detail::tokenHash(next.refreshToken))};
        eval(refresh_, std::move(scriptKeys),
             {std::to_string(options_.accessTokenTtl), std::to_string(options_.refreshTokenTtl),
              std::to_string(options_.refreshGraceSeconds), std::move(sealed)},
             [refreshToken = std::move(refreshToken), next = std::move(next),
              done = std::move(done)](Result result) mutable {
                 if (!result.succeeded()) {
                     done(storageError(result));
                     return;
                 }
                 const auto outcome = textOf(elementOf(result.reply(), 0));
                 if (!outcome) {
                     done(malformedReply());
                 } else if (*outcome == "rotated") {
                     done(std::move(next));
                 } else if (*outcome == "grace") {
                     const auto sealedAnswer = textOf(elementOf(result.reply(), 1));
                     const auto opened = sealedAnswer
                                             ? detail::openWithToken(refreshToken, *sealedAnswer)
                                             : std::nullopt;
                     auto pair = opened ? parsePair(*opened) : std::nullopt;
                     if (pair) {
                         done(std::move(*pair));
                     } else {
                         done(invalidRefreshToken());
                     }
                 } else {
                     done(invalidRefreshToken());  // "invalid", or "reuse" (login revoked)
                 }
                 sodium_memzero(refreshToken.data(), refreshToken.size());
             });
    }

    void authenticate(std::string accessToken, std::function<void(Expected<Principal>)> done) {
        if (!detail::looksLikeToken(accessToken)) {
            answer<Principal>(std::move(done), unauthorized());
            return;
        }
        command({"HMGET", keys::accessToken(detail::tokenHash(accessToken)), "userId", "loginId",
                 "username", "expiresAt", "personalWorkspace"},
                [done = std::move(done)](Result result) {
                    if (!result.succeeded()) {
                        done(storageError(result));
                        return;
                    }
                    auto userId = textOf(elementOf(result.reply(), 0));
                    auto loginId = textOf(elementOf(result.reply(), 1));
                    auto username = textOf(elementOf(result.reply(), 2));
                    const auto expiresAt = integerOf(elementOf(result.reply(), 3));
                    if (!userId || !loginId || !protocol::isValidIdentifier(*userId) ||
                        !protocol::isValidIdentifier(*loginId)) {
                        done(unauthorized());
                        return;
                    }
                    auto personal = textOf(elementOf(result.reply(), 4));
                    done(Principal{std::move(*userId), username.value_or(std::string()),
                                   std::move(*loginId), expiresAt.value_or(0),
                                   personal.value_or(std::string())});
                });
    }

    void logout(const Principal& principal, std::function<void(Expected<bool>)> done) {
        if (!protocol::isValidIdentifier(principal.loginId) ||
            !protocol::isValidIdentifier(principal.userId)) {
            answer<bool>(std::move(done), unauthorized());
            return;
        }
        eval(revokeLogin_, {}, {principal.loginId, principal.userId},
             [done = std::move(done)](Result result) {
                 if (!result.succeeded()) {
                     done(storageError(result));
                 } else {
                     done(true);
                 }
             });
    }

    void loginAlive(const std::string& loginId, std::function<void(Expected<bool>)> done) {
        if (!protocol::isValidIdentifier(loginId)) {
            answer<bool>(std::move(done), false);
            return;
        }
        command({"EXISTS", keys::login(loginId)}, [done = std::move(done)](Result result) {
            if (!result.succeeded()) {
                done(storageError(result));
                return;
            }
            const auto count = result.reply().asInteger();
            if (!count) {
                done(malformedReply());
            } else {
                done(*count > 0);
            }
        });
    }

    // --- workspaces ---

    void listWorkspaces(const std::string& userId,
                        std::function<void(Expected<std::vector<Workspace>>)> done) {
        if (!protocol::isValidIdentifier(userId)) {
            answer<std::vector<Workspace>>(std::move(done), unauthorized());
            return;
        }
        eval(namedMembers_, {keys::userWorkspaces(userId)},
             {std::string(keys::kWorkspacePrefix), "name"},
             [done = std::move(done)](Result result) {
                 if (!result.succeeded()) {
                     done(storageError(result));
                     return;
                 }
                 auto pairs = pairsOf(result.reply());
                 if (!pairs) {
                     done(malformedReply());
                     return;
                 }
                 std::vector<Workspace> workspaces;
                 workspaces.reserve(pairs->size());
                 for (auto& [id, name] : *pairs) {
                     workspaces.push_back(Workspace{std::move(id), std::move(name)});
                 }
                 std::sort(workspaces.begin(), workspaces.end(),
                           [](const Workspace& a, const Workspace& b) {
                               return std::tie(a.name, a.id) < std::tie(b.name, b.id);
                           });
                 done(std::move(workspaces));
             });
    }

    void createWorkspace(const std::string& ownerUserId, std::string name,
                         std::function<void(Expected<Workspace>)> done) {
        if (!protocol::isValidWorkspaceName(name)) {
            answer<Workspace>(std::move(done),
                              ApiError{ErrorCode::InvalidBody,
                                       "name: must be 1-100 characters of valid UTF-8 without "
                                       "control characters"});
            return;
        }
        if (!protocol::isValidIdentifier(ownerUserId)) {
            answer<Workspace>(std::move(done), unauthorized());
            return;
        }
        const std::string workspaceId = detail::newId();
        Workspace created{workspaceId, name};
        eval(createWorkspace_,
             {keys::user(ownerUserId), keys::workspace(workspaceId),
              keys::workspaceMembers(workspaceId), keys::userWorkspaces(ownerUserId)},
             {ownerUserId, workspaceId, std::move(name)},
             [created = std::move(created), done = std::move(done)](Result result) mutable {
                 if (!result.succeeded()) {
                     done(storageError(result));
                 } else if (result.reply().asInteger() == 1) {
                     done(std::move(created));
                 } else if (result.reply().asInteger() == 0) {
                     done(ApiError{ErrorCode::NotFound, "the owner does not exist"});
                 } else {
                     done(malformedReply());
                 }
             });
    }

    void resolveWorkspace(const std::string& userId, std::optional<std::string> requested,
                          std::function<void(Expected<std::string>)> done) {
        if (requested && !protocol::isValidIdentifier(*requested)) {
            answer<std::string>(std::move(done),
                                ApiError{ErrorCode::InvalidWorkspaceId,
                                         "X-Workspace-Id: must be 1-64 of [A-Za-z0-9_-]"});
            return;
        }
        if (!protocol::isValidIdentifier(userId)) {
            answer<std::string>(std::move(done), unauthorized());
            return;
        }
        const auto forbidden = [] {
            return ApiError{ErrorCode::ForbiddenWorkspace, "not a member of that workspace"};
        };
        if (!requested) {
            command({"HGET", keys::user(userId), "personalWorkspace"},
                    [done = std::move(done), forbidden](Result result) {
                        if (!result.succeeded()) {
                            done(storageError(result));
                            return;
                        }
                        auto id = textOf(&result.reply());
                        if (!id || !protocol::isValidIdentifier(*id)) {
                            done(forbidden());
                        } else {
                            done(std::move(*id));
                        }
                    });
            return;
        }
        command({"SISMEMBER", keys::workspaceMembers(*requested), userId},
                [id = *requested, done = std::move(done), forbidden](Result result) {
                    if (!result.succeeded()) {
                        done(storageError(result));
                        return;
                    }
                    const auto member = result.reply().asInteger();
                    if (!member) {
                        done(malformedReply());
                    } else if (*member == 1) {
                        done(std::string(id));
                    } else {
                        done(forbidden());
                    }
                });
    }

    // --- administration ---

    void setPassword(std::string username, std::string password,
                     std::function<void(Expected<User>)> done) {
        if (!protocol::isValidPassword(password)) {
            answer<User>(std::move(done), badPassword());
            return;
        }
        if (!protocol::isValidUsername(username)) {
            answer<User>(std::move(done), noSuchUser(username));
            return;
        }
        // Refuse unknown names before spending a hash on them.
        lookupUser(username, [self = shared_from_this(), username, password = std::move(password),
                              done = std::move(done)](Expected<std::optional<User>> found) mutable {
            if (!found) {
                done(found.error());
                return;
            }
            if (!found.value()) {
                done(noSuchUser(username));
                return;
            }
            self->hasher_.hash(
                std::move(password), self->io_,
                [self, username, done = std::move(done)](std::string hash) mutable {
                    if (hash.empty()) {
                        done(ApiError{ErrorCode::StorageUnavailable,
                                      "the password could not be hashed (out of memory)"});
                        return;
                    }
                    self->eval(
                        self->setPassword_, {keys::username(protocol::normalizeUsername(username))},
                        {std::move(hash)}, [username, done = std::move(done)](Result result) {
                            auto user = userReply(result);
                            if (!user) {
                                done(user.error());
                            } else if (!user.value()) {
                                done(noSuchUser(username));
                            } else {
                                done(std::move(*std::move(user).value()));
                            }
                        });
                });
        });
    }

    void deleteUser(std::string username, std::function<void(Expected<User>)> done) {
        if (!protocol::isValidUsername(username)) {
            answer<User>(std::move(done), noSuchUser(username));
            return;
        }
        eval(deleteUser_,
             {keys::username(protocol::normalizeUsername(username)), std::string(keys::kUsers)}, {},
             [username, done = std::move(done)](Result result) {
                 auto user = userReply(result);
                 if (!user) {
                     done(user.error());
                 } else if (!user.value()) {
                     done(noSuchUser(username));
                 } else {
                     done(std::move(*std::move(user).value()));
                 }
             });
    }

    void listUsers(std::function<void(Expected<std::vector<User>>)> done) {
        eval(namedMembers_, {std::string(keys::kUsers)},
             {std::string(keys::kUserPrefix), "username"}, [done = std::move(done)](Result result) {
                 if (!result.succeeded()) {
                     done(storageError(result));
                     return;
                 }
                 auto pairs = pairsOf(result.reply());
                 if (!pairs) {
                     done(malformedReply());
                     return;
                 }
                 std::vector<User> users;
                 users.reserve(pairs->size());
                 for (auto& [id, name] : *pairs) {
                     users.push_back(User{std::move(id), std::move(name)});
                 }
                 std::sort(users.begin(), users.end(), [](const User& a, const User& b) {
                     return std::tie(a.username, a.id) < std::tie(b.username, b.id);
                 });
                 done(std::move(users));
             });
    }

    void changeMembership(std::string workspaceId, std::string username, bool grant,
                          std::function<void(Expected<bool>)> done) {
        if (!protocol::isValidIdentifier(workspaceId)) {
            answer<bool>(std::move(done), ApiError{ErrorCode::InvalidWorkspaceId,
                                                   "workspace id: must be 1-64 of [A-Za-z0-9_-]"});
            return;
        }
        if (!protocol::isValidUsername(username)) {
            answer<bool>(std::move(done), noSuchUser(username));
            return;
        }
        eval(membership_,
             {keys::username(protocol::normalizeUsername(username)), keys::workspace(workspaceId),
              keys::workspaceMembers(workspaceId)},
             {workspaceId, grant ? "grant" : "revoke"},
             [username, workspaceId, done = std::move(done)](Result result) {
                 if (!result.succeeded()) {
                     done(storageError(result));
                     return;
                 }
                 const auto outcome = textOf(elementOf(result.reply(), 0));
                 if (!outcome) {
                     done(malformedReply());
                 } else if (*outcome == "ok") {
                     const auto changed = integerOf(elementOf(result.reply(), 1));
                     if (changed) {
                         done(*changed == 1);
                     } else {
                         done(malformedReply());
                     }
                 } else if (*outcome == "no_user") {
                     done(noSuchUser(username));
                 } else if (*outcome == "no_workspace") {
                     done(ApiError{ErrorCode::NotFound, "no workspace with id " + workspaceId});
                 } else if (*outcome == "owner") {
                     done(ApiError{ErrorCode::InvalidBody,
                                   "username: the owner of a workspace cannot be revoked from it"});
                 } else {
                     done(malformedReply());
                 }
             });
    }

    boost::asio::io_context& io_;
    redis::Client& redis_;
    PasswordHasher& hasher_;
    AuthOptions options_;

  private:
    // Per instance (the client caches each script's SHA in it; instances run on different
    // threads).
    redis::Script createUser_, loginBegin_, loginSucceeded_, createLogin_, refresh_, revokeLogin_,
        lookupUser_, setPassword_, deleteUser_, namedMembers_, createWorkspace_, membership_;
    std::string dummyHash_;
    std::vector<std::function<void(const std::string&)>> dummyWaiters_;
};

AuthService::AuthService(boost::asio::io_context& io, redis::Client& redis, PasswordHasher& hasher,
                         AuthOptions options)
    : impl_(std::make_shared<Impl>(io, redis, hasher, options)) {
    impl_->start();
}

AuthService::~AuthService() = default;

void AuthService::signup(std::string username, std::string password, std::string remoteAddress,
                         std::function<void(Expected<LoginAnswer>)> done) {
    static_cast<void>(remoteAddress);  // sign-up is not rate limited here (the route may be)
    impl_->signup(std::move(username), std::move(password), std::move(done));
}

void AuthService::login(std::string username, std::string password, std::string remoteAddress,
                        std::function<void(Expected<LoginAnswer>)> done) {
    impl_->login(std::move(username), std::move(password), std::move(remoteAddress),
                 std::move(done));
}

void AuthService::refresh(std::string refreshToken, std::function<void(Expected<TokenPair>)> done) {
    impl_->refresh(std::move(refreshToken), std::move(done));
}

void AuthService::authenticate(std::string accessToken,
                               std::function<void(Expected<Principal>)> done) {
    impl_->authenticate(std::move(accessToken), std::move(done));
}

void AuthService::logout(const Principal& principal, std::function<void(Expected<bool>)> done) {
    impl_->logout(principal, std::move(done));
}

void AuthService::loginAlive(const std::string& loginId, std::function<void(Expected<bool>)> done) {
    impl_->loginAlive(loginId, std::move(done));
}

void AuthService::workspacesOf(const std::string& userId,
                               std::function<void(Expected<std::vector<Workspace>>)> done) {
    impl_->listWorkspaces(userId, std::move(done));
}

void AuthService::createWorkspace(const std::string& ownerUserId, std::string name,
                                  std::function<void(Expected<Workspace>)> done) {
    impl_->createWorkspace(ownerUserId, std::move(name), std::move(done));
}

void AuthService::resolveWorkspace(const Principal& principal, std::optional<std::string> requested,
                                   std::function<void(Expected<std::string>)> done) {
    if (!requested && protocol::isValidIdentifier(principal.personalWorkspace)) {
        done(principal.personalWorkspace);  // kept in the access token: no lookup
        return;
    }
    impl_->resolveWorkspace(principal.userId, std::move(requested), std::move(done));
}

void AuthService::resolveWorkspace(const std::string& userId, std::optional<std::string> requested,
                                   std::function<void(Expected<std::string>)> done) {
    impl_->resolveWorkspace(userId, std::move(requested), std::move(done));
}

void AuthService::createUser(std::string username, std::string password,
                             std::function<void(Expected<User>)> done) {
    impl_->addUser(std::move(username), std::move(password), std::move(done));
}

void AuthService::setPassword(std::string username, std::string password,
                              std::function<void(Expected<User>)> done) {
    impl_->setPassword(std::move(username), std::move(password), std::move(done));
}

void AuthService::deleteUser(std::string username, std::function<void(Expected<User>)> done) {
    impl_->deleteUser(std::move(username), std::move(done));
}

void AuthService::listUsers(std::function<void(Expected<std::vector<User>>)> done) {
    impl_->listUsers(std::move(done));
}

void AuthService::findUser(std::string username,
                           std::function<void(Expected<std::optional<User>>)> done) {
    impl_->lookupUser(username, std::move(done));
}

void AuthService::grant(std::string workspaceId, std::string username,
                        std::function<void(Expected<bool>)> done) {
    impl_->changeMembership(std::move(workspaceId), std::move(username), true, std::move(done));
}

void AuthService::revoke(std::string workspaceId, std::string username,
                         std::function<void(Expected<bool>)> done) {
    impl_->changeMembership(std::move(workspaceId), std::move(username), false, std::move(done));
}

}  // namespace deskboard::server::auth
