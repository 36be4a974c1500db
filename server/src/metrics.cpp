#include <algorithm>
#include <cctype>
#include <sstream>

#include <deskboard/server/metrics.h>

namespace deskboard::server {
namespace {

std::string upper(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return out;
}

// Label values are our own route templates and command names, but escape anyway.
std::string escaped(std::string_view value) {
    std::string out;
    for (const char c : value) {
        if (c == '\\' || c == '"') {
            out.push_back('\\');
            out.push_back(c);
        } else if (c == '\n') {
            out += "\\n";
        } else {
            out.push_back(c);
        }
    }
    return out;
}

}  // namespace

void Metrics::Histogram::observe(double seconds) {
    const auto bucket = std::lower_bound(kBuckets.begin(), kBuckets.end(), seconds);
    ++counts[static_cast<std::size_t>(bucket - kBuckets.begin())];
    sum += seconds;
    ++total;
}

void Metrics::recordRequest(std::string_view method, std::string_view route, int status,
                            std::chrono::nanoseconds duration) {
    const double seconds = std::chrono::duration<double>(duration).count();
    const std::lock_guard lock(mutex_);
    ++requests_[{std::string(route), std::string(method), status}];
    requestLatency_[std::string(route)].observe(seconds);
}

void Metrics::recordRedisCommand(std::string_view command, std::chrono::nanoseconds duration,
                                 bool failed) {
    const double seconds = std::chrono::duration<double>(duration).count();
    const std::string name = upper(command);
    const std::lock_guard lock(mutex_);
    redisLatency_[name].observe(seconds);
    if (failed) {
        ++redisErrors_[name];
    }
}

void Metrics::recordRedisClusterEvent(std::string_view event) {
    const std::lock_guard lock(mutex_);
    ++clusterEvents_[std::string(event)];
}

std::string Metrics::render() const {
    std::ostringstream out;
    const auto histogram = [&](std::string_view metric, std::string_view label,
                               const std::string& value, const Histogram& h) {
        unsigned long long cumulative = 0;
        for (std::size_t i = 0; i < kBuckets.size(); ++i) {
            cumulative += h.counts[i];
            out << metric << "_bucket{" << label << "=\"" << escaped(value) << "\",le=\""
                << kBuckets[i] << "\"} " << cumulative << '\n';
        }
        cumulative += h.counts.back();
        out << metric << "_bucket{" << label << "=\"" << escaped(value) << "\",le=\"+Inf\"} "
            << cumulative << '\n';
        out << metric << "_sum{" << label << "=\"" << escaped(value) << "\"} " << h.sum << '\n';
        out << metric << "_count{" << label << "=\"" << escaped(value) << "\"} " << h.total << '\n';
    };
    const auto scalar = [&](std::string_view metric, std::string_view type, std::string_view help,
                            long long value) {
        out << "# HELP " << metric << ' ' << help << "\n# TYPE " << metric << ' ' << type << '\n'
            << metric << ' ' << value << '\n';
    };

    const std::lock_guard lock(mutex_);
    out << "# HELP deskboard_http_requests_total HTTP requests answered, by route, method and "
           "status.\n# TYPE deskboard_http_requests_total counter\n";
    for (const auto& [key, count] : requests_) {
        const auto& [route, method, status] = key;
        out << "deskboard_http_requests_total{route=\"" << escaped(route) << "\",method=\""
            << escaped(method) << "\",status=\"" << status << "\"} " << count << '\n';
    }
    out << "# HELP deskboard_http_request_duration_seconds Time from request header to answer, "
           "by route.\n# TYPE deskboard_http_request_duration_seconds histogram\n";
    for (const auto& [route, h] : requestLatency_) {
        histogram("deskboard_http_request_duration_seconds", "route", route, h);
    }
    out << "# HELP deskboard_redis_command_duration_seconds Redis round trips, by command.\n"
           "# TYPE deskboard_redis_command_duration_seconds histogram\n";
    for (const auto& [command, h] : redisLatency_) {
        histogram("deskboard_redis_command_duration_seconds", "command", command, h);
    }
    out << "# HELP deskboard_redis_errors_total Redis commands that failed or timed out.\n"
           "# TYPE deskboard_redis_errors_total counter\n";
    for (const auto& [command, count] : redisErrors_) {
        out << "deskboard_redis_errors_total{command=\"" << escaped(command) << "\"} " << count
            << '\n';
    }
    scalar("deskboard_redis_reconnects_total", "counter",
           "Connections to Redis re-established after a loss.", redisReconnects_.load());
    if (!clusterEvents_.empty()) {
        out << "# HELP deskboard_redis_cluster_events_total Redis Cluster redirects followed "
               "(moved, ask), pauses taken (tryagain, clusterdown) and slot maps fetched "
               "(map_refresh).\n"
               "# TYPE deskboard_redis_cluster_events_total counter\n";
        for (const auto& [event, count] : clusterEvents_) {
            out << "deskboard_redis_cluster_events_total{event=\"" << escaped(event) << "\"} "
                << count << '\n';
        }
    }
    out << "# HELP deskboard_state_reads_total Dashboard state reads, by outcome.\n"
           "# TYPE deskboard_state_reads_total counter\n"
           "deskboard_state_reads_total{result=\"found\"} "
        << stateReadsFound_.load() << "\ndeskboard_state_reads_total{result=\"missing\"} "
        << stateReadsMissing_.load() << '\n';
    scalar("deskboard_state_conflicts_total", "counter", "Saves answered with 409 conflict.",
           conflicts_.load());
    out << "# HELP deskboard_access_token_checks_total Access tokens checked, by where the answer "
           "came from (memory: validated earlier by this worker; redis: looked up).\n"
           "# TYPE deskboard_access_token_checks_total counter\n"
           "deskboard_access_token_checks_total{source=\"memory\"} "
        << tokenChecksMemory_.load() << "\ndeskboard_access_token_checks_total{source=\"redis\"} "
        << tokenChecksRedis_.load() << '\n';
    scalar("deskboard_state_bytes_stored_total", "counter",
           "Bytes of dashboard state written to Redis.", bytesStored_.load());
    scalar("deskboard_event_streams_open", "gauge", "Open event streams.", openStreams_.load());
    return out.str();
}

}  // namespace deskboard::server
