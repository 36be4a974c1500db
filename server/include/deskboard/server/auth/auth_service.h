// Users, sign-in sessions ("logins") and their tokens, and workspaces with their members
// (PRODUCT.md section 2, "Auth and workspaces"). Tokens are 32 random bytes as base64url; only
// their SHA-256 is stored in Redis, with a TTL. A login is one sign-in: every access and
// refresh token descended from it belongs to it, so logout and refresh-token reuse revoke it
// whole. Asynchronous, one instance per server worker on that worker's redis::Client.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/io_context.hpp>

#include <deskboard/protocol/expected.h>
#include <deskboard/server/auth/password_hasher.h>
#include <deskboard/server/redis/redis_client.h>

namespace deskboard::server::auth {

using protocol::Expected;

class AccessTokenCache;

struct AuthOptions {
    long long accessTokenTtl = 900;       // DESKBOARD_ACCESS_TOKEN_TTL (s)
    long long refreshTokenTtl = 2592000;  // DESKBOARD_REFRESH_TOKEN_TTL (s)
    long long refreshGraceSeconds = 10;   // DESKBOARD_REFRESH_GRACE_SECONDS
    int loginMaxFailures = 10;            // DESKBOARD_LOGIN_MAX_FAILURES
    long long loginWindowSeconds = 900;   // DESKBOARD_LOGIN_WINDOW_SECONDS
    // Told of every access token checked: true when the answer came from memory (metrics).
    std::function<void(bool fromMemory)> onTokenCheck = nullptr;
};

struct User {
    std::string id;
    std::string username;  // normalized (lower case)
};

struct Workspace {
    std::string id;
    std::string name;
};

// The answer of login and signup: {accessToken, refreshToken, expiresIn, user, workspaces}.
struct LoginAnswer {
    std::string accessToken;
    std::string refreshToken;
    long long expiresIn = 0;
    User user;
    std::vector<Workspace> workspaces;
};

// The answer of refresh: {accessToken, refreshToken, expiresIn}.
struct TokenPair {
    std::string accessToken;
    std::string refreshToken;
    long long expiresIn = 0;
};

// Who is calling, from a valid access token.
struct Principal {
    std::string userId;
    std::string username;
    std::string loginId;
    long long expiresAt = 0;  // unix seconds when the access token expires
    // The user's personal workspace as recorded in the token (empty for older tokens).
    std::string personalWorkspace;
};

class AuthService {
  public:
    // `redis` must run on `io`. `redis` and `hasher` must outlive the service and its
    // pending calls; `done` callbacks of calls still in flight when the service is destroyed
    // still run (on `io`).
    // With `tokens` (the process's AccessTokenCache, src/auth/access_token_cache.h), validated
    // access tokens are remembered there and revocations forget them; without, every token is
    // looked up (the admin command line).
    AuthService(boost::asio::io_context& io, redis::Client& redis, PasswordHasher& hasher,
                AuthOptions options, AccessTokenCache* tokens = nullptr);
    ~AuthService();
    AuthService(const AuthService&) = delete;
    AuthService& operator=(const AuthService&) = delete;

    // --- HTTP API ---
    // signup: 409 user_exists, 400 invalid_body (bad user name / password); creates the user
    // with a personal workspace and logs in.
    void signup(std::string username, std::string password, std::string remoteAddress,
                std::function<void(Expected<LoginAnswer>)> done);
    // login: 401 invalid_credentials (the same for unknown user and wrong password, and
    // taking the same time), 429 rate_limited with retryAfterSeconds after too many failures
    // per user name or per client address within the window.
    void login(std::string username, std::string password, std::string remoteAddress,
               std::function<void(Expected<LoginAnswer>)> done);
    // refresh with rotation, grace window (the same new pair again within it) and reuse
    // detection (revokes the whole login): 401 invalid_refresh_token.
    void refresh(std::string refreshToken, std::function<void(Expected<TokenPair>)> done);
    // 401 unauthorized for unknown, expired or revoked tokens.
    void authenticate(std::string accessToken, std::function<void(Expected<Principal>)> done);
    // Revokes the whole login of the principal.
    void logout(const Principal& principal, std::function<void(Expected<bool>)> done);
    // True while the login still exists (event streams close when it is revoked).
    void loginAlive(const std::string& loginId, std::function<void(Expected<bool>)> done);

    // --- workspaces ---
    void workspacesOf(const std::string& userId,
                      std::function<void(Expected<std::vector<Workspace>>)> done);
    // 400 invalid_body for a bad name.
    void createWorkspace(const std::string& ownerUserId, std::string name,
                         std::function<void(Expected<Workspace>)> done);
    // The workspace id to use for a state call: the requested one if the user is a member
    // (403 forbidden_workspace otherwise, also for unknown ids), else the personal workspace.
    void resolveWorkspace(const std::string& userId, std::optional<std::string> requested,
                          std::function<void(Expected<std::string>)> done);
    // The same for an authenticated caller; without a requested id the personal workspace
    // recorded in the access token answers at once (the callback may run before this returns).
    void resolveWorkspace(const Principal& principal, std::optional<std::string> requested,
                          std::function<void(Expected<std::string>)> done);

    // --- administration (the admin command line) ---
    void createUser(std::string username, std::string password,
                    std::function<void(Expected<User>)> done);
    void setPassword(std::string username, std::string password,
                     std::function<void(Expected<User>)> done);  // also revokes all logins
    void deleteUser(std::string username, std::function<void(Expected<User>)> done);
    void listUsers(std::function<void(Expected<std::vector<User>>)> done);
    void findUser(std::string username, std::function<void(Expected<std::optional<User>>)> done);
    void grant(std::string workspaceId, std::string username,
               std::function<void(Expected<bool>)> done);
    void revoke(std::string workspaceId, std::string username,
                std::function<void(Expected<bool>)> done);

  private:
    // The state (options, the instance's Lua scripts, the dummy hash for unknown users) lives
    // in a shared Impl that every pending callback holds, so a call in flight never touches a
    // destroyed service.
    class Impl;
    std::shared_ptr<Impl> impl_;
};

}  // namespace deskboard::server::auth
