// Internal: the field checks and JSON text writers shared by the protocol's message files, so
// every invalid_body message reads the same ("field 'user.id' must be a string") and every
// hand-appended answer escapes strings the same way.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include <deskboard/protocol/error.h>
#include <deskboard/protocol/expected.h>

namespace deskboard::protocol::wire {

// invalid_body with the message "field '<path>' <problem>".
ApiError invalidBody(std::string_view path, std::string_view problem);

// invalid_body "body must be a JSON object" unless `json` is an object.
std::optional<ApiError> requireTopLevelObject(const nlohmann::json& json);

// The integer in `value` when it is an integer literal in [minimum, 2^53 - 1]; 1.0, 1e2,
// strings and the rest are refused.
std::optional<std::int64_t> integerIn(const nlohmann::json& value, std::int64_t minimum);

// object[key], required; `path` is the name the message uses (e.g. "user.id" for key "id").
Expected<std::int64_t> requireInteger(const nlohmann::json& object, std::string_view key,
                                      std::int64_t minimum, std::string_view path);
Expected<std::string> requireString(const nlohmann::json& object, std::string_view key,
                                    std::string_view path);
// A string that is not empty.
Expected<std::string> requireText(const nlohmann::json& object, std::string_view key,
                                  std::string_view path);
Expected<bool> requireBoolean(const nlohmann::json& object, std::string_view key,
                              std::string_view path);
// A string or null (nothing); absent is refused.
Expected<std::optional<std::string>> requireStringOrNull(const nlohmann::json& object,
                                                         std::string_view key,
                                                         std::string_view path);
// The object or array member itself, checked for its type.
Expected<const nlohmann::json*> requireObjectMember(const nlohmann::json& object,
                                                    std::string_view key, std::string_view path);
Expected<const nlohmann::json*> requireArrayMember(const nlohmann::json& object,
                                                   std::string_view key, std::string_view path);

// "<path>[<index>]", for members of arrays.
std::string indexed(std::string_view path, std::size_t index);

// Appends `text` as a JSON string: '"', '\\' and control characters escaped as JSON.stringify
// does, everything else copied; invalid UTF-8 becomes U+FFFD, so the output is always valid.
void appendJsonString(std::string& out, std::string_view text);

// Appends the decimal form of `number`.
void appendInteger(std::string& out, std::int64_t number);

}  // namespace deskboard::protocol::wire
