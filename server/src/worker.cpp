#include "worker.h"

#include <boost/asio/post.hpp>

namespace deskboard::server {

redis::ClientOptions redisClientOptions(const Config& config, Metrics* metrics, const Log& log) {
    redis::ClientOptions options;
    options.commandTimeout = std::chrono::milliseconds(config.redisTimeoutMs);
    if (metrics != nullptr) {
        options.onCommand = [metrics](std::string_view command, std::chrono::nanoseconds duration,
                                      bool failed) {
            metrics->recordRedisCommand(command, duration, failed);
        };
        options.onReconnect = [metrics] { metrics->recordRedisReconnect(); };
        options.onClusterEvent = [metrics](std::string_view event) {
            metrics->recordRedisClusterEvent(event);
        };
    }
    options.onLog = [&log](std::string_view line) { log.info(line); };
    return options;
}

Worker::Worker(const Config& config, std::uint16_t port, Metrics& metrics, const Log& log,
               auth::PasswordHasher& hasher, api::StreamLimiter& limiter,
               auth::AccessTokenCache& tokens)
    : redis_(io_, config.redis, redisClientOptions(config, &metrics, log)),
      state_(redis_, state::StateOptions{config.stateTtlSeconds, config.ttlRefreshSeconds,
                                         config.historyDepth, config.redis.cluster}),
      auth_(io_, redis_, hasher,
            auth::AuthOptions{
                config.accessTokenTtl, config.refreshTokenTtl, config.refreshGraceSeconds,
                config.loginMaxFailures, config.loginWindowSeconds,
                [&metrics](bool fromMemory) { metrics.recordTokenCheck(fromMemory); }},
            &tokens),
      events_(io_, config.redis, redisClientOptions(config, nullptr, log), redis_, state_, auth_,
              limiter, metrics, std::chrono::seconds(config.sseHeartbeatSeconds), &tokens),
      handler_(config, redis_, auth_, state_, events_, metrics),
      http_(io_,
            http::HttpServerOptions{
                .host = config.listenHost,
                .port = port,
                .maxConnections = static_cast<std::size_t>(config.maxConnections)},
            handler_, [&metrics, &log](const http::ExchangeRecord& record) {
                metrics.recordRequest(record.method, record.route, record.status, record.duration);
                log.request(record);
            }) {}

Worker::~Worker() {
    // Redis callbacks still pending refer to the services: fail them while those still exist.
    events_.stop();
    redis_.stop();
}

void Worker::start() {
    http_.start();
    redis_.start();
    events_.start();
}

void Worker::run() {
    io_.run();
}

void Worker::shutdown(std::chrono::milliseconds grace) {
    boost::asio::post(io_, [this, grace] {
        http_.shutdown(grace, [this] {
            events_.stop();
            redis_.stop();
        });
    });
}

}  // namespace deskboard::server
