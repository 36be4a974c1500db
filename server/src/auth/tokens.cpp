#include "tokens.h"

#include <array>
#include <stdexcept>

#include <sodium.h>

#include <deskboard/protocol/canonical_json.h>

namespace deskboard::server::auth::detail {
namespace {

constexpr std::size_t kTokenBytes = 32;
constexpr std::size_t kIdBytes = 16;
// The context of the grace-answer key: a different function of the token than its SHA-256
// (which names the Redis key), so knowing the key name does not open the box.
constexpr std::string_view kGraceContext = "deskboard.auth.refresh-grace.v1";

using BoxKey = std::array<unsigned char, crypto_secretbox_KEYBYTES>;

BoxKey keyFor(std::string_view token) {
    static_assert(kGraceContext.size() >= crypto_generichash_KEYBYTES_MIN &&
                  kGraceContext.size() <= crypto_generichash_KEYBYTES_MAX);
    BoxKey key{};
    crypto_generichash(key.data(), key.size(), reinterpret_cast<const unsigned char*>(token.data()),
                       token.size(), reinterpret_cast<const unsigned char*>(kGraceContext.data()),
                       kGraceContext.size());
    return key;
}

}  // namespace

void ensureSodium() {
    static const bool ready = sodium_init() >= 0;
    if (!ready) {
        throw std::runtime_error("libsodium cannot be initialised");
    }
}

std::string newToken() {
    ensureSodium();
    std::array<unsigned char, kTokenBytes> bytes{};
    randombytes_buf(bytes.data(), bytes.size());
    constexpr int variant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
    std::string text(sodium_base64_ENCODED_LEN(kTokenBytes, variant), '\0');
    sodium_bin2base64(text.data(), text.size(), bytes.data(), bytes.size(), variant);
    text.resize(text.find('\0'));
    sodium_memzero(bytes.data(), bytes.size());
    return text;
}

std::string newId() {
    ensureSodium();
    std::array<unsigned char, kIdBytes> bytes{};
    randombytes_buf(bytes.data(), bytes.size());
    std::string text(kIdBytes * 2 + 1, '\0');
    sodium_bin2hex(text.data(), text.size(), bytes.data(), bytes.size());
    text.pop_back();
    return text;
}

bool looksLikeToken(std::string_view token) {
    if (token.size() != 43) {
        return false;
    }
    for (const char c : token) {
        const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                        (c >= '0' && c <= '9') || c == '-' || c == '_';
        if (!ok) {
            return false;
        }
    }
    return true;
}

std::string tokenHash(std::string_view token) {
    return protocol::sha256Hex(token);
}

std::string sealWithToken(std::string_view token, std::string_view plain) {
    ensureSodium();
    BoxKey key = keyFor(token);
    std::string sealed(crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + plain.size(),
                       '\0');
    auto* nonce = reinterpret_cast<unsigned char*>(sealed.data());
    randombytes_buf(nonce, crypto_secretbox_NONCEBYTES);
    crypto_secretbox_easy(nonce + crypto_secretbox_NONCEBYTES,
                          reinterpret_cast<const unsigned char*>(plain.data()), plain.size(), nonce,
                          key.data());
    sodium_memzero(key.data(), key.size());
    return sealed;
}

std::optional<std::string> openWithToken(std::string_view token, std::string_view sealed) {
    ensureSodium();
    if (sealed.size() < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES) {
        return std::nullopt;
    }
    BoxKey key = keyFor(token);
    const auto* nonce = reinterpret_cast<const unsigned char*>(sealed.data());
    const std::size_t cipherSize = sealed.size() - crypto_secretbox_NONCEBYTES;
    std::string plain(cipherSize - crypto_secretbox_MACBYTES, '\0');
    const int opened = crypto_secretbox_open_easy(reinterpret_cast<unsigned char*>(plain.data()),
                                                  nonce + crypto_secretbox_NONCEBYTES, cipherSize,
                                                  nonce, key.data());
    sodium_memzero(key.data(), key.size());
    if (opened != 0) {
        return std::nullopt;
    }
    return plain;
}

}  // namespace deskboard::server::auth::detail
