// deskboard-server's configuration: every setting comes from an environment variable with a
// documented default (PRODUCT.md section 2, "Server behaviour"). One table lists them all; it
// drives parsing, validation (a bad value names the variable) and the --help text.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <deskboard/server/redis/redis_endpoint.h>

namespace deskboard::server {

enum class LogFormat { Json, Text };

struct Config {
    std::string listenHost = "127.0.0.1";
    std::uint16_t listenPort = 8080;
    std::string redisUrl = "redis://127.0.0.1:6379";
    redis::Endpoint redis;
    long long stateTtlSeconds = 2592000;
    // Reads renew the state TTL once it has run down by this much; at most stateTtlSeconds / 2.
    long long ttlRefreshSeconds = 86400;
    LogFormat logFormat = LogFormat::Json;
    int maxJsonDepth = 64;
    std::size_t maxStateBytes = 1048576;
    int redisTimeoutMs = 2000;
    bool allowSignup = false;
    int loginMaxFailures = 10;
    long long loginWindowSeconds = 900;
    long long refreshGraceSeconds = 10;
    long long tokenCacheSeconds = 60;
    long long accessTokenTtl = 900;
    long long refreshTokenTtl = 2592000;
    int historyDepth = 20;
    int sseHeartbeatSeconds = 15;
    int maxStreamsPerUser = 8;
    int shutdownGraceSeconds = 10;
    int workers = 1;
    int maxConnections = 4096;
    int hashThreads = 2;
    // Reverse proxies (IP addresses) whose X-Forwarded-For names the real client.
    std::vector<std::string> trustedProxies;
};

struct ConfigVariable {
    std::string_view name;
    std::string_view defaultValue;
    std::string_view description;
};

// Every variable, in --help order.
std::span<const ConfigVariable> configVariables();

struct ConfigLoad {
    std::optional<Config> config;
    std::string error;  // "DESKBOARD_WORKERS: must be an integer from 1 to 64, got 'x'"
};

// Reads the variables through `lookup` (getenv in production; nullptr when unset).
ConfigLoad loadConfig(const std::function<const char*(const char*)>& lookup);

// The --help text: usage, commands and every variable with its default.
std::string helpText();

}  // namespace deskboard::server
