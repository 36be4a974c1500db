#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <utility>
#include <vector>

#include <openssl/evp.h>

#include <deskboard/protocol/canonical_json.h>

#include "utf8.h"

namespace deskboard::protocol {
namespace {

// Decodes one code point of a JSON string; JSON cannot carry malformed UTF-8.
char32_t decodeUtf8(std::string_view text, std::size_t& pos) {
    if (const auto cp = utf8::nextCodePoint(text, pos)) {
        return *cp;
    }
    throw std::domain_error("invalid UTF-8 in a JSON string");
}

std::u16string toUtf16(std::string_view text) {
    std::u16string out;
    out.reserve(text.size());
    for (std::size_t pos = 0; pos < text.size();) {
        const char32_t cp = decodeUtf8(text, pos);
        if (cp >= 0x10000) {
            const char32_t offset = cp - 0x10000;
            out.push_back(static_cast<char16_t>(0xD800 + (offset >> 10)));
            out.push_back(static_cast<char16_t>(0xDC00 + (offset & 0x3FF)));
        } else {
            out.push_back(static_cast<char16_t>(cp));
        }
    }
    return out;
}

constexpr std::array<char, 16> kHexDigits{'0', '1', '2', '3', '4', '5', '6', '7',
                                          '8', '9', 'a', 'b', 'c', 'd', 'e', 'f'};

// Appends runs that need no escape in one go; only control characters, '"' and '\\' are
// escaped, and bytes from 0x80 are validated as UTF-8 and copied as they are.
void appendStringImpl(std::string& out, std::string_view text) {
    out.push_back('"');
    std::size_t runStart = 0;
    std::size_t pos = 0;
    while (pos < text.size()) {
        const auto byte = static_cast<unsigned char>(text[pos]);
        if (byte >= 0x80) {
            decodeUtf8(text, pos);  // validates and advances past the sequence
            continue;
        }
        if (byte >= 0x20 && byte != '"' && byte != '\\') {
            ++pos;
            continue;
        }
        out.append(text.data() + runStart, pos - runStart);
        switch (byte) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\b':
                out += "\\b";
                break;
            case '\f':
                out += "\\f";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                out += "\\r";
                break;
            case '\t':
                out += "\\t";
                break;
            default:
                out += "\\u00";
                out.push_back(kHexDigits[byte >> 4]);
                out.push_back(kHexDigits[byte & 0xF]);
        }
        runStart = ++pos;
    }
    out.append(text.data() + runStart, pos - runStart);
    out.push_back('"');
}

bool byteOrderIsUtf16Order(const nlohmann::json& object) {
    for (const auto& [key, unused] : object.items()) {
        if (needsUtf16Order(key)) {
            return false;
        }
    }
    return true;
}

void appendValue(std::string& out, const nlohmann::json& value);

void appendObject(std::string& out, const nlohmann::json& object) {
    out.push_back('{');
    bool first = true;
    const auto appendMember = [&](const std::string& key, const nlohmann::json& member) {
        if (!first) {
            out.push_back(',');
        }
        first = false;
        appendStringImpl(out, key);
        out.push_back(':');
        appendValue(out, member);
    };
    if (byteOrderIsUtf16Order(object)) {
        // nlohmann::json keeps object members in a std::map, ordered by UTF-8 bytes.
        for (const auto& [key, member] : object.items()) {
            appendMember(key, member);
        }
    } else {
        std::vector<std::pair<std::u16string, nlohmann::json::const_iterator>> members;
        members.reserve(object.size());
        for (auto it = object.cbegin(); it != object.cend(); ++it) {
            members.emplace_back(toUtf16(it.key()), it);
        }
        std::sort(members.begin(), members.end(),
                  [](const auto& a, const auto& b) { return a.first < b.first; });
        for (const auto& [unused, it] : members) {
            appendMember(it.key(), it.value());
        }
    }
    out.push_back('}');
}

void appendValue(std::string& out, const nlohmann::json& value) {
    using Type = nlohmann::json::value_t;
    switch (value.type()) {
        case Type::null:
        case Type::discarded:
            out += "null";
            break;
        case Type::boolean:
            out += value.get<bool>() ? "true" : "false";
            break;
        case Type::number_integer:
            appendEcmascriptNumber(out, static_cast<double>(value.get<std::int64_t>()));
            break;
        case Type::number_unsigned:
            appendEcmascriptNumber(out, static_cast<double>(value.get<std::uint64_t>()));
            break;
        case Type::number_float:
            appendEcmascriptNumber(out, value.get<double>());
            break;
        case Type::string:
            appendStringImpl(out, value.get_ref<const std::string&>());
            break;
        case Type::array: {
            out.push_back('[');
            bool first = true;
            for (const auto& element : value) {
                if (!first) {
                    out.push_back(',');
                }
                first = false;
                appendValue(out, element);
            }
            out.push_back(']');
            break;
        }
        case Type::object:
            appendObject(out, value);
            break;
        case Type::binary:
            throw std::domain_error("binary values have no JSON form");
    }
}

}  // namespace

void appendEcmascriptNumber(std::string& out, double number) {
    // Integers below 2^53 are written as their digits (the common case: layout and versions).
    constexpr double kExactIntegers = 9007199254740992.0;
    if (number == std::trunc(number) && std::abs(number) < kExactIntegers) {
        std::array<char, 24> digits{};
        const auto result = std::to_chars(digits.data(), digits.data() + digits.size(),
                                          static_cast<std::int64_t>(number));
        out.append(digits.data(), result.ptr);
        return;
    }
    out += formatEcmascriptNumber(number);
}

std::string formatEcmascriptNumber(double number) {
    if (!std::isfinite(number)) {
        throw std::domain_error("NaN and infinities have no JSON form");
    }
    if (number == 0) {
        return "0";  // also -0, as ECMAScript writes it
    }
    // Shortest digits that round-trip, e.g. "-1.2345e+02"; the same digit selection as
    // ECMAScript's Number::toString (shortest, then closest to the exact value).
    std::array<char, 64> buffer{};
    const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), number,
                                      std::chars_format::scientific);
    const std::string_view scientific(buffer.data(),
                                      static_cast<std::size_t>(result.ptr - buffer.data()));

    std::string out;
    std::size_t pos = 0;
    if (scientific[pos] == '-') {
        out.push_back('-');
        ++pos;
    }
    std::string digits;
    while (scientific[pos] != 'e') {
        if (scientific[pos] != '.') {
            digits.push_back(scientific[pos]);
        }
        ++pos;
    }
    int exponent = 0;
    const std::string_view exponentText = scientific.substr(pos + 1);
    std::from_chars(exponentText.data() + (exponentText.front() == '+' ? 1 : 0),
                    exponentText.data() + exponentText.size(), exponent);

    // ECMAScript's names: k digits, the decimal point after n of them.
    const int k = static_cast<int>(digits.size());
    const int n = exponent + 1;
    if (k <= n && n <= 21) {
        out += digits;
        out.append(static_cast<std::size_t>(n - k), '0');
    } else if (0 < n && n <= 21) {
        out += digits.substr(0, static_cast<std::size_t>(n));
        out.push_back('.');
        out += digits.substr(static_cast<std::size_t>(n));
    } else if (-6 < n && n <= 0) {
        out += "0.";
        out.append(static_cast<std::size_t>(-n), '0');
        out += digits;
    } else {
        out.push_back(digits[0]);
        if (k > 1) {
            out.push_back('.');
            out += digits.substr(1);
        }
        out.push_back('e');
        out.push_back(n - 1 >= 0 ? '+' : '-');
        out += std::to_string(std::abs(n - 1));
    }
    return out;
}

void appendCanonicalString(std::string& out, std::string_view text) {
    appendStringImpl(out, text);
}

namespace {

// True when one of the eight bytes of `word` is below 0x20, a '"' or a '\\' (the bytes an
// RFC 8785 string escapes), eight at a time: the classic "has a zero byte" bit trick, applied
// to the word xor-ed with each quote character and to the word less 0x20 in every byte.
bool wordNeedsEscape(std::uint64_t word) {
    constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
    constexpr std::uint64_t kHighBits = 0x8080808080808080ULL;
    const auto hasZeroByte = [](std::uint64_t w) { return (w - kOnes) & ~w & kHighBits; };
    const std::uint64_t below20 = (word - kOnes * 0x20) & ~word & kHighBits;
    return (below20 | hasZeroByte(word ^ (kOnes * '"')) | hasZeroByte(word ^ (kOnes * '\\'))) != 0;
}

bool needsEscape(std::string_view text) {
    std::size_t pos = 0;
    for (; pos + 8 <= text.size(); pos += 8) {
        std::uint64_t word = 0;
        std::memcpy(&word, text.data() + pos, sizeof word);
        if (wordNeedsEscape(word)) {
            return true;
        }
    }
    for (; pos < text.size(); ++pos) {
        const auto byte = static_cast<unsigned char>(text[pos]);
        if (byte < 0x20 || byte == '"' || byte == '\\') {
            return true;
        }
    }
    return false;
}

}  // namespace

void appendCanonicalStringOfValidUtf8(std::string& out, std::string_view text) {
    // Most strings of a state need no escape at all: one append for those.
    if (!needsEscape(text)) {
        out.push_back('"');
        out.append(text);
        out.push_back('"');
        return;
    }
    appendStringImpl(out, text);
}

bool needsUtf16Order(std::string_view key) {
    return std::any_of(key.begin(), key.end(),
                       [](char c) { return static_cast<unsigned char>(c) >= 0xEE; });
}

bool canonicalKeyLess(std::string_view a, std::string_view b) {
    if (!needsUtf16Order(a) && !needsUtf16Order(b)) {
        return a < b;
    }
    return toUtf16(a) < toUtf16(b);
}

std::string canonicalJson(const nlohmann::json& value) {
    std::string out;
    appendValue(out, value);
    return out;
}

std::string sha256Hex(std::string_view bytes) {
    // OpenSSL's libcrypto uses the CPU's SHA instructions where there are some (about 5x
    // libsodium's portable code on a 15 KB state; see docs/architecture.md).
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int length = 0;
    if (EVP_Digest(bytes.data(), bytes.size(), digest.data(), &length, EVP_sha256(), nullptr) !=
        1) {
        throw std::runtime_error("SHA-256 failed (OpenSSL EVP_Digest)");
    }
    std::string hex;
    hex.reserve(length * 2);
    for (unsigned int i = 0; i < length; ++i) {
        hex.push_back(kHexDigits[digest[i] >> 4]);
        hex.push_back(kHexDigits[digest[i] & 0xF]);
    }
    return hex;
}

std::string stateChecksum(const nlohmann::json& state) {
    return sha256Hex(canonicalJson(state));
}

}  // namespace deskboard::protocol
