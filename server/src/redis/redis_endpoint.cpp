#include <charconv>

#include <deskboard/server/redis/redis_endpoint.h>

namespace deskboard::server::redis {
namespace {

template <typename Number>
bool parseNumber(std::string_view text, Number& out) {
    const auto* end = text.data() + text.size();
    const auto result = std::from_chars(text.data(), end, out);
    return !text.empty() && result.ec == std::errc() && result.ptr == end;
}

bool parseHex(std::string_view text, unsigned& out) {
    const auto* end = text.data() + text.size();
    const auto result = std::from_chars(text.data(), end, out, 16);
    return result.ec == std::errc() && result.ptr == end;
}

std::string percentDecoded(std::string_view text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        unsigned value = 0;
        if (text[i] == '%' && i + 2 < text.size() && parseHex(text.substr(i + 1, 2), value)) {
            out.push_back(static_cast<char>(value));
            i += 2;
        } else {
            out.push_back(text[i]);
        }
    }
    return out;
}

// "host[:port]" or "[v6]:port" into host and port.
std::optional<std::string> parseHostPort(std::string_view rest, std::string& hostOut,
                                         std::uint16_t& portOut) {
    std::string_view host = rest;
    if (!rest.empty() && rest.front() == '[') {  // [::1]:6379
        const auto close = rest.find(']');
        if (close == std::string_view::npos) {
            return "unterminated IPv6 address";
        }
        host = rest.substr(1, close - 1);
        rest = rest.substr(close + 1);
        if (!rest.empty() && rest.front() != ':') {
            return "unexpected text after the IPv6 address";
        }
        rest = rest.empty() ? rest : rest.substr(1);
    } else if (const auto colon = rest.rfind(':'); colon != std::string_view::npos) {
        host = rest.substr(0, colon);
        rest = rest.substr(colon + 1);
    } else {
        rest = {};
    }
    if (host.empty()) {
        return "host is missing";
    }
    hostOut = std::string(host);
    if (!rest.empty() && (!parseNumber(rest, portOut) || portOut == 0)) {
        return "port must be 1-65535";
    }
    return std::nullopt;
}

}  // namespace

std::string Endpoint::describe() const {
    if (cluster) {
        std::string text = "cluster ";
        for (std::size_t i = 0; i < seeds.size(); ++i) {
            text += (i == 0 ? "" : ",") + seeds[i].host + ":" + std::to_string(seeds[i].port);
        }
        return text;
    }
    return host + ":" + std::to_string(port) + "/" + std::to_string(database);
}

EndpointParse parseEndpoint(std::string_view url) {
    constexpr std::string_view kScheme = "redis://";
    constexpr std::string_view kClusterScheme = "redis+cluster://";
    Endpoint endpoint;
    std::string_view rest;
    if (url.substr(0, kScheme.size()) == kScheme) {
        rest = url.substr(kScheme.size());
    } else if (url.substr(0, kClusterScheme.size()) == kClusterScheme) {
        rest = url.substr(kClusterScheme.size());
        endpoint.cluster = true;
    } else {
        return {std::nullopt,
                "must start with redis:// (e.g. redis://127.0.0.1:6379/0) or redis+cluster:// "
                "(e.g. redis+cluster://10.0.0.1:7000,10.0.0.2:7000)"};
    }
    if (const auto at = rest.rfind('@'); at != std::string_view::npos) {
        const std::string_view credentials = rest.substr(0, at);
        rest = rest.substr(at + 1);
        const auto colon = credentials.find(':');
        if (colon == std::string_view::npos) {
            endpoint.password = percentDecoded(credentials);
        } else {
            endpoint.username = percentDecoded(credentials.substr(0, colon));
            endpoint.password = percentDecoded(credentials.substr(colon + 1));
        }
    }
    if (const auto slash = rest.find('/'); slash != std::string_view::npos) {
        const std::string_view db = rest.substr(slash + 1);
        rest = rest.substr(0, slash);
        if (!db.empty() && (!parseNumber(db, endpoint.database) || endpoint.database < 0)) {
            return {std::nullopt, "database must be a non-negative integer"};
        }
        if (endpoint.cluster && endpoint.database != 0) {
            return {std::nullopt, "a Redis Cluster has database 0 only"};
        }
    }
    if (!endpoint.cluster) {
        if (auto error = parseHostPort(rest, endpoint.host, endpoint.port)) {
            return {std::nullopt, *error};
        }
        return {endpoint, {}};
    }
    while (true) {
        const auto comma = rest.find(',');
        HostPort seed;
        if (auto error = parseHostPort(rest.substr(0, comma), seed.host, seed.port)) {
            return {std::nullopt,
                    "seed node " + std::to_string(endpoint.seeds.size() + 1) + ": " + *error};
        }
        endpoint.seeds.push_back(std::move(seed));
        if (comma == std::string_view::npos) {
            break;
        }
        rest = rest.substr(comma + 1);
    }
    endpoint.host = endpoint.seeds.front().host;
    endpoint.port = endpoint.seeds.front().port;
    return {endpoint, {}};
}

}  // namespace deskboard::server::redis
