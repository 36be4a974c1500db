#include "wire_fields.h"

#include <array>
#include <charconv>

#include <deskboard/protocol/messages.h>

#include "utf8.h"

namespace deskboard::protocol::wire {

ApiError invalidBody(std::string_view path, std::string_view problem) {
    std::string message = "field '";
    message.append(path);
    message += "' ";
    message.append(problem);
    return ApiError{ErrorCode::InvalidBody, std::move(message)};
}

std::optional<ApiError> requireTopLevelObject(const nlohmann::json& json) {
    if (!json.is_object()) {
        return ApiError{ErrorCode::InvalidBody, "body must be a JSON object"};
    }
    return std::nullopt;
}

std::optional<std::int64_t> integerIn(const nlohmann::json& value, std::int64_t minimum) {
    std::int64_t number = 0;
    if (value.is_number_unsigned()) {
        const auto raw = value.get<std::uint64_t>();
        if (raw > static_cast<std::uint64_t>(kMaxVersion)) {
            return std::nullopt;
        }
        number = static_cast<std::int64_t>(raw);
    } else if (value.is_number_integer()) {
        number = value.get<std::int64_t>();
    } else {
        return std::nullopt;
    }
    if (number < minimum || number > kMaxVersion) {
        return std::nullopt;
    }
    return number;
}

Expected<std::int64_t> requireInteger(const nlohmann::json& object, std::string_view key,
                                      std::int64_t minimum, std::string_view path) {
    const auto it = object.find(key);
    if (it == object.end()) {
        return invalidBody(path, "is required");
    }
    if (const auto number = integerIn(*it, minimum)) {
        return *number;
    }
    return invalidBody(path, "must be an integer from " + std::to_string(minimum) + " to 2^53-1");
}

Expected<std::string> requireString(const nlohmann::json& object, std::string_view key,
                                    std::string_view path) {
    const auto it = object.find(key);
    if (it == object.end()) {
        return invalidBody(path, "is required");
    }
    if (!it->is_string()) {
        return invalidBody(path, "must be a string");
    }
    return it->get<std::string>();
}

Expected<std::string> requireText(const nlohmann::json& object, std::string_view key,
                                  std::string_view path) {
    auto text = requireString(object, key, path);
    if (text && text.value().empty()) {
        return invalidBody(path, "must not be empty");
    }
    return text;
}

Expected<bool> requireBoolean(const nlohmann::json& object, std::string_view key,
                              std::string_view path) {
    const auto it = object.find(key);
    if (it == object.end()) {
        return invalidBody(path, "is required");
    }
    if (!it->is_boolean()) {
        return invalidBody(path, "must be a boolean");
    }
    return it->get<bool>();
}

Expected<std::optional<std::string>> requireStringOrNull(const nlohmann::json& object,
                                                         std::string_view key,
                                                         std::string_view path) {
    const auto it = object.find(key);
    if (it == object.end()) {
        return invalidBody(path, "is required");
    }
    if (it->is_null()) {
        return std::optional<std::string>();
    }
    if (!it->is_string()) {
        return invalidBody(path, "must be a string or null");
    }
    return std::optional<std::string>(it->get<std::string>());
}

Expected<const nlohmann::json*> requireObjectMember(const nlohmann::json& object,
                                                    std::string_view key, std::string_view path) {
    const auto it = object.find(key);
    if (it == object.end()) {
        return invalidBody(path, "is required");
    }
    if (!it->is_object()) {
        return invalidBody(path, "must be a JSON object");
    }
    return &*it;
}

Expected<const nlohmann::json*> requireArrayMember(const nlohmann::json& object,
                                                   std::string_view key, std::string_view path) {
    const auto it = object.find(key);
    if (it == object.end()) {
        return invalidBody(path, "is required");
    }
    if (!it->is_array()) {
        return invalidBody(path, "must be an array");
    }
    return &*it;
}

std::string indexed(std::string_view path, std::size_t index) {
    std::string text(path);
    text += '[';
    text += std::to_string(index);
    text += ']';
    return text;
}

namespace {

constexpr std::array<char, 16> kHex{'0', '1', '2', '3', '4', '5', '6', '7',
                                    '8', '9', 'a', 'b', 'c', 'd', 'e', 'f'};

void appendEscape(std::string& out, unsigned char byte) {
    switch (byte) {
        case '"':
            out += "\\\"";
            return;
        case '\\':
            out += "\\\\";
            return;
        case '\b':
            out += "\\b";
            return;
        case '\f':
            out += "\\f";
            return;
        case '\n':
            out += "\\n";
            return;
        case '\r':
            out += "\\r";
            return;
        case '\t':
            out += "\\t";
            return;
        default:
            out += "\\u00";
            out += kHex[byte >> 4];
            out += kHex[byte & 0xF];
    }
}

}  // namespace

void appendJsonString(std::string& out, std::string_view text) {
    out.push_back('"');
    std::size_t runStart = 0;
    std::size_t pos = 0;
    while (pos < text.size()) {
        const auto byte = static_cast<unsigned char>(text[pos]);
        if (byte >= 0x80) {
            std::size_t next = pos;
            if (utf8::nextCodePoint(text, next)) {
                pos = next;
                continue;
            }
            out.append(text.substr(runStart, pos - runStart));
            out += "\xEF\xBF\xBD";  // U+FFFD for the one bad byte
            runStart = ++pos;
            continue;
        }
        if (byte >= 0x20 && byte != '"' && byte != '\\') {
            ++pos;
            continue;
        }
        out.append(text.substr(runStart, pos - runStart));
        appendEscape(out, byte);
        runStart = ++pos;
    }
    out.append(text.substr(runStart));
    out.push_back('"');
}

void appendInteger(std::string& out, std::int64_t number) {
    std::array<char, 24> digits{};
    const auto result = std::to_chars(digits.data(), digits.data() + digits.size(), number);
    out.append(digits.data(), result.ptr);
}

}  // namespace deskboard::protocol::wire
