// AuthService against a private redis-server per test: sign-up and login answers, case-blind
// user names, the same refusal for a wrong password and an unknown user, only token hashes in
// Redis (with TTLs), authentication and expiry, refresh rotation with its grace window and reuse
// detection, logout, rate limits per name and per address, workspaces and grants, the admin
// calls, concurrent sign-ups, malformed data, Redis down, and the production hashing cost.
// Hashing uses the test-only minimal cost except in the production test.
#include <algorithm>
#include <optional>

#include <QTest>
#include <io_wait.h>
#include <qtest_json.h>
#include <redis_process.h>

#include <deskboard/protocol/canonical_json.h>
#include <deskboard/protocol/identifiers.h>
#include <deskboard/server/auth/auth_service.h>

using namespace deskboard::server;
using namespace deskboard::server::auth;
using deskboard::protocol::ApiError;
using deskboard::protocol::ErrorCode;
using deskboard::protocol::errorName;
using deskboard::protocol::Expected;
using deskboard::testing::RedisProcess;
using deskboard::testing::runUntil;
using namespace std::chrono_literals;

namespace {

const std::string kAddress = "192.0.2.10";

// A private Redis, a client on it, a hasher and the service, torn down in the right order.
struct Fixture {
    explicit Fixture(AuthOptions options = {},
                     PasswordHasher::Cost cost = PasswordHasher::Cost::Minimal)
        : hasher(2, cost) {
        redis::ClientOptions clientOptions;
        clientOptions.commandTimeout = 1500ms;
        client = std::make_unique<redis::Client>(
            io, *redis::parseEndpoint(server.url().toStdString()).endpoint, clientOptions);
        client->start();
        auth = std::make_unique<AuthService>(io, *client, hasher, options);
    }

    // Runs one asynchronous call to its answer (an error when it does not come in time).
    template <typename T, typename Start>
    Expected<T> call(Start start, std::chrono::milliseconds timeout = 20s) {
        std::optional<Expected<T>> outcome;
        start([&](Expected<T> result) { outcome.emplace(std::move(result)); });
        if (!runUntil(
                io, [&] { return outcome.has_value(); }, timeout)) {
            return ApiError{ErrorCode::NotFound, "TEST: no answer in time"};
        }
        return std::move(*outcome);
    }

    Expected<LoginAnswer> signup(const std::string& name, const std::string& password,
                                 const std::string& address = kAddress) {
        return call<LoginAnswer>(
            [&](auto done) { auth->signup(name, password, address, std::move(done)); });
    }
    Expected<LoginAnswer> login(const std::string& name, const std::string& password,
                                const std::string& address = kAddress) {
        return call<LoginAnswer>(
            [&](auto done) { auth->login(name, password, address, std::move(done)); });
    }
    Expected<TokenPair> refresh(const std::string& token) {
        return call<TokenPair>([&](auto done) { auth->refresh(token, std::move(done)); });
    }
    Expected<Principal> authenticate(const std::string& token) {
        return call<Principal>([&](auto done) { auth->authenticate(token, std::move(done)); });
    }
    Expected<bool> alive(const std::string& loginId) {
        return call<bool>([&](auto done) { auth->loginAlive(loginId, std::move(done)); });
    }
    Expected<bool> logout(const Principal& principal) {
        return call<bool>([&](auto done) { auth->logout(principal, std::move(done)); });
    }
    Expected<std::vector<Workspace>> workspaces(const std::string& userId) {
        return call<std::vector<Workspace>>(
            [&](auto done) { auth->workspacesOf(userId, std::move(done)); });
    }
    Expected<Workspace> createWorkspace(const std::string& userId, const std::string& name) {
        return call<Workspace>(
            [&](auto done) { auth->createWorkspace(userId, name, std::move(done)); });
    }
    Expected<std::string> resolve(const std::string& userId, std::optional<std::string> requested) {
        return call<std::string>(
            [&](auto done) { auth->resolveWorkspace(userId, requested, std::move(done)); });
    }
    Expected<User> createUser(const std::string& name, const std::string& password) {
        return call<User>([&](auto done) { auth->createUser(name, password, std::move(done)); });
    }
    Expected<User> setPassword(const std::string& name, const std::string& password) {
        return call<User>([&](auto done) { auth->setPassword(name, password, std::move(done)); });
    }
    Expected<User> deleteUser(const std::string& name) {
        return call<User>([&](auto done) { auth->deleteUser(name, std::move(done)); });
    }
    Expected<std::vector<User>> listUsers() {
        return call<std::vector<User>>([&](auto done) { auth->listUsers(std::move(done)); });
    }
    Expected<std::optional<User>> findUser(const std::string& name) {
        return call<std::optional<User>>([&](auto done) { auth->findUser(name, std::move(done)); });
    }
    Expected<bool> grant(const std::string& workspaceId, const std::string& name) {
        return call<bool>([&](auto done) { auth->grant(workspaceId, name, std::move(done)); });
    }
    Expected<bool> revoke(const std::string& workspaceId, const std::string& name) {
        return call<bool>([&](auto done) { auth->revoke(workspaceId, name, std::move(done)); });
    }

    // A raw Redis command on the test's client.
    redis::Reply command(std::vector<std::string> argv) {
        std::optional<redis::Result> outcome;
        client->command(std::move(argv),
                        [&](redis::Result result) { outcome = std::move(result); });
        runUntil(io, [&] { return outcome.has_value(); });
        return outcome && outcome->ok() ? outcome->reply() : redis::Reply{};
    }

    std::vector<std::string> allKeys() {
        std::vector<std::string> keys;
        for (const auto& key : command({"KEYS", "*"}).elements) {
            keys.push_back(key.text);
        }
        return keys;
    }

    // Every key and every value in Redis, as one text.
    std::string dumpAll() {
        std::string text;
        const auto append = [&text](const redis::Reply& reply) {
            if (reply.isArray()) {
                for (const auto& element : reply.elements) {
                    text += element.text + '\n';
                }
            } else {
                text += reply.text + '\n';
            }
        };
        for (const auto& key : allKeys()) {
            text += key + '\n';
            const std::string type = command({"TYPE", key}).text;
            if (type == "string") {
                append(command({"GET", key}));
            } else if (type == "hash") {
                append(command({"HGETALL", key}));
            } else if (type == "set") {
                append(command({"SMEMBERS", key}));
            } else if (type == "zset") {
                append(command({"ZRANGE", key, "0", "-1"}));
            } else {
                text += "UNKNOWN TYPE " + type + '\n';
            }
        }
        return text;
    }

    long long ttl(const std::string& key) { return command({"TTL", key}).integer; }

    // Polls `check` (which runs calls) until it is true or `timeout` passes.
    template <typename Check>
    bool eventually(Check check, std::chrono::milliseconds timeout = 6s) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (std::chrono::steady_clock::now() < deadline) {
            if (check()) {
                return true;
            }
            runUntil(
                io, [] { return false; }, 50ms);
        }
        return check();
    }

    // Declaration order is teardown order, reversed: the service, the client, the hasher
    // (which still posts to io), io, the server.
    RedisProcess server;
    boost::asio::io_context io;
    PasswordHasher hasher;
    std::unique_ptr<redis::Client> client;
    std::unique_ptr<AuthService> auth;
};

std::string codeOf(const auto& expected) {
    return expected ? std::string("(value)") : std::string(errorName(expected.error().code));
}

bool isBase64UrlToken(const std::string& token) {
    return token.size() == 43 && std::all_of(token.begin(), token.end(), [](char c) {
               return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
           });
}

std::string accessKey(const std::string& token) {
    return "deskboard:{auth}:token:access:" + deskboard::protocol::sha256Hex(token);
}
std::string refreshKey(const std::string& token) {
    return "deskboard:{auth}:token:refresh:" + deskboard::protocol::sha256Hex(token);
}

bool samePair(const TokenPair& a, const TokenPair& b) {
    return a.accessToken == b.accessToken && a.refreshToken == b.refreshToken &&
           a.expiresIn == b.expiresIn;
}

}  // namespace

#define QCOMPARE_CODE(expected, code) QCOMPARE(codeOf(expected), std::string(errorName(code)))

class AuthServiceTest : public QObject {
    Q_OBJECT

  private slots:
    void signupAnswersLikeALogin() {
        Fixture f;
        const auto answer = f.signup("Alice", "password1");
        QVERIFY2(answer, codeOf(answer).c_str());
        QVERIFY(isBase64UrlToken(answer.value().accessToken));
        QVERIFY(isBase64UrlToken(answer.value().refreshToken));
        QVERIFY(answer.value().accessToken != answer.value().refreshToken);
        QCOMPARE(answer.value().expiresIn, 900LL);
        QCOMPARE(answer.value().user.username, std::string("alice"));
        QVERIFY(deskboard::protocol::isValidIdentifier(answer.value().user.id));
        QCOMPARE(answer.value().workspaces.size(), std::size_t{1});
        QCOMPARE(answer.value().workspaces[0].name, std::string("Personal"));
        QVERIFY(deskboard::protocol::isValidIdentifier(answer.value().workspaces[0].id));

        // The login answer has the same shape and the same user.
        const auto login = f.login("alice", "password1");
        QVERIFY2(login, codeOf(login).c_str());
        QCOMPARE(login.value().user.id, answer.value().user.id);
        QCOMPARE(login.value().workspaces.size(), std::size_t{1});
        QCOMPARE(login.value().workspaces[0].id, answer.value().workspaces[0].id);
        QVERIFY(login.value().accessToken != answer.value().accessToken);
    }

    void signupValidatesAndRefusesTakenNames() {
        Fixture f;
        QVERIFY(f.signup("Alice", "password1"));
        const auto taken = f.signup("aLiCe", "password2");
        QCOMPARE_CODE(taken, ErrorCode::UserExists);
        const auto badName = f.signup("al ice", "password1");
        QCOMPARE_CODE(badName, ErrorCode::InvalidBody);
        QVERIFY(badName.error().message.find("username") != std::string::npos);
        const auto tooLong = f.signup(std::string(65, 'a'), "password1");
        QCOMPARE_CODE(tooLong, ErrorCode::InvalidBody);
        const auto badPassword = f.signup("bob", "short");
        QCOMPARE_CODE(badPassword, ErrorCode::InvalidBody);
        QVERIFY(badPassword.error().message.find("password") != std::string::npos);
        QVERIFY(badPassword.error().message.find("short") == std::string::npos);
        QCOMPARE_CODE(f.signup("bob", std::string(1025, 'x')), ErrorCode::InvalidBody);
        const auto users = f.listUsers();
        QVERIFY(users);
        QCOMPARE(users.value().size(), std::size_t{1});
    }

    void userNamesAreCaseInsensitive() {
        Fixture f;
        const auto created = f.signup("Alice", "password1");
        QVERIFY(created);
        const auto upper = f.login("ALICE", "password1");
        QVERIFY2(upper, codeOf(upper).c_str());
        QCOMPARE(upper.value().user.id, created.value().user.id);
        QCOMPARE(upper.value().user.username, std::string("alice"));
        const auto found = f.findUser("aLICE");
        QVERIFY(found && found.value());
        QCOMPARE(found.value()->id, created.value().user.id);
    }

    void wrongPasswordAndUnknownUserGetTheSameAnswer() {
        Fixture f;
        QVERIFY(f.signup("alice", "password1"));
        const auto wrong = f.login("alice", "password2");
        const auto unknown = f.login("nobody", "password1");
        const auto malformedName = f.login("no body", "password1");
        const auto shortPassword = f.login("alice", "pw");
        QCOMPARE_CODE(wrong, ErrorCode::InvalidCredentials);
        QCOMPARE_CODE(unknown, ErrorCode::InvalidCredentials);
        QCOMPARE_CODE(malformedName, ErrorCode::InvalidCredentials);
        QCOMPARE_CODE(shortPassword, ErrorCode::InvalidCredentials);
        QVERIFY(wrong.error() == unknown.error());
        QVERIFY(wrong.error() == malformedName.error());
    }

    void redisHoldsOnlyHashesWithTtls() {
        Fixture f;
        const std::string password = "password-that-must-not-leak";
        const auto signup = f.signup("alice", password);
        QVERIFY(signup);
        const auto login = f.login("alice", password);
        QVERIFY(login);
        const auto rotated = f.refresh(login.value().refreshToken);
        QVERIFY(rotated);
        const std::vector<std::string> tokens = {
            signup.value().accessToken, signup.value().refreshToken, login.value().accessToken,
            login.value().refreshToken, rotated.value().accessToken, rotated.value().refreshToken};

        const std::string everything = f.dumpAll();
        QVERIFY(everything.find("deskboard:{auth}:token:grace:") != std::string::npos);
        for (const auto& token : tokens) {
            QVERIFY2(everything.find(token) == std::string::npos, "a raw token is in Redis");
        }
        QVERIFY(everything.find(password) == std::string::npos);

        // Tokens are stored under their SHA-256, with TTLs.
        for (const auto& token : {signup.value().accessToken, rotated.value().accessToken}) {
            const auto ttl = f.ttl(accessKey(token));
            QVERIFY2(ttl > 0 && ttl <= 900, std::to_string(ttl).c_str());
        }
        for (const auto& token : {signup.value().refreshToken, rotated.value().refreshToken,
                                  login.value().refreshToken}) {
            const auto ttl = f.ttl(refreshKey(token));
            QVERIFY2(ttl > 900 && ttl <= 2592000, std::to_string(ttl).c_str());
        }
        const auto grace = f.ttl("deskboard:{auth}:token:grace:" +
                                 deskboard::protocol::sha256Hex(login.value().refreshToken));
        QVERIFY(grace > 0 && grace <= 10);
        // Every key of a login and of the rate limiter expires; only users and workspaces stay.
        for (const auto& key : f.allKeys()) {
            if (key.starts_with("deskboard:{auth}:token:") ||
                key.starts_with("deskboard:{auth}:login:") || key.ends_with(":logins")) {
                QVERIFY2(f.ttl(key) > 0, key.c_str());
            }
        }
        // The password is stored as an argon2id hash.
        const auto hash =
            f.command({"HGET", "deskboard:{auth}:user:" + signup.value().user.id, "passwordHash"});
        QVERIFY(hash.text.starts_with("$argon2id$"));
    }

    void authenticatesAccessTokens() {
        AuthOptions options;
        options.accessTokenTtl = 1;
        Fixture f(options);
        const auto login = f.signup("alice", "password1");
        QVERIFY(login);
        QCOMPARE(login.value().expiresIn, 1LL);
        const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
        const auto principal = f.authenticate(login.value().accessToken);
        QVERIFY2(principal, codeOf(principal).c_str());
        QCOMPARE(principal.value().userId, login.value().user.id);
        QCOMPARE(principal.value().username, std::string("alice"));
        QVERIFY(deskboard::protocol::isValidIdentifier(principal.value().loginId));
        QVERIFY(principal.value().expiresAt >= now && principal.value().expiresAt <= now + 2);

        QCOMPARE_CODE(f.authenticate(login.value().refreshToken), ErrorCode::Unauthorized);
        QCOMPARE_CODE(f.authenticate(std::string(43, 'A')), ErrorCode::Unauthorized);
        QCOMPARE_CODE(f.authenticate("not a token"), ErrorCode::Unauthorized);
        QCOMPARE_CODE(f.authenticate(""), ErrorCode::Unauthorized);

        // It expires by its TTL.
        QVERIFY(f.eventually([&] { return !f.authenticate(login.value().accessToken); }));
        QCOMPARE_CODE(f.authenticate(login.value().accessToken), ErrorCode::Unauthorized);
        // The login itself lives on: the refresh token still works.
        const auto refreshed = f.refresh(login.value().refreshToken);
        QVERIFY2(refreshed, codeOf(refreshed).c_str());
        QVERIFY(f.authenticate(refreshed.value().accessToken));
    }

    void refreshRotatesWithAGraceWindow() {
        AuthOptions options;
        options.refreshGraceSeconds = 1;
        Fixture f(options);
        const auto login = f.signup("alice", "password1");
        QVERIFY(login);
        const std::string first = login.value().refreshToken;
        const auto pair = f.refresh(first);
        QVERIFY2(pair, codeOf(pair).c_str());
        QVERIFY(isBase64UrlToken(pair.value().accessToken));
        QVERIFY(pair.value().refreshToken != first);
        QCOMPARE(pair.value().expiresIn, 900LL);
        // The old access token stays valid until it expires; the new one works too.
        QVERIFY(f.authenticate(login.value().accessToken));
        QVERIFY(f.authenticate(pair.value().accessToken));

        // Within the window, the old token gets the very same pair again.
        const auto again = f.refresh(first);
        QVERIFY2(again, codeOf(again).c_str());
        QVERIFY(samePair(again.value(), pair.value()));

        // The new refresh token rotates on.
        const auto next = f.refresh(pair.value().refreshToken);
        QVERIFY2(next, codeOf(next).c_str());
        QVERIFY(f.authenticate(next.value().accessToken));
        QVERIFY(f.alive(f.authenticate(next.value().accessToken).value().loginId).value());
    }

    void reuseAfterTheWindowRevokesTheLogin() {
        AuthOptions options;
        options.refreshGraceSeconds = 1;
        Fixture f(options);
        const auto login = f.signup("alice", "password1");
        QVERIFY(login);
        const auto loginId = f.authenticate(login.value().accessToken).value().loginId;
        // Another login of the same user, which must survive.
        const auto other = f.login("alice", "password1");
        QVERIFY(other);

        const std::string first = login.value().refreshToken;
        const auto pair = f.refresh(first);
        QVERIFY(pair);
        const auto next = f.refresh(pair.value().refreshToken);
        QVERIFY(next);

        // Present the first token until the window has passed: the same pair while it lasts,
        // then reuse.
        std::optional<ApiError> refusal;
        QVERIFY(f.eventually([&] {
            const auto presented = f.refresh(first);
            if (presented) {
                if (!samePair(presented.value(), pair.value())) {
                    qWarning("a different pair within the grace window");
                    return true;
                }
                return false;
            }
            refusal = presented.error();
            return true;
        }));
        QVERIFY(refusal);
        QCOMPARE(std::string(errorName(refusal->code)), std::string("invalid_refresh_token"));

        // The whole login is gone: every access and refresh token descended from it.
        QCOMPARE_CODE(f.refresh(next.value().refreshToken), ErrorCode::InvalidRefreshToken);
        QCOMPARE_CODE(f.authenticate(login.value().accessToken), ErrorCode::Unauthorized);
        QCOMPARE_CODE(f.authenticate(pair.value().accessToken), ErrorCode::Unauthorized);
        QCOMPARE_CODE(f.authenticate(next.value().accessToken), ErrorCode::Unauthorized);
        QCOMPARE_CODE(f.refresh(first), ErrorCode::InvalidRefreshToken);
        QCOMPARE(f.alive(loginId).value(), false);
        // Nothing of that login is left in Redis.
        for (const auto& key : f.allKeys()) {
            QVERIFY2(!key.starts_with("deskboard:{auth}:token:grace:"), key.c_str());
        }
        QCOMPARE(f.command({"EXISTS", "deskboard:{auth}:login:" + loginId}).integer, 0LL);

        // The other login is untouched.
        QVERIFY(f.authenticate(other.value().accessToken));
        QVERIFY(f.refresh(other.value().refreshToken));
    }

    void withoutAGraceWindowAnyReuseRevokes() {
        AuthOptions options;
        options.refreshGraceSeconds = 0;
        Fixture f(options);
        const auto login = f.signup("alice", "password1");
        QVERIFY(login);
        const auto pair = f.refresh(login.value().refreshToken);
        QVERIFY(pair);
        QCOMPARE_CODE(f.refresh(login.value().refreshToken), ErrorCode::InvalidRefreshToken);
        QCOMPARE_CODE(f.refresh(pair.value().refreshToken), ErrorCode::InvalidRefreshToken);
        QCOMPARE_CODE(f.authenticate(pair.value().accessToken), ErrorCode::Unauthorized);
    }

    void refreshRefusesUnknownTokens() {
        Fixture f;
        QVERIFY(f.signup("alice", "password1"));
        QCOMPARE_CODE(f.refresh(std::string(43, 'A')), ErrorCode::InvalidRefreshToken);
        QCOMPARE_CODE(f.refresh("short"), ErrorCode::InvalidRefreshToken);
        QCOMPARE_CODE(f.refresh(""), ErrorCode::InvalidRefreshToken);
        QCOMPARE_CODE(f.refresh(std::string(100000, 'x')), ErrorCode::InvalidRefreshToken);
    }

    void refreshTokensExpire() {
        AuthOptions options;
        options.refreshTokenTtl = 1;
        Fixture f(options);
        const auto login = f.signup("alice", "password1");
        QVERIFY(login);
        QVERIFY(f.eventually([&] {
            return f.command({"EXISTS", refreshKey(login.value().refreshToken)}).integer == 0;
        }));
        QCOMPARE_CODE(f.refresh(login.value().refreshToken), ErrorCode::InvalidRefreshToken);
    }

    void logoutRevokesTheLoginAtOnce() {
        Fixture f;
        const auto login = f.signup("alice", "password1");
        QVERIFY(login);
        const auto other = f.login("alice", "password1");
        QVERIFY(other);
        const auto pair = f.refresh(login.value().refreshToken);
        QVERIFY(pair);
        const auto principal = f.authenticate(pair.value().accessToken);
        QVERIFY(principal);
        QCOMPARE(f.alive(principal.value().loginId).value(), true);

        const auto out = f.logout(principal.value());
        QVERIFY(out && out.value());
        QCOMPARE_CODE(f.authenticate(login.value().accessToken), ErrorCode::Unauthorized);
        QCOMPARE_CODE(f.authenticate(pair.value().accessToken), ErrorCode::Unauthorized);
        QCOMPARE_CODE(f.refresh(pair.value().refreshToken), ErrorCode::InvalidRefreshToken);
        // Within what would have been the grace window: still refused.
        QCOMPARE_CODE(f.refresh(login.value().refreshToken), ErrorCode::InvalidRefreshToken);
        QCOMPARE(f.alive(principal.value().loginId).value(), false);
        // Only that login.
        QVERIFY(f.authenticate(other.value().accessToken));
    }

    void loginAliveAnswersForAnyId() {
        Fixture f;
        QCOMPARE(f.alive("0123456789abcdef0123456789abcdef").value(), false);
        QCOMPARE(f.alive("a}b").value(), false);
        QCOMPARE(f.alive("").value(), false);
    }

    void rateLimitsPerUserName() {
        AuthOptions options;
        options.loginMaxFailures = 3;
        options.loginWindowSeconds = 2;
        Fixture f(options);
        QVERIFY(f.createUser("alice", "password1"));
        for (int i = 0; i < 3; ++i) {
            // From different addresses, so only the name counts up to the limit.
            QCOMPARE_CODE(f.login("alice", "wrong-password", "10.0.0." + std::to_string(i)),
                          ErrorCode::InvalidCredentials);
        }
        const auto limited = f.login("Alice", "password1", "10.0.1.1");
        QCOMPARE_CODE(limited, ErrorCode::RateLimited);
        QVERIFY(limited.error().retryAfterSeconds);
        QVERIFY(*limited.error().retryAfterSeconds > 0 && *limited.error().retryAfterSeconds <= 2);
        // Other names from the same address are not affected.
        QVERIFY(f.createUser("bob", "password1"));
        QVERIFY(f.login("bob", "password1", "10.0.1.1"));
        // After the window, the right password works again.
        QVERIFY(f.eventually([&] { return bool(f.login("alice", "password1", "10.0.1.1")); }));
    }

    void rateLimitsPerAddress() {
        AuthOptions options;
        options.loginMaxFailures = 3;
        options.loginWindowSeconds = 2;
        Fixture f(options);
        QVERIFY(f.createUser("alice", "password1"));
        const std::string address = "2001:db8::1";
        for (int i = 0; i < 3; ++i) {
            QCOMPARE_CODE(f.login("user" + std::to_string(i), "password1", address),
                          ErrorCode::InvalidCredentials);
        }
        const auto limited = f.login("alice", "password1", address);
        QCOMPARE_CODE(limited, ErrorCode::RateLimited);
        QVERIFY(*limited.error().retryAfterSeconds > 0 && *limited.error().retryAfterSeconds <= 2);
        // Also for malformed names, and for addresses that cannot be key names as they are.
        QCOMPARE_CODE(f.login("bad name", "password1", address), ErrorCode::RateLimited);
        QVERIFY(f.login("alice", "password1", "198.51.100.7"));
        QCOMPARE_CODE(f.login("x", "password1", "weird address\r\n"),
                      ErrorCode::InvalidCredentials);
        QVERIFY(f.eventually([&] { return bool(f.login("alice", "password1", address)); }));
        // The counters are keyed and expire.
        for (const auto& key : f.allKeys()) {
            if (key.starts_with("deskboard:{auth}:ratelimit:")) {
                QVERIFY2(key.find('\r') == std::string::npos, key.c_str());
                QVERIFY(f.ttl(key) != -1);  // -2: expired meanwhile
            }
        }
    }

    void parallelGuessesCannotOutrunTheLimit() {
        AuthOptions options;
        options.loginMaxFailures = 3;
        options.loginWindowSeconds = 60;
        Fixture f(options);
        QVERIFY(f.createUser("alice", "password1"));
        // Successful logins do not count against the limit.
        for (int i = 0; i < 5; ++i) {
            QVERIFY(f.login("alice", "password1", "10.1.0.1"));
        }
        // Ten wrong guesses sent at once, from ten addresses: only three are even tried.
        std::vector<std::optional<Expected<LoginAnswer>>> outcomes(10);
        for (std::size_t i = 0; i < outcomes.size(); ++i) {
            f.auth->login(
                "alice", "wrong-password" + std::to_string(i), "10.2.0." + std::to_string(i),
                [&, i](Expected<LoginAnswer> answer) { outcomes[i].emplace(std::move(answer)); });
        }
        QVERIFY(runUntil(f.io, [&] {
            return std::all_of(outcomes.begin(), outcomes.end(),
                               [](const auto& outcome) { return outcome.has_value(); });
        }));
        int tried = 0;
        for (const auto& outcome : outcomes) {
            QVERIFY(!outcome->hasValue());
            if (outcome->error().code == ErrorCode::InvalidCredentials) {
                ++tried;
            } else {
                QCOMPARE_CODE(*outcome, ErrorCode::RateLimited);
            }
        }
        QCOMPARE(tried, 3);
        QCOMPARE_CODE(f.login("alice", "password1", "10.1.0.1"), ErrorCode::RateLimited);
    }

    void workspacesAreCreatedListedAndResolved() {
        Fixture f;
        const auto alice = f.signup("alice", "password1");
        const auto bob = f.signup("bob", "password1");
        QVERIFY(alice && bob);
        const std::string aliceId = alice.value().user.id;
        const std::string personal = alice.value().workspaces[0].id;

        const auto team = f.createWorkspace(aliceId, "Team");
        QVERIFY2(team, codeOf(team).c_str());
        QCOMPARE(team.value().name, std::string("Team"));
        QVERIFY(deskboard::protocol::isValidIdentifier(team.value().id));
        const auto alpha = f.createWorkspace(aliceId, "Alpha \xc3\xa9");
        QVERIFY(alpha);
        const auto alpha2 = f.createWorkspace(aliceId, "Alpha \xc3\xa9");
        QVERIFY(alpha2);
        QVERIFY(alpha.value().id != alpha2.value().id);

        const auto list = f.workspaces(aliceId);
        QVERIFY(list);
        QCOMPARE(list.value().size(), std::size_t{4});
        QCOMPARE(list.value()[0].name, std::string("Alpha \xc3\xa9"));
        QCOMPARE(list.value()[1].name, std::string("Alpha \xc3\xa9"));
        QVERIFY(list.value()[0].id < list.value()[1].id);
        QCOMPARE(list.value()[2].name, std::string("Personal"));
        QCOMPARE(list.value()[2].id, personal);
        QCOMPARE(list.value()[3].id, team.value().id);

        const auto badName = f.createWorkspace(aliceId, "");
        QCOMPARE_CODE(badName, ErrorCode::InvalidBody);
        QVERIFY(badName.error().message.find("name") != std::string::npos);
        QCOMPARE_CODE(f.createWorkspace(aliceId, std::string(101, 'w')), ErrorCode::InvalidBody);
        QCOMPARE_CODE(f.createWorkspace(aliceId, "tab\there"), ErrorCode::InvalidBody);

        QCOMPARE(f.resolve(aliceId, std::nullopt).value(), personal);
        QCOMPARE(f.resolve(aliceId, team.value().id).value(), team.value().id);
        QCOMPARE(f.resolve(aliceId, personal).value(), personal);
        QCOMPARE_CODE(f.resolve(aliceId, bob.value().workspaces[0].id),
                      ErrorCode::ForbiddenWorkspace);
        QCOMPARE_CODE(f.resolve(bob.value().user.id, team.value().id),
                      ErrorCode::ForbiddenWorkspace);
        QCOMPARE_CODE(f.resolve(aliceId, "unknownworkspace"), ErrorCode::ForbiddenWorkspace);
        QCOMPARE_CODE(f.resolve(aliceId, "a}b"), ErrorCode::InvalidWorkspaceId);
        QCOMPARE_CODE(f.resolve(aliceId, ""), ErrorCode::InvalidWorkspaceId);
        QCOMPARE_CODE(f.resolve(aliceId, std::string(65, 'a')), ErrorCode::InvalidWorkspaceId);

        // A new login lists them all.
        const auto again = f.login("alice", "password1");
        QVERIFY(again);
        QCOMPARE(again.value().workspaces.size(), std::size_t{4});
    }

    void grantsAndRevokesMembers() {
        Fixture f;
        const auto alice = f.signup("alice", "password1");
        const auto bob = f.signup("bob", "password1");
        QVERIFY(alice && bob);
        const auto team = f.createWorkspace(alice.value().user.id, "Team");
        QVERIFY(team);
        const std::string bobId = bob.value().user.id;

        QCOMPARE(f.grant(team.value().id, "BOB").value(), true);
        QCOMPARE(f.grant(team.value().id, "bob").value(), false);  // already a member
        QCOMPARE(f.resolve(bobId, team.value().id).value(), team.value().id);
        const auto list = f.workspaces(bobId);
        QVERIFY(list);
        QCOMPARE(list.value().size(), std::size_t{2});
        QCOMPARE(list.value()[1].id, team.value().id);

        QCOMPARE(f.revoke(team.value().id, "bob").value(), true);
        QCOMPARE(f.revoke(team.value().id, "bob").value(), false);
        QCOMPARE_CODE(f.resolve(bobId, team.value().id), ErrorCode::ForbiddenWorkspace);
        QCOMPARE(f.workspaces(bobId).value().size(), std::size_t{1});

        const auto owner = f.revoke(team.value().id, "alice");
        QCOMPARE_CODE(owner, ErrorCode::InvalidBody);
        const auto unknownUser = f.grant(team.value().id, "carol");
        QCOMPARE_CODE(unknownUser, ErrorCode::NotFound);
        QVERIFY(unknownUser.error().message.find("carol") != std::string::npos);
        const auto unknownWorkspace = f.grant("nosuchworkspace", "bob");
        QCOMPARE_CODE(unknownWorkspace, ErrorCode::NotFound);
        QVERIFY(unknownWorkspace.error().message.find("workspace") != std::string::npos);
        QCOMPARE_CODE(f.grant("a}b", "bob"), ErrorCode::InvalidWorkspaceId);
        QCOMPARE_CODE(f.revoke(team.value().id, "bad name"), ErrorCode::NotFound);
    }

    void setPasswordRevokesEveryLogin() {
        Fixture f;
        const auto created = f.createUser("Alice", "password1");
        QVERIFY2(created, codeOf(created).c_str());
        QCOMPARE(created.value().username, std::string("alice"));
        QCOMPARE_CODE(f.createUser("ALICE", "password1"), ErrorCode::UserExists);
        QCOMPARE_CODE(f.createUser("a/b", "password1"), ErrorCode::InvalidBody);
        const auto first = f.login("alice", "password1");
        const auto second = f.login("alice", "password1");
        QVERIFY(first && second);
        const auto firstLogin = f.authenticate(first.value().accessToken).value().loginId;

        const auto changed = f.setPassword("ALICE", "password2");
        QVERIFY2(changed, codeOf(changed).c_str());
        QCOMPARE(changed.value().id, created.value().id);
        for (const auto* answer : {&first, &second}) {
            QCOMPARE_CODE(f.authenticate(answer->value().accessToken), ErrorCode::Unauthorized);
            QCOMPARE_CODE(f.refresh(answer->value().refreshToken), ErrorCode::InvalidRefreshToken);
        }
        QCOMPARE(f.alive(firstLogin).value(), false);
        QCOMPARE_CODE(f.login("alice", "password1"), ErrorCode::InvalidCredentials);
        QVERIFY(f.login("alice", "password2"));

        QCOMPARE_CODE(f.setPassword("nobody", "password2"), ErrorCode::NotFound);
        QCOMPARE_CODE(f.setPassword("alice", "short"), ErrorCode::InvalidBody);
    }

    void deleteUserRemovesEverythingButState() {
        Fixture f;
        const auto alice = f.signup("alice", "password1");
        const auto bob = f.signup("bob", "password1");
        QVERIFY(alice && bob);
        const std::string aliceId = alice.value().user.id;
        const std::string alicePersonal = alice.value().workspaces[0].id;
        const auto team = f.createWorkspace(aliceId, "Team");
        QVERIFY(team);
        QVERIFY(f.grant(team.value().id, "bob").value());
        // A state key of alice's (owned by the state service) survives the deletion.
        const std::string stateKey = "dashboard:state:{" + aliceId + ":" + alicePersonal + "}";
        f.command({"SET", stateKey, "{}"});

        const auto deleted = f.deleteUser("Alice");
        QVERIFY2(deleted, codeOf(deleted).c_str());
        QCOMPARE(deleted.value().id, aliceId);
        QCOMPARE(deleted.value().username, std::string("alice"));
        QCOMPARE_CODE(f.deleteUser("alice"), ErrorCode::NotFound);

        QCOMPARE_CODE(f.authenticate(alice.value().accessToken), ErrorCode::Unauthorized);
        QCOMPARE_CODE(f.refresh(alice.value().refreshToken), ErrorCode::InvalidRefreshToken);
        QCOMPARE_CODE(f.login("alice", "password1"), ErrorCode::InvalidCredentials);
        const auto found = f.findUser("alice");
        QVERIFY(found && !found.value());
        const auto users = f.listUsers();
        QVERIFY(users);
        QCOMPARE(users.value().size(), std::size_t{1});
        QCOMPARE(users.value()[0].username, std::string("bob"));

        // The shared workspace stays for bob; alice's personal one is gone.
        QCOMPARE(f.resolve(bob.value().user.id, team.value().id).value(), team.value().id);
        QCOMPARE(f.command({"EXISTS", "deskboard:{auth}:workspace:" + alicePersonal}).integer, 0LL);
        for (const auto& key : f.allKeys()) {
            if (key != stateKey) {
                QVERIFY2(key.find(aliceId) == std::string::npos, key.c_str());
            }
        }
        QCOMPARE(f.command({"GET", stateKey}).text, std::string("{}"));

        // The name is free again.
        const auto again = f.signup("alice", "password3");
        QVERIFY(again);
        QVERIFY(again.value().user.id != aliceId);
    }

    void listsAndFindsUsers() {
        Fixture f;
        QVERIFY(f.createUser("carol", "password1"));
        QVERIFY(f.createUser("Alice", "password1"));
        QVERIFY(f.createUser("bob", "password1"));
        const auto users = f.listUsers();
        QVERIFY(users);
        QCOMPARE(users.value().size(), std::size_t{3});
        QCOMPARE(users.value()[0].username, std::string("alice"));
        QCOMPARE(users.value()[1].username, std::string("bob"));
        QCOMPARE(users.value()[2].username, std::string("carol"));
        const auto found = f.findUser("BOB");
        QVERIFY(found && found.value());
        QCOMPARE(found.value()->id, users.value()[1].id);
        QVERIFY(!f.findUser("dave").value());
        QVERIFY(!f.findUser("not valid").value());
    }

    void concurrentSignupsOfOneNameHaveOneWinner() {
        Fixture f;
        std::vector<std::optional<Expected<LoginAnswer>>> outcomes(5);
        const std::vector<std::string> names = {"dave", "Dave", "DAVE", "dAve", "daVe"};
        for (std::size_t i = 0; i < names.size(); ++i) {
            f.auth->signup(names[i], "password1", kAddress,
                           [&, i](Expected<LoginAnswer> answer) { outcomes[i].emplace(answer); });
        }
        QVERIFY(runUntil(f.io, [&] {
            return std::all_of(outcomes.begin(), outcomes.end(),
                               [](const auto& outcome) { return outcome.has_value(); });
        }));
        int winners = 0;
        for (const auto& outcome : outcomes) {
            if (outcome->hasValue()) {
                ++winners;
            } else {
                QCOMPARE_CODE(*outcome, ErrorCode::UserExists);
            }
        }
        QCOMPARE(winners, 1);
        QCOMPARE(f.listUsers().value().size(), std::size_t{1});
        QCOMPARE(f.command({"SCARD", "deskboard:{auth}:users"}).integer, 1LL);
    }

    void callbacksRunOnTheIoContextNeverInline() {
        Fixture f;
        bool answered = false;
        f.auth->refresh("bad", [&](Expected<TokenPair>) { answered = true; });
        f.auth->signup("bad name", "password1", kAddress,
                       [&](Expected<LoginAnswer>) { answered = true; });
        QVERIFY(!answered);
        QVERIFY(runUntil(f.io, [&] { return answered; }));
    }

    void malformedDataIsNotACrash() {
        Fixture f;
        const auto login = f.signup("alice", "password1");
        QVERIFY(login);
        // Wrong types where the service expects hashes and strings.
        f.command({"DEL", accessKey(login.value().accessToken)});
        f.command({"RPUSH", accessKey(login.value().accessToken), "x"});
        QCOMPARE_CODE(f.authenticate(login.value().accessToken), ErrorCode::StorageUnavailable);
        f.command({"DEL", "deskboard:{auth}:username:alice"});
        f.command({"SADD", "deskboard:{auth}:username:alice", "x"});
        QCOMPARE_CODE(f.login("alice", "password1"), ErrorCode::StorageUnavailable);
        // A damaged stored hash just does not verify.
        f.command({"DEL", "deskboard:{auth}:username:alice"});
        f.command({"SET", "deskboard:{auth}:username:alice", login.value().user.id});
        f.command(
            {"HSET", "deskboard:{auth}:user:" + login.value().user.id, "passwordHash", "garbage"});
        QCOMPARE_CODE(f.login("alice", "password1"), ErrorCode::InvalidCredentials);
        // A workspace set with an id that breaks the rule.
        f.command(
            {"SADD", "deskboard:{auth}:user:" + login.value().user.id + ":workspaces", "a}b"});
        f.command({"HSET", "deskboard:{auth}:workspace:a}b", "name", "odd"});
        QCOMPARE_CODE(f.workspaces(login.value().user.id), ErrorCode::StorageUnavailable);
    }

    void redisDownIsStorageUnavailable() {
        Fixture f;
        const auto login = f.signup("alice", "password1");
        QVERIFY(login);
        f.server.stop();
        const auto principal = f.authenticate(login.value().accessToken);
        QCOMPARE_CODE(principal, ErrorCode::StorageUnavailable);
        QVERIFY(!principal.error().message.empty());
        QCOMPARE_CODE(f.login("alice", "password1"), ErrorCode::StorageUnavailable);
        QCOMPARE_CODE(f.signup("bob", "password1"), ErrorCode::StorageUnavailable);
        QCOMPARE_CODE(f.refresh(login.value().refreshToken), ErrorCode::StorageUnavailable);
        QCOMPARE_CODE(f.workspaces(login.value().user.id), ErrorCode::StorageUnavailable);
        QCOMPARE_CODE(f.resolve(login.value().user.id, std::nullopt),
                      ErrorCode::StorageUnavailable);
        QCOMPARE_CODE(f.listUsers(), ErrorCode::StorageUnavailable);
        QCOMPARE_CODE(f.alive("0123456789abcdef"), ErrorCode::StorageUnavailable);
    }

    void productionHashingIsInteractiveAndUnknownUsersCostTheSame() {
        Fixture f({}, PasswordHasher::Cost::Interactive);
        const auto user = f.createUser("alice", "password1");
        QVERIFY(user);
        const auto hash =
            f.command({"HGET", "deskboard:{auth}:user:" + user.value().id, "passwordHash"});
        QVERIFY2(hash.text.starts_with("$argon2id$v=19$m=65536,t=2,p=1$"), hash.text.c_str());

        const auto timed = [&](const std::string& name) {
            const auto start = std::chrono::steady_clock::now();
            const auto answer = f.login(name, "wrong-password");
            const auto elapsed = std::chrono::steady_clock::now() - start;
            return std::make_pair(codeOf(answer), elapsed);
        };
        timed("nobody");  // warm up (the dummy hash is ready by now)
        const auto [wrongCode, wrongTime] = timed("alice");
        const auto [unknownCode, unknownTime] = timed("nobody");
        QCOMPARE(wrongCode, std::string("invalid_credentials"));
        QCOMPARE(unknownCode, wrongCode);
        // Both spend an argon2id verification: an unknown user is not answered quickly.
        QVERIFY2(unknownTime * 10 >= wrongTime * 4,
                 (std::to_string(
                      std::chrono::duration_cast<std::chrono::milliseconds>(unknownTime).count()) +
                  " ms vs " +
                  std::to_string(
                      std::chrono::duration_cast<std::chrono::milliseconds>(wrongTime).count()) +
                  " ms")
                     .c_str());
        QVERIFY(unknownTime >= 20ms);
    }
};

QTEST_GUILESS_MAIN(AuthServiceTest)
#include "tst_auth_service.moc"
