// Users, logins, tokens and workspaces on Redis (the data model is in auth_keys.h, the Lua
// scripts in auth_scripts.h, the error texts in auth_errors.h, the reply parsing in
// auth_replies.h). Every answer is delivered on the service's io_context, never inside the
// calling function.
#include <algorithm>
#include <tuple>
#include <utility>

#include <boost/asio/post.hpp>
#include <sodium.h>

#include <deskboard/protocol/identifiers.h>
#include <deskboard/server/auth/auth_service.h>

#include "access_token_cache.h"
#include "auth_errors.h"
#include "auth_keys.h"
#include "auth_replies.h"
#include "auth_scripts.h"
#include "tokens.h"

namespace deskboard::server::auth {
namespace {

using redis::Result;
using namespace errors;
using namespace replies;

constexpr std::string_view kPersonalWorkspaceName = "Personal";

// Access tokens expire at Redis's TIME plus their TTL, in unix seconds.
long long unixNow() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

}  // namespace

// --- the service --------------------------------------------------------------------------

class AuthService::Impl : public std::enable_shared_from_this<Impl> {
  public:
    Impl(boost::asio::io_context& io, redis::Client& redis, PasswordHasher& hasher,
         AuthOptions options, AccessTokenCache* tokens)
        : io_(io),
          redis_(redis),
          hasher_(hasher),
          options_(options),
          tokens_(tokens),
          createUser_(scripts::withPrelude(scripts::kCreateUser)),
          loginBegin_(scripts::withPrelude(scripts::kLoginBegin)),
          loginSucceeded_(scripts::withPrelude(scripts::kLoginSucceeded)),
          createLogin_(scripts::withPrelude(scripts::kCreateLogin)),
          refresh_(scripts::withPrelude(scripts::kRefresh)),
          logout_(scripts::withPrelude(scripts::kLogout)),
          findUser_(scripts::withPrelude(scripts::kFindUser)),
          setPassword_(scripts::withPrelude(scripts::kSetPassword)),
          deleteUser_(scripts::withPrelude(scripts::kDeleteUser)),
          namedMembers_(std::string(scripts::kNamedMembers)),
          createWorkspace_(scripts::withPrelude(scripts::kCreateWorkspace)),
          changeMembership_(scripts::withPrelude(scripts::kChangeMembership)) {
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
        if (keys.empty()) {
            // Every auth key shares one slot (auth_keys.h): on a cluster, a script that declares
            // no key of its own is routed there by the users set's name.
            keys.emplace_back(keys::kUsers);
        }
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
                             then(hashFailed());
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
    void createUser(std::string username, std::string password,
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
    void findUser(const std::string& username,
                  std::function<void(Expected<std::optional<User>>)> then) {
        if (!protocol::isValidUsername(username)) {
            answer<std::optional<User>>(std::move(then), std::optional<User>());
            return;
        }
        eval(findUser_, {keys::username(protocol::normalizeUsername(username))}, {},
             [then = std::move(then)](Result result) { then(userOf(result)); });
    }

    // --- logins ---

    // Creates a login with its first token pair, then answers with the user's workspaces.
    void createLogin(User user, std::function<void(Expected<LoginAnswer>)> done) {
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
                 self->workspacesOf(
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
        createUser(
            std::move(username), std::move(password),
            [self = shared_from_this(), done = std::move(done)](Expected<User> user) mutable {
                if (!user) {
                    done(user.error());
                    return;
                }
                self->createLogin(std::move(user).value(), std::move(done));
            });
    }

    void login(std::string username, std::string password, std::string remoteAddress,
               std::function<void(Expected<LoginAnswer>)> done) {
        const bool nameValid = protocol::isValidUsername(username);
        const std::string normalized = nameValid ? protocol::normalizeUsername(username) : "";
        const std::string nameFailures = keys::failedLoginsOfUser(normalized);
        const std::string addressFailures =
            keys::failedLoginsOfAddress(keys::addressKeyPart(remoteAddress));
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
                     done(rateLimited(*retryAfter));
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
                               self->createLogin(User{userId, std::move(*name)}, done);
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
             [self = shared_from_this(), refreshToken = std::move(refreshToken),
              next = std::move(next), done = std::move(done)](Result result) mutable {
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
                     if (*outcome == "reuse") {
                         // The script revoked the login and announced it; here it ends at once.
                         if (const auto loginId = textOf(elementOf(result.reply(), 1))) {
                             self->forgetLogin(*loginId);
                         }
                     }
                     done(invalidRefreshToken());  // "invalid", or "reuse" (login revoked)
                 }
                 sodium_memzero(refreshToken.data(), refreshToken.size());
             });
    }

    // A login this worker revoked: every worker of the process stops serving its tokens from
    // memory now, before the answer (others hear the script's announcement).
    void forgetLogin(std::string_view loginId) {
        if (tokens_ != nullptr) {
            tokens_->forgetLogin(loginId);
        }
    }

    void authenticate(std::string accessToken, std::function<void(Expected<Principal>)> done) {
        if (!detail::looksLikeToken(accessToken)) {
            answer<Principal>(std::move(done), unauthorized());
            return;
        }
        std::string hash = detail::tokenHash(accessToken);
        auto known = tokens_ != nullptr
                         ? tokens_->find(hash, unixNow(), AccessTokenCache::Clock::now())
                         : std::nullopt;
        if (options_.onTokenCheck) {
            options_.onTokenCheck(known.has_value());
        }
        if (known) {
            answer<Principal>(std::move(done), std::move(*known));
            return;
        }
        const auto generation = tokens_ != nullptr ? tokens_->generation() : 0;
        command({"HMGET", keys::accessToken(hash), "userId", "loginId", "username", "expiresAt",
                 "personalWorkspace"},
                [self = shared_from_this(), hash, generation,
                 done = std::move(done)](Result result) mutable {
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
                    Principal principal{std::move(*userId), username.value_or(std::string()),
                                        std::move(*loginId), expiresAt.value_or(0),
                                        personal.value_or(std::string())};
                    if (self->tokens_ != nullptr) {
                        self->tokens_->store(std::move(hash), principal, generation, unixNow(),
                                             AccessTokenCache::Clock::now());
                    }
                    done(std::move(principal));
                });
    }

    void logout(const Principal& principal, std::function<void(Expected<bool>)> done) {
        if (!protocol::isValidIdentifier(principal.loginId) ||
            !protocol::isValidIdentifier(principal.userId)) {
            answer<bool>(std::move(done), unauthorized());
            return;
        }
        eval(logout_, {}, {principal.loginId, principal.userId},
             [self = shared_from_this(), loginId = principal.loginId,
              done = std::move(done)](Result result) {
                 // Here at once (even when the outcome is unknown: forgetting is always safe);
                 // other instances when the script's announcement arrives.
                 self->forgetLogin(loginId);
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

    void workspacesOf(const std::string& userId,
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
            answer<Workspace>(std::move(done), badWorkspaceName());
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
                     done(noSuchOwner());
                 } else {
                     done(malformedReply());
                 }
             });
    }

    void resolveWorkspace(const std::string& userId, std::optional<std::string> requested,
                          std::function<void(Expected<std::string>)> done) {
        if (requested && !protocol::isValidIdentifier(*requested)) {
            answer<std::string>(std::move(done), badWorkspaceHeader());
            return;
        }
        if (!protocol::isValidIdentifier(userId)) {
            answer<std::string>(std::move(done), unauthorized());
            return;
        }
        if (!requested) {
            command({"HGET", keys::user(userId), "personalWorkspace"},
                    [done = std::move(done)](Result result) {
                        if (!result.succeeded()) {
                            done(storageError(result));
                            return;
                        }
                        auto id = textOf(&result.reply());
                        if (!id || !protocol::isValidIdentifier(*id)) {
                            done(notAMember());
                        } else {
                            done(std::move(*id));
                        }
                    });
            return;
        }
        command({"SISMEMBER", keys::workspaceMembers(*requested), userId},
                [id = *requested, done = std::move(done)](Result result) {
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
                        done(notAMember());
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
        findUser(username, [self = shared_from_this(), username, password = std::move(password),
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
                        done(hashFailed());
                        return;
                    }
                    self->eval(
                        self->setPassword_, {keys::username(protocol::normalizeUsername(username))},
                        {std::move(hash)}, [username, done = std::move(done)](Result result) {
                            auto user = userOf(result);
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
                 auto user = userOf(result);
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
            answer<bool>(std::move(done), badWorkspaceId());
            return;
        }
        if (!protocol::isValidUsername(username)) {
            answer<bool>(std::move(done), noSuchUser(username));
            return;
        }
        eval(changeMembership_,
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
                     done(noSuchWorkspace(workspaceId));
                 } else if (*outcome == "owner") {
                     done(ownerNotRevocable());
                 } else {
                     done(malformedReply());
                 }
             });
    }

    boost::asio::io_context& io_;
    redis::Client& redis_;
    PasswordHasher& hasher_;
    AuthOptions options_;
    AccessTokenCache* tokens_;  // the process's, or nullptr

  private:
    // Per instance (the client caches each script's SHA in it; instances run on different
    // threads).
    redis::Script createUser_, loginBegin_, loginSucceeded_, createLogin_, refresh_, logout_,
        findUser_, setPassword_, deleteUser_, namedMembers_, createWorkspace_, changeMembership_;
    std::string dummyHash_;
    std::vector<std::function<void(const std::string&)>> dummyWaiters_;
};

AuthService::AuthService(boost::asio::io_context& io, redis::Client& redis, PasswordHasher& hasher,
                         AuthOptions options, AccessTokenCache* tokens)
    : impl_(std::make_shared<Impl>(io, redis, hasher, std::move(options), tokens)) {
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
    impl_->workspacesOf(userId, std::move(done));
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
    impl_->createUser(std::move(username), std::move(password), std::move(done));
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
    impl_->findUser(username, std::move(done));
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
