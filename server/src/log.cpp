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

namespace {

// Appends `text` as a JSON string. Log fields are ids, routes and addresses: ASCII in
// practice; anything else is replaced so the line always stays valid JSON.
void appendJsonString(std::string& out, std::string_view text) {
    static constexpr char kHex[] = "0123456789abcdef";
    out.push_back('"');
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte == '"' || byte == '\\') {
            out.push_back('\\');
            out.push_back(c);
        } else if (byte < 0x20) {
            out += "\\u00";
            out.push_back(kHex[byte >> 4]);
            out.push_back(kHex[byte & 0xF]);
        } else if (byte >= 0x80) {
            out.push_back('?');
        } else {
            out.push_back(c);
        }
    }
    out.push_back('"');
}

}  // namespace

void Log::request(const http::ExchangeRecord& record) const {
    const double milliseconds = std::chrono::duration<double, std::milli>(record.duration).count();
    char duration[32];
    std::snprintf(duration, sizeof duration, "%.3f", milliseconds);
    std::string line;
    line.reserve(256);
    if (format_ == LogFormat::Text) {
        line += utcTimestamp();
        for (const std::string_view field :
             {std::string_view(record.requestId), std::string_view(record.method),
              std::string_view(record.route)}) {
            line.push_back(' ');
            line += field;
        }
        line += ' ' + std::to_string(record.status) + ' ' + duration +
                "ms user=" + (record.userId.empty() ? std::string("-") : record.userId) +
                " remote=" + record.remoteAddress;
        write(std::move(line));
        return;
    }
    // One request a line, built by hand: this runs for every request.
    line += "{\"time\":\"";
    line += utcTimestamp();
    line += "\",\"level\":\"info\",\"requestId\":";
    appendJsonString(line, record.requestId);
    line += ",\"method\":";
    appendJsonString(line, record.method);
    line += ",\"route\":";
    appendJsonString(line, record.route);
    line += ",\"status\":" + std::to_string(record.status);
    line += ",\"durationMs\":";
    line += duration;
    line += ",\"userId\":";
    if (record.userId.empty()) {
        line += "null";
    } else {
        appendJsonString(line, record.userId);
    }
    line += ",\"remote\":";
    appendJsonString(line, record.remoteAddress);
    line.push_back('}');
    write(std::move(line));
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
