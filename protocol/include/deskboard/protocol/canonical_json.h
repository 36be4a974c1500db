// Canonical JSON (RFC 8785, the JSON Canonicalization Scheme) and the state checksum built on
// it. Client and server must agree byte for byte on the checksum of a state, whatever language
// they are written in, so the rules are the RFC's exactly: object keys sorted by UTF-16 code
// units, no whitespace, numbers written as ECMAScript's Number.prototype.toString writes them,
// strings with the minimal escapes of JSON.stringify. docs/api.md has test vectors.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace deskboard::protocol {

// The RFC 8785 form of `value`. Integers are treated as the IEEE 754 doubles they denote.
// Throws std::domain_error for what JSON cannot carry (NaN, infinities, invalid UTF-8);
// documents from parseJson() never contain those.
std::string canonicalJson(const nlohmann::json& value);

// `number` as ECMAScript writes it: shortest round-trip digits, exponent form below 1e-6 and
// from 1e21 ("1e+21"), -0 written as "0". Throws std::domain_error for NaN and infinities.
std::string formatEcmascriptNumber(double number);

// Building blocks for canonicalizing other JSON representations (the server canonicalizes
// simdjson documents with them, and its tests compare the result with canonicalJson()):
// appends `text` (UTF-8) as an RFC 8785 string; throws std::domain_error for invalid UTF-8.
void appendCanonicalString(std::string& out, std::string_view text);
// The same for text already known to be valid UTF-8 (a string of a parser that validated its
// whole input, as simdjson does): only the escapes are looked for.
void appendCanonicalStringOfValidUtf8(std::string& out, std::string_view text);
// The RFC 8785 member order: true when key `a` sorts before `b` by UTF-16 code units.
bool canonicalKeyLess(std::string_view a, std::string_view b);
// False when plain byte order already is the RFC 8785 order for this key: UTF-8 byte order is
// code point order, which differs from UTF-16 order only from U+E000 up (lead bytes 0xEE+).
bool needsUtf16Order(std::string_view key);

// Appends formatEcmascriptNumber(number) without an intermediate string.
void appendEcmascriptNumber(std::string& out, double number);

// Lowercase hex SHA-256 of `bytes`.
std::string sha256Hex(std::string_view bytes);

// The checksum of a dashboard state: sha256Hex(canonicalJson(state)).
std::string stateChecksum(const nlohmann::json& state);

}  // namespace deskboard::protocol
