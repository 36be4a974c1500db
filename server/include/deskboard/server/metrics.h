// The server's Prometheus metrics: request counts and latency histograms by route and status,
// Redis command latency and errors, reconnects, state reads found/missing, conflicts, bytes
// stored, access tokens checked from memory or Redis, open event streams. Shared by all workers (a
// mutex guards the labelled series; plain gauges are atomics). render() writes the text exposition
// format.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <tuple>

namespace deskboard::server {

class Metrics {
  public:
    void recordRequest(std::string_view method, std::string_view route, int status,
                       std::chrono::nanoseconds duration);
    void recordRedisCommand(std::string_view command, std::chrono::nanoseconds duration,
                            bool failed);
    void recordRedisReconnect() { redisReconnects_.fetch_add(1, std::memory_order_relaxed); }
    // A Redis Cluster redirect followed, pause taken or slot map fetched (by event name).
    void recordRedisClusterEvent(std::string_view event);
    void recordStateRead(bool found) {
        (found ? stateReadsFound_ : stateReadsMissing_).fetch_add(1, std::memory_order_relaxed);
    }
    void recordConflict() { conflicts_.fetch_add(1, std::memory_order_relaxed); }
    // An access token checked: from the process's memory, or looked up in Redis.
    void recordTokenCheck(bool fromMemory) {
        (fromMemory ? tokenChecksMemory_ : tokenChecksRedis_)
            .fetch_add(1, std::memory_order_relaxed);
    }
    void recordBytesStored(std::size_t bytes) {
        bytesStored_.fetch_add(bytes, std::memory_order_relaxed);
    }
    void streamOpened() { openStreams_.fetch_add(1, std::memory_order_relaxed); }
    void streamClosed() { openStreams_.fetch_sub(1, std::memory_order_relaxed); }

    long long openStreams() const { return openStreams_.load(std::memory_order_relaxed); }

    // Prometheus text format 0.0.4.
    std::string render() const;

  private:
    // Upper bounds in seconds; one more bucket for +Inf.
    static constexpr std::array<double, 14> kBuckets{
        0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5};
    struct Histogram {
        std::array<unsigned long long, kBuckets.size() + 1> counts{};
        double sum = 0;
        unsigned long long total = 0;
        void observe(double seconds);
    };

    mutable std::mutex mutex_;
    std::map<std::tuple<std::string, std::string, int>, unsigned long long> requests_;
    std::map<std::string, Histogram> requestLatency_;  // by route
    std::map<std::string, Histogram> redisLatency_;    // by command
    std::map<std::string, unsigned long long> redisErrors_;
    std::map<std::string, unsigned long long> clusterEvents_;
    std::atomic<long long> redisReconnects_{0};
    std::atomic<long long> stateReadsFound_{0};
    std::atomic<long long> stateReadsMissing_{0};
    std::atomic<long long> conflicts_{0};
    std::atomic<long long> tokenChecksMemory_{0};
    std::atomic<long long> tokenChecksRedis_{0};
    std::atomic<long long> bytesStored_{0};
    std::atomic<long long> openStreams_{0};
};

}  // namespace deskboard::server
