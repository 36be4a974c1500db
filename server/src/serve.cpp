#include "serve.h"

#include <memory>
#include <system_error>
#include <thread>
#include <vector>

#include <pthread.h>
#include <signal.h>

#include <deskboard/server/auth/password_hasher.h>
#include <deskboard/version.h>

#include "api/stream_limiter.h"
#include "auth/access_token_cache.h"
#include "auth/auth_key_migration.h"
#include "worker.h"

namespace deskboard::server {
namespace {

// Before serving: the auth keys of a 0.1 server moved to the tagged layout (a single Redis only;
// when Redis cannot be reached now, they are moved at the next start and the log says so).
void moveOldAuthKeys(const Config& config, const Log& log) {
    if (config.redis.cluster) {
        return;
    }
    boost::asio::io_context io;
    redis::ClientOptions options;
    options.commandTimeout = std::chrono::milliseconds(config.redisTimeoutMs);
    redis::Client redis(io, config.redis, options);
    redis.start();
    auth::migrateAuthKeys(redis, [&](const auth::KeyMigrationResult& result) {
        if (!result.ok) {
            log.warning(result.error + "; they will be moved at the next start");
        } else if (result.moved > 0) {
            log.info("moved " + std::to_string(result.moved) +
                     " auth keys of the Deskboard 0.1 layout to deskboard:{auth}:*");
        }
        redis.stop();
    });
    io.run();
}

}  // namespace

int serve(const Config& config, const Log& log) {
    // Writes to a peer that went away must fail with EPIPE, not kill the process; SIGTERM and
    // SIGINT are taken by sigwait below, so every thread started from here blocks them.
    ::signal(SIGPIPE, SIG_IGN);
    sigset_t stopSignals;
    sigemptyset(&stopSignals);
    sigaddset(&stopSignals, SIGTERM);
    sigaddset(&stopSignals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stopSignals, nullptr);

    moveOldAuthKeys(config, log);

    Metrics metrics;
    auth::PasswordHasher hasher(static_cast<unsigned>(config.hashThreads));
    api::StreamLimiter limiter(config.maxStreamsPerUser);
    auth::AccessTokenCache tokens(std::chrono::seconds(config.tokenCacheSeconds));

    std::vector<std::unique_ptr<Worker>> workers;
    std::uint16_t port = config.listenPort;
    try {
        for (int i = 0; i < config.workers; ++i) {
            workers.push_back(
                std::make_unique<Worker>(config, port, metrics, log, hasher, limiter, tokens));
            workers.back()->start();
            port = workers.back()->port();  // with port 0, the others join the first's port
        }
    } catch (const std::system_error& error) {
        log.error(std::string("cannot start: ") + error.what());
        return 1;
    }
    log.info("deskboard-server " + std::string(kVersion) + " listening on " + config.listenHost +
             ":" + std::to_string(port) + " with " + std::to_string(config.workers) +
             " worker(s), Redis at " + config.redis.describe());

    std::vector<std::thread> threads;
    for (auto& worker : workers) {
        threads.emplace_back([&worker] { worker->run(); });
    }

    int signal = 0;
    sigwait(&stopSignals, &signal);
    log.info(std::string("received ") + (signal == SIGTERM ? "SIGTERM" : "SIGINT") +
             ", shutting down (grace " + std::to_string(config.shutdownGraceSeconds) + " s)");
    for (auto& worker : workers) {
        worker->shutdown(std::chrono::seconds(config.shutdownGraceSeconds));
    }
    for (auto& thread : threads) {
        thread.join();
    }
    workers.clear();
    log.info("stopped");
    return 0;
}

}  // namespace deskboard::server
