#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>

#include <nlohmann/json.hpp>
#include <unistd.h>

#include <deskboard/server/log.h>

namespace deskboard::server {

std::string utcTimestamp() {
    const auto now = std::chrono::system_clock::now();
    const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
    const auto millis =
        std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() %
        1000;
    std::tm parts{};
    gmtime_r(&seconds, &parts);
    char buffer[96];
    std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
                  parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday, parts.tm_hour,
                  parts.tm_min, parts.tm_sec, static_cast<int>(millis < 0 ? 0 : millis));
    return buffer;
}

void Log::request(const http::ExchangeRecord& record) const {
    const double milliseconds = std::chrono::duration<double, std::milli>(record.duration).count();
    if (format_ == LogFormat::Text) {
        char duration[32];
        std::snprintf(duration, sizeof duration, "%.3f", milliseconds);
        write(utcTimestamp() + " " + record.requestId + " " + record.method + " " + record.route +
              " " + std::to_string(record.status) + " " + duration + "ms user=" +
              (record.userId.empty() ? "-" : record.userId) + " remote=" + record.remoteAddress);
        return;
    }
    nlohmann::json line{
        {"time", utcTimestamp()},
        {"level", "info"},
        {"requestId", record.requestId},
        {"method", record.method},
        {"route", record.route},
        {"status", record.status},
        {"durationMs", std::round(milliseconds * 1000) / 1000},
        {"userId", record.userId.empty() ? nlohmann::json(nullptr) : nlohmann::json(record.userId)},
        {"remote", record.remoteAddress}};
    write(line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

void Log::event(std::string_view level, std::string_view message) const {
    if (format_ == LogFormat::Text) {
        write(utcTimestamp() + " " + std::string(level) + " " + std::string(message));
        return;
    }
    nlohmann::json line{{"time", utcTimestamp()}, {"level", level}, {"message", message}};
    write(line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

void Log::write(std::string line) const {
    line.push_back('\n');
    const char* data = line.data();
    std::size_t left = line.size();
    while (left > 0) {
        const ssize_t written = ::write(fd_, data, left);
        if (written <= 0) {
            return;  // a log that cannot be written must not stop the server
        }
        data += written;
        left -= static_cast<std::size_t>(written);
    }
}

}  // namespace deskboard::server
