#include <algorithm>
#include <array>
#include <charconv>
#include <limits>
#include <sstream>

#include <arpa/inet.h>

#include <deskboard/server/config.h>
#include <deskboard/version.h>

namespace deskboard::server {
namespace {

// A parser stores the value into the config or returns what is wrong with it.
using Parser = std::function<std::optional<std::string>(std::string_view, Config&)>;

template <typename Number>
Parser number(Number Config::*field, long long minimum, long long maximum) {
    return [=](std::string_view text, Config& config) -> std::optional<std::string> {
        long long value = 0;
        const auto* end = text.data() + text.size();
        const auto result = std::from_chars(text.data(), end, value);
        if (text.empty() || result.ec != std::errc() || result.ptr != end || value < minimum ||
            value > maximum) {
            return "must be an integer from " + std::to_string(minimum) + " to " +
                   std::to_string(maximum);
        }
        config.*field = static_cast<Number>(value);
        return std::nullopt;
    };
}

Parser boolean(bool Config::*field) {
    return [=](std::string_view text, Config& config) -> std::optional<std::string> {
        if (text != "0" && text != "1") {
            return "must be 0 or 1";
        }
        config.*field = text == "1";
        return std::nullopt;
    };
}

std::optional<std::string> parseListen(std::string_view text, Config& config) {
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos || colon == 0) {
        return "must be HOST:PORT, e.g. 127.0.0.1:8080 or [::1]:8080";
    }
    std::string_view host = text.substr(0, colon);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
        host = host.substr(1, host.size() - 2);
    }
    unsigned port = 0;
    const std::string_view portText = text.substr(colon + 1);
    const auto* end = portText.data() + portText.size();
    const auto result = std::from_chars(portText.data(), end, port);
    if (host.empty() || portText.empty() || result.ec != std::errc() || result.ptr != end ||
        port > 65535) {
        return "must be HOST:PORT with a port from 0 to 65535, e.g. 127.0.0.1:8080";
    }
    config.listenHost = std::string(host);
    config.listenPort = static_cast<std::uint16_t>(port);
    return std::nullopt;
}

std::optional<std::string> parseRedisUrl(std::string_view text, Config& config) {
    auto parsed = redis::parseEndpoint(text);
    if (!parsed.endpoint) {
        return parsed.error;
    }
    config.redisUrl = std::string(text);
    config.redis = *parsed.endpoint;
    return std::nullopt;
}

std::optional<std::string> parseLogFormat(std::string_view text, Config& config) {
    if (text == "json") {
        config.logFormat = LogFormat::Json;
    } else if (text == "text") {
        config.logFormat = LogFormat::Text;
    } else {
        return "must be json or text";
    }
    return std::nullopt;
}

std::optional<std::string> parseProxies(std::string_view text, Config& config) {
    config.trustedProxies.clear();
    while (!text.empty()) {
        const auto comma = text.find(',');
        std::string address(text.substr(0, comma));
        std::erase(address, ' ');
        unsigned char buffer[sizeof(in6_addr)];
        if (inet_pton(AF_INET, address.c_str(), buffer) != 1 &&
            inet_pton(AF_INET6, address.c_str(), buffer) != 1) {
            return "must be a comma-separated list of IP addresses, e.g. 127.0.0.1,::1";
        }
        config.trustedProxies.push_back(std::move(address));
        text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
    }
    return std::nullopt;
}

constexpr long long kDay = 86400;
constexpr long long kYear = 366 * kDay;
constexpr const char* kTtlRefresh = "DESKBOARD_TTL_REFRESH_SECONDS";

struct Entry {
    ConfigVariable variable;
    Parser parse;
};

const std::vector<Entry>& entries() {
    static const std::vector<Entry> table{
        {{"DESKBOARD_LISTEN", "127.0.0.1:8080", "address and port to listen on (port 0: any free)"},
         parseListen},
        {{"REDIS_URL", "redis://127.0.0.1:6379",
          "Redis to keep everything in: redis://[[user]:password@]host[:port][/db], or a Redis "
          "Cluster by seed nodes: redis+cluster://[[user]:password@]host:port[,host:port...]"},
         parseRedisUrl},
        {{"REDIS_STATE_TTL", "2592000", "seconds a dashboard state lives after its last use"},
         number(&Config::stateTtlSeconds, 60, 10 * kYear)},
        {{kTtlRefresh, "86400",
          "a read renews a dashboard's TTL only once it has run down by this many seconds, so "
          "most reads write nothing (0: every read; at most half of REDIS_STATE_TTL, which is "
          "also the default when that is shorter)"},
         number(&Config::ttlRefreshSeconds, 0, 5 * kYear)},
        {{"DESKBOARD_LOG_FORMAT", "json", "request log lines: json or text"}, parseLogFormat},
        {{"DESKBOARD_MAX_JSON_DEPTH", "64", "deepest nesting accepted in a JSON body"},
         number(&Config::maxJsonDepth, 2, 1000)},
        {{"DESKBOARD_MAX_STATE_BYTES", "1048576", "largest request body in bytes (413 above)"},
         number(&Config::maxStateBytes, 1024, 64LL * 1024 * 1024)},
        {{"DESKBOARD_REDIS_TIMEOUT_MS", "2000",
          "milliseconds to wait for Redis before answering 503 storage_unavailable"},
         number(&Config::redisTimeoutMs, 10, 60000)},
        {{"DESKBOARD_ALLOW_SIGNUP", "0", "1 lets anyone create an account (POST /api/auth/signup)"},
         boolean(&Config::allowSignup)},
        {{"DESKBOARD_LOGIN_MAX_FAILURES", "10",
          "failed logins per user name or client address before 429 rate_limited"},
         number(&Config::loginMaxFailures, 1, 1000000)},
        {{"DESKBOARD_LOGIN_WINDOW_SECONDS", "900", "the window those failures are counted in"},
         number(&Config::loginWindowSeconds, 1, kDay)},
        {{"DESKBOARD_REFRESH_GRACE_SECONDS", "10",
          "seconds a rotated refresh token still returns the same new pair"},
         number(&Config::refreshGraceSeconds, 0, 300)},
        {{"DESKBOARD_ACCESS_TOKEN_TTL", "900", "seconds an access token lives"},
         number(&Config::accessTokenTtl, 1, kDay)},
        {{"DESKBOARD_REFRESH_TOKEN_TTL", "2592000", "seconds a refresh token lives"},
         number(&Config::refreshTokenTtl, 60, kYear)},
        {{"DESKBOARD_TOKEN_CACHE_SECONDS", "60",
          "seconds the server remembers a validated access token instead of looking it up in Redis "
          "(only while every worker hears the revocation channel, never past the token's expiry; "
          "bounds how long a revocation missed on a broken connection goes unnoticed; 0: look up "
          "every time)"},
         number(&Config::tokenCacheSeconds, 0, 3600)},
        {{"DESKBOARD_HISTORY_DEPTH", "20", "accepted versions kept per dashboard state"},
         number(&Config::historyDepth, 1, 1000)},
        {{"DESKBOARD_SSE_HEARTBEAT_SECONDS", "15", "seconds between event-stream heartbeats"},
         number(&Config::sseHeartbeatSeconds, 1, 3600)},
        {{"DESKBOARD_MAX_STREAMS_PER_USER", "8", "open event streams per user (per process)"},
         number(&Config::maxStreamsPerUser, 1, 1000)},
        {{"DESKBOARD_SHUTDOWN_GRACE_SECONDS", "10",
          "seconds in-flight requests get to finish on SIGTERM/SIGINT"},
         number(&Config::shutdownGraceSeconds, 0, 3600)},
        {{"DESKBOARD_WORKERS", "1", "io threads, each with its own Redis connections"},
         number(&Config::workers, 1, 64)},
        {{"DESKBOARD_MAX_CONNECTIONS", "4096", "open connections per worker (503 above)"},
         number(&Config::maxConnections, 1, 1000000)},
        {{"DESKBOARD_HASH_THREADS", "2", "password hashes computed at once (64 MiB each)"},
         number(&Config::hashThreads, 1, 64)},
        {{"DESKBOARD_TRUSTED_PROXIES", "",
          "proxy IP addresses (comma-separated) whose X-Forwarded-For names the client, so "
          "login rate limits work behind nginx"},
         parseProxies},
    };
    return table;
}

}  // namespace

std::span<const ConfigVariable> configVariables() {
    static const std::vector<ConfigVariable> variables = [] {
        std::vector<ConfigVariable> list;
        for (const auto& entry : entries()) {
            list.push_back(entry.variable);
        }
        return list;
    }();
    return variables;
}

ConfigLoad loadConfig(const std::function<const char*(const char*)>& lookup) {
    Config config;
    config.redis = *redis::parseEndpoint(config.redisUrl).endpoint;
    for (const auto& entry : entries()) {
        const std::string name(entry.variable.name);
        const char* value = lookup(name.c_str());
        const std::string_view text = value != nullptr ? value : entry.variable.defaultValue;
        if (auto problem = entry.parse(text, config)) {
            return {std::nullopt, name + ": " + *problem + ", got '" + std::string(text) + "'"};
        }
    }
    // A state in use lives at least REDIS_STATE_TTL - DESKBOARD_TTL_REFRESH_SECONDS after its last
    // read: the interval may take at most half of the TTL.
    const long long halfTtl = config.stateTtlSeconds / 2;
    if (const char* refresh = lookup(kTtlRefresh); refresh == nullptr) {
        config.ttlRefreshSeconds = std::min(config.ttlRefreshSeconds, halfTtl);
    } else if (config.ttlRefreshSeconds > halfTtl) {
        return {std::nullopt, std::string(kTtlRefresh) +
                                  ": must be an integer from 0 to half of REDIS_STATE_TTL (" +
                                  std::to_string(config.stateTtlSeconds) + "), i.e. " +
                                  std::to_string(halfTtl) + ", got '" + refresh + "'"};
    }
    return {config, {}};
}

std::string helpText() {
    std::ostringstream out;
    out << "Usage: deskboard-server [--help | --version]\n"
           "       deskboard-server user add NAME          (password: first line of stdin)\n"
           "       deskboard-server user passwd NAME       (password: first line of stdin)\n"
           "       deskboard-server user del NAME\n"
           "       deskboard-server user list\n"
           "       deskboard-server workspace add OWNER NAME\n"
           "       deskboard-server workspace list [USER]\n"
           "       deskboard-server workspace grant WORKSPACE_ID USER\n"
           "       deskboard-server workspace revoke WORKSPACE_ID USER\n"
           "\n"
           "Without a command, serves the Deskboard state API (version "
        << kVersion
        << ").\nStops gracefully on SIGTERM or SIGINT.\n"
           "\n"
           "Configuration (environment variables, default in brackets):\n";
    for (const auto& variable : configVariables()) {
        out << "  " << variable.name << " [" << variable.defaultValue << "]\n      "
            << variable.description << '\n';
    }
    out << "\nExit codes: 0 done, 1 failed, 2 bad usage or configuration.\n";
    return out.str();
}

}  // namespace deskboard::server
