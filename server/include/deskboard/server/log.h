// The server's log: one line per answered request (time, request id, method, route, status,
// duration, user id) and one per server event, as JSON (the default) or plain text, on
// standard error. It never receives a token, password or state body, so it cannot print one.
// Safe to use from every worker thread: each line is written with one write(2).
#pragma once

#include <string_view>

#include <deskboard/server/config.h>
#include <deskboard/server/http/http_types.h>

namespace deskboard::server {

class Log {
  public:
    explicit Log(LogFormat format, int fd = 2) : format_(format), fd_(fd) {}

    void request(const http::ExchangeRecord& record) const;
    void info(std::string_view message) const { event("info", message); }
    void warning(std::string_view message) const { event("warning", message); }
    void error(std::string_view message) const { event("error", message); }

  private:
    void event(std::string_view level, std::string_view message) const;
    void write(std::string line) const;

    LogFormat format_;
    int fd_;
};

// The current UTC time as ISO 8601 with milliseconds, e.g. 2026-11-25T10:00:00.123Z.
std::string utcTimestamp();

}  // namespace deskboard::server
