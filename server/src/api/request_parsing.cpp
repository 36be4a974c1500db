#include "request_parsing.h"

#include <algorithm>
#include <cctype>
#include <charconv>

#include <deskboard/protocol/messages.h>

namespace deskboard::server::api {
namespace {

bool equalsIgnoringCase(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

}  // namespace

std::string_view trimmed(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
        text.remove_prefix(1);
    }
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) {
        text.remove_suffix(1);
    }
    return text;
}

std::optional<std::int64_t> parseVersion(std::string_view text, std::int64_t minimum) {
    std::int64_t value = 0;
    const auto* end = text.data() + text.size();
    const auto result = std::from_chars(text.data(), end, value);
    if (text.empty() || result.ec != std::errc() || result.ptr != end || value < minimum ||
        value > protocol::kMaxVersion) {
        return std::nullopt;
    }
    return value;
}

std::optional<std::int64_t> ifNoneMatchVersion(std::string_view header) {
    while (!header.empty()) {
        const auto comma = header.find(',');
        std::string_view entry = trimmed(header.substr(0, comma));
        if (entry.substr(0, 2) == "W/") {
            entry.remove_prefix(2);
        }
        if (entry.size() >= 2 && entry.front() == '"' && entry.back() == '"') {
            if (auto version = parseVersion(entry.substr(1, entry.size() - 2))) {
                return version;
            }
        }
        header = comma == std::string_view::npos ? std::string_view() : header.substr(comma + 1);
    }
    return std::nullopt;
}

bool isJsonMediaType(std::string_view contentType) {
    return equalsIgnoringCase(trimmed(contentType.substr(0, contentType.find(';'))),
                              "application/json");
}

std::optional<std::string> bearerToken(const http::RequestHead& head) {
    const auto header = head.header("Authorization");
    if (!header) {
        return std::nullopt;
    }
    const std::string_view value = trimmed(*header);
    if (value.size() < 8 || !equalsIgnoringCase(value.substr(0, 7), "Bearer ")) {
        return std::nullopt;
    }
    const std::string_view token = trimmed(value.substr(7));
    const bool wellFormed =
        !token.empty() && token.size() <= 256 &&
        std::all_of(token.begin(), token.end(), [](char c) {
            return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
        });
    return wellFormed ? std::optional<std::string>(token) : std::nullopt;
}

std::string clientAddress(const http::RequestHead& head, const std::vector<std::string>& proxies) {
    const auto trusted = [&](std::string_view address) {
        return std::find(proxies.begin(), proxies.end(), address) != proxies.end();
    };
    if (!trusted(head.remoteAddress)) {
        return head.remoteAddress;
    }
    const auto forwarded = head.header("X-Forwarded-For");
    if (!forwarded) {
        return head.remoteAddress;
    }
    std::string_view rest = *forwarded;
    while (!rest.empty()) {
        const auto comma = rest.rfind(',');
        const std::string_view hop =
            trimmed(comma == std::string_view::npos ? rest : rest.substr(comma + 1));
        if (!hop.empty() && !trusted(hop)) {
            return std::string(hop.substr(0, 64));
        }
        rest = comma == std::string_view::npos ? std::string_view() : rest.substr(0, comma);
    }
    return head.remoteAddress;
}

}  // namespace deskboard::server::api
