#include <algorithm>
#include <optional>

#include <deskboard/protocol/identifiers.h>

#include "utf8.h"

namespace deskboard::protocol {
namespace {

bool isAsciiAlnum(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// Counts the code points of valid UTF-8 without C0/C1 controls or DEL; nothing if invalid.
std::optional<std::size_t> printableCodePoints(std::string_view text) {
    std::size_t count = 0;
    for (std::size_t pos = 0; pos < text.size(); ++count) {
        const auto cp = utf8::nextCodePoint(text, pos);
        if (!cp || *cp < 0x20 || (*cp >= 0x7F && *cp <= 0x9F)) {
            return std::nullopt;
        }
    }
    return count;
}

}  // namespace

bool isValidIdentifier(std::string_view id) {
    return !id.empty() && id.size() <= kMaxIdentifierLength &&
           std::all_of(id.begin(), id.end(),
                       [](char c) { return isAsciiAlnum(c) || c == '_' || c == '-'; });
}

bool isValidUsername(std::string_view name) {
    return !name.empty() && name.size() <= kMaxUsernameLength &&
           std::all_of(name.begin(), name.end(),
                       [](char c) { return isAsciiAlnum(c) || c == '.' || c == '_' || c == '-'; });
}

std::string normalizeUsername(std::string_view name) {
    std::string normalized(name);
    std::transform(normalized.begin(), normalized.end(), normalized.begin(),
                   [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; });
    return normalized;
}

bool isValidPassword(std::string_view password) {
    return password.size() >= kMinPasswordBytes && password.size() <= kMaxPasswordBytes;
}

bool isValidWorkspaceName(std::string_view name) {
    const auto characters = printableCodePoints(name);
    return characters && *characters >= 1 && *characters <= kMaxWorkspaceNameCharacters;
}

}  // namespace deskboard::protocol
