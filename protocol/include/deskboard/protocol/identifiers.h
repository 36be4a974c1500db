// The identifier rules of PRODUCT.md section 2. Everything that reaches a Redis key name or a
// header passes through one of these checks first.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace deskboard::protocol {

inline constexpr std::size_t kMaxIdentifierLength = 64;
inline constexpr std::size_t kMaxUsernameLength = 64;
inline constexpr std::size_t kMinPasswordBytes = 8;
inline constexpr std::size_t kMaxPasswordBytes = 1024;
inline constexpr std::size_t kMaxWorkspaceNameCharacters = 100;

// User and workspace ids: 1-64 of [A-Za-z0-9_-].
bool isValidIdentifier(std::string_view id);

// User names: 1-64 of [A-Za-z0-9._-].
bool isValidUsername(std::string_view name);

// The form user names are compared and stored in (ASCII lower case), so "Alice" and "alice"
// are one user. Only meaningful for valid names.
std::string normalizeUsername(std::string_view name);

// Passwords: 8 to 1024 bytes, any content.
bool isValidPassword(std::string_view password);

// Workspace names: 1-100 characters (Unicode code points) of valid UTF-8, no control characters.
bool isValidWorkspaceName(std::string_view name);

}  // namespace deskboard::protocol
