// Plain request and response types of the HTTP layer, free of Boost.Beast so that the API
// layer compiles without it (Beast is confined to the sessions and the listener in src/http).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace deskboard::server::http {

struct Header {
    std::string name;
    std::string value;
};

// What was read before the body: everything the API needs to accept or refuse a request.
struct RequestHead {
    std::string method;  // as sent, e.g. "GET"
    std::string target;  // path and query as sent
    std::string path;    // target without the query
    std::vector<Header> headers;
    std::optional<std::uint64_t> contentLength;  // none for chunked or absent
    bool chunked = false;
    bool hasBody = false;       // Content-Length > 0 or chunked
    std::string remoteAddress;  // the peer's IP address, e.g. "127.0.0.1"
    std::string requestId;      // the caller's sane X-Request-Id, else generated
    std::chrono::steady_clock::time_point received;

    // The first value of the header `name` (case-insensitive), or nothing.
    std::optional<std::string_view> header(std::string_view name) const;
};

struct Response {
    int status = 200;
    std::string contentType;  // empty: no body (204, 304)
    std::string body;
    std::vector<Header> headers;  // extra headers (ETag, Allow, Retry-After, ...)
};

// Recorded once per finished exchange (for the request log and metrics).
struct ExchangeRecord {
    std::string method;
    std::string route;  // the route's template, e.g. "/api/dashboard/state", or "unmatched"
    int status = 0;
    std::chrono::nanoseconds duration{};
    std::string userId;  // empty when unauthenticated
    std::string requestId;
    std::string remoteAddress;
};

}  // namespace deskboard::server::http
