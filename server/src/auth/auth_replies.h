// Reading the Redis replies of the AuthService (never trusting their shape), and the sealed
// grace answer of a refresh rotation.
#pragma once

#include <charconv>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <deskboard/protocol/identifiers.h>
#include <deskboard/server/auth/auth_service.h>
#include <deskboard/server/redis/redis_reply.h>

#include "auth_errors.h"
#include "tokens.h"

namespace deskboard::server::auth::replies {

// Element `index` of an array reply, or nullptr.
inline const redis::Reply* elementOf(const redis::Reply& reply, std::size_t index) {
    if (!reply.isArray() || index >= reply.elements.size()) {
        return nullptr;
    }
    return &reply.elements[index];
}

inline std::optional<std::string> textOf(const redis::Reply* reply) {
    if (reply == nullptr || !reply->isString()) {
        return std::nullopt;
    }
    return reply->text;
}

inline std::optional<long long> integerOf(const redis::Reply* reply) {
    if (reply == nullptr) {
        return std::nullopt;
    }
    return reply->asInteger();
}

// A flat array {id, name, id, name, ...} of valid ids.
inline std::optional<std::vector<std::pair<std::string, std::string>>> pairsOf(
    const redis::Reply& reply) {
    if (!reply.isArray() || reply.elements.size() % 2 != 0) {
        return std::nullopt;
    }
    std::vector<std::pair<std::string, std::string>> pairs;
    for (std::size_t i = 0; i < reply.elements.size(); i += 2) {
        auto id = textOf(&reply.elements[i]);
        auto name = textOf(&reply.elements[i + 1]);
        if (!id || !name || !protocol::isValidIdentifier(*id)) {
            return std::nullopt;
        }
        pairs.emplace_back(std::move(*id), std::move(*name));
    }
    return pairs;
}

// {userId, username} | nil (the find, set password and delete user scripts).
inline Expected<std::optional<User>> userOf(const redis::Result& result) {
    if (!result.succeeded()) {
        return errors::storageError(result);
    }
    if (result.reply().isNil()) {
        return std::optional<User>();
    }
    auto id = textOf(elementOf(result.reply(), 0));
    auto name = textOf(elementOf(result.reply(), 1));
    if (!id || !name || !protocol::isValidIdentifier(*id)) {
        return errors::malformedReply();
    }
    return std::optional<User>(User{std::move(*id), std::move(*name)});
}

// The grace answer as sealed: "<access>\n<refresh>\n<expiresIn>".
inline std::string serializePair(const TokenPair& pair) {
    return pair.accessToken + '\n' + pair.refreshToken + '\n' + std::to_string(pair.expiresIn);
}

inline std::optional<TokenPair> parsePair(std::string_view text) {
    const auto first = text.find('\n');
    const auto second = first == std::string_view::npos ? first : text.find('\n', first + 1);
    if (second == std::string_view::npos) {
        return std::nullopt;
    }
    TokenPair pair;
    pair.accessToken = std::string(text.substr(0, first));
    pair.refreshToken = std::string(text.substr(first + 1, second - first - 1));
    const auto number = text.substr(second + 1);
    const auto parsed =
        std::from_chars(number.data(), number.data() + number.size(), pair.expiresIn);
    if (parsed.ec != std::errc() || parsed.ptr != number.data() + number.size() ||
        !detail::looksLikeToken(pair.accessToken) || !detail::looksLikeToken(pair.refreshToken)) {
        return std::nullopt;
    }
    return pair;
}

}  // namespace deskboard::server::auth::replies
