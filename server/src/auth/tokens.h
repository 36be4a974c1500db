// Secrets and identifiers of the auth module: random tokens (32 bytes, base64url without
// padding: 43 characters), server-generated ids (16 random bytes as lowercase hex, so they
// match the identifier rule), the SHA-256 by which a token is stored, and the sealed "grace
// answer" of a refresh rotation (libsodium secretbox under a key derived from the old refresh
// token, which Redis never holds).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace deskboard::server::auth::detail {

// Initialises libsodium (idempotent, thread-safe); throws when it cannot.
void ensureSodium();

// 32 random bytes, base64url without padding (43 characters).
std::string newToken();

// 16 random bytes as lowercase hex (32 characters of [0-9a-f]).
std::string newId();

// True for something newToken() could have produced (43 characters of [A-Za-z0-9_-]); lets
// callers refuse garbage before hashing or touching Redis.
bool looksLikeToken(std::string_view token);

// Lowercase hex SHA-256: the only form in which a token reaches Redis.
std::string tokenHash(std::string_view token);

// Seals `plain` under a key derived from `token` (crypto_generichash keyed with a context
// string): random nonce followed by the crypto_secretbox_easy ciphertext.
std::string sealWithToken(std::string_view token, std::string_view plain);

// Opens what sealWithToken produced; nothing when the box was not made with this token or is
// damaged.
std::optional<std::string> openWithToken(std::string_view token, std::string_view sealed);

}  // namespace deskboard::server::auth::detail
