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

}  // namespace

std::string Endpoint::describe() const {
    return host + ":" + std::to_string(port) + "/" + std::to_string(database);
}

EndpointParse parseEndpoint(std::string_view url) {
    constexpr std::string_view kScheme = "redis://";
    if (url.substr(0, kScheme.size()) != kScheme) {
        return {std::nullopt, "must start with redis:// (e.g. redis://127.0.0.1:6379/0)"};
    }
    std::string_view rest = url.substr(kScheme.size());
    Endpoint endpoint;
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
    }
    std::string_view host = rest;
    if (!rest.empty() && rest.front() == '[') {  // [::1]:6379
        const auto close = rest.find(']');
        if (close == std::string_view::npos) {
            return {std::nullopt, "unterminated IPv6 address"};
        }
        host = rest.substr(1, close - 1);
        rest = rest.substr(close + 1);
        if (!rest.empty() && rest.front() != ':') {
            return {std::nullopt, "unexpected text after the IPv6 address"};
        }
        rest = rest.empty() ? rest : rest.substr(1);
    } else if (const auto colon = rest.rfind(':'); colon != std::string_view::npos) {
        host = rest.substr(0, colon);
        rest = rest.substr(colon + 1);
    } else {
        rest = {};
    }
    if (host.empty()) {
        return {std::nullopt, "host is missing"};
    }
    endpoint.host = std::string(host);
    if (!rest.empty() && (!parseNumber(rest, endpoint.port) || endpoint.port == 0)) {
        return {std::nullopt, "port must be 1-65535"};
    }
    return {endpoint, {}};
}

}  // namespace deskboard::server::redis
