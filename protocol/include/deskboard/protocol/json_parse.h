// Safe parsing of untrusted JSON text. The limits are checked while the text is parsed, so a
// hostile body (too big, nested too deep, invalid UTF-8, numbers like 1e400, duplicate keys)
// becomes an ApiError before any document is built from it.
#pragma once

#include <cstddef>
#include <string_view>

#include <nlohmann/json.hpp>

#include <deskboard/protocol/expected.h>

namespace deskboard::protocol {

// PRODUCT.md's defaults for DESKBOARD_MAX_STATE_BYTES and DESKBOARD_MAX_JSON_DEPTH.
inline constexpr std::size_t kDefaultMaxBodyBytes = 1024 * 1024;
inline constexpr int kDefaultMaxJsonDepth = 64;

struct JsonLimits {
    // Largest accepted text; larger is too_large.
    std::size_t maxBytes = kDefaultMaxBodyBytes;
    // Deepest accepted nesting of objects and arrays: `{}` has depth 1, `[[]]` depth 2.
    int maxDepth = kDefaultMaxJsonDepth;
};

// Parses `text` as one JSON document (RFC 8259, I-JSON rules: valid UTF-8, finite numbers,
// unique keys). Errors: too_large, invalid_json (with a message that says where and why).
Expected<nlohmann::json> parseJson(std::string_view text, const JsonLimits& limits = {});

}  // namespace deskboard::protocol
