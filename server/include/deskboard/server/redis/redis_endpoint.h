// Where Redis is: parsed from REDIS_URL, a single Redis
// (redis://[[user]:password@]host[:port][/db]) or a Redis Cluster given by seed nodes
// (redis+cluster://[[user]:password@]host:port[,host:port...]; a cluster has database 0 only).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace deskboard::server::redis {

struct HostPort {
    std::string host;
    std::uint16_t port = 6379;
};

struct Endpoint {
    std::string host = "127.0.0.1";
    std::uint16_t port = 6379;
    std::string username;  // Redis 6 ACL user; empty for the default user
    std::string password;  // empty: no AUTH
    int database = 0;
    bool cluster = false;
    std::vector<HostPort> seeds;  // a cluster's seed nodes; host and port are the first one

    // "host:port/db" (a cluster: "cluster host:port,host:port") without credentials, for logs
    // and messages.
    std::string describe() const;
};

struct EndpointParse {
    std::optional<Endpoint> endpoint;
    std::string error;  // why the URL was refused
};

EndpointParse parseEndpoint(std::string_view url);

}  // namespace deskboard::server::redis
