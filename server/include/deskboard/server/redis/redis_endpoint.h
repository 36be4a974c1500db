// Where Redis is: parsed from REDIS_URL (redis://[[user]:password@]host[:port][/db]).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace deskboard::server::redis {

struct Endpoint {
    std::string host = "127.0.0.1";
    std::uint16_t port = 6379;
    std::string username;  // Redis 6 ACL user; empty for the default user
    std::string password;  // empty: no AUTH
    int database = 0;

    // "host:port/db" without credentials, for logs and messages.
    std::string describe() const;
};

struct EndpointParse {
    std::optional<Endpoint> endpoint;
    std::string error;  // why the URL was refused
};

EndpointParse parseEndpoint(std::string_view url);

}  // namespace deskboard::server::redis
