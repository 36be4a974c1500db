#include "save_body.h"

#include <algorithm>
#include <charconv>
#include <iterator>
#include <optional>
#include <string_view>
#include <vector>

#include <simdjson.h>

#include <deskboard/protocol/canonical_json.h>
#include <deskboard/protocol/messages.h>

namespace deskboard::server::api {
namespace {

using protocol::ApiError;
using protocol::ErrorCode;

// Thrown while canonicalizing; becomes invalid_json.
struct Malformed {
    std::string message;
};

using Member = std::pair<std::string_view, simdjson::dom::element>;

// Byte order of two keys, inline: keys are short, and this runs for every comparison a sort
// makes (a call to memcmp per comparison was a tenth of a save's parse).
bool bytesLess(std::string_view a, std::string_view b) {
    const std::size_t common = std::min(a.size(), b.size());
    for (std::size_t i = 0; i < common; ++i) {
        if (a[i] != b[i]) {
            return static_cast<unsigned char>(a[i]) < static_cast<unsigned char>(b[i]);
        }
    }
    return a.size() < b.size();
}

bool bytesEqual(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin());
}

// Writes `value` as RFC 8785 JSON. simdjson validated the UTF-8 of the whole document, so
// strings are only escaped. `members` is scratch space shared by the whole walk, used as a
// stack: each object sorts its own members at the top of it and pops them when done, so a
// document costs no allocation per object.
void appendCanonical(std::string& out, simdjson::dom::element value, std::vector<Member>& members) {
    using Type = simdjson::dom::element_type;
    switch (value.type()) {
        case Type::OBJECT: {
            const std::size_t base = members.size();
            bool bytewise = true;
            const simdjson::dom::object object = value.get_object().value_unsafe();
            for (auto field : object) {
                members.emplace_back(field.key, field.value);
                bytewise = bytewise && !protocol::needsUtf16Order(field.key);
            }
            const auto first = members.begin() + static_cast<std::ptrdiff_t>(base);
            if (bytewise) {
                std::sort(first, members.end(), [](const Member& a, const Member& b) {
                    return bytesLess(a.first, b.first);
                });
            } else {
                std::sort(first, members.end(), [](const Member& a, const Member& b) {
                    return protocol::canonicalKeyLess(a.first, b.first);
                });
            }
            out.push_back('{');
            const std::size_t end = members.size();
            for (std::size_t i = base; i < end; ++i) {
                // By index and by value: the nested walk may grow (and move) the scratch.
                const Member member = members[i];
                if (i > base) {
                    if (bytesEqual(member.first, members[i - 1].first)) {
                        throw Malformed{"duplicate key in a JSON object"};
                    }
                    out.push_back(',');
                }
                protocol::appendCanonicalStringOfValidUtf8(out, member.first);
                out.push_back(':');
                appendCanonical(out, member.second, members);
            }
            members.resize(base);
            out.push_back('}');
            return;
        }
        case Type::ARRAY: {
            out.push_back('[');
            bool first = true;
            const simdjson::dom::array array = value.get_array().value_unsafe();
            for (auto element : array) {
                if (!first) {
                    out.push_back(',');
                }
                first = false;
                appendCanonical(out, element, members);
            }
            out.push_back(']');
            return;
        }
        case Type::STRING:
            protocol::appendCanonicalStringOfValidUtf8(out, value.get_string().value_unsafe());
            return;
        case Type::INT64: {
            // Integers that a double holds exactly are their own digits (most numbers of a
            // state: positions and sizes); others go through the double they denote. The rule
            // of appendEcmascriptNumber's integer branch, kept here in the walk: a shared
            // inline helper in protocol/ measured 4 % slower per save body (bench_save_body).
            constexpr std::int64_t kExact = std::int64_t{1} << 53;
            const std::int64_t number = value.get_int64().value_unsafe();
            if (number > -kExact && number < kExact) {
                char digits[24];
                const auto written = std::to_chars(std::begin(digits), std::end(digits), number);
                out.append(digits, written.ptr);
            } else {
                protocol::appendEcmascriptNumber(out, static_cast<double>(number));
            }
            return;
        }
        case Type::UINT64:
            protocol::appendEcmascriptNumber(
                out, static_cast<double>(value.get_uint64().value_unsafe()));
            return;
        case Type::DOUBLE:
            protocol::appendEcmascriptNumber(out, value.get_double().value_unsafe());
            return;
        case Type::BOOL:
            out += value.get_bool().value_unsafe() ? "true" : "false";
            return;
        case Type::NULL_VALUE:
            out += "null";
            return;
    }
}

// simdjson 3.0's DOM parser refuses an integer literal outside [-2^63, 2^64) with NUMBER_ERROR,
// where JSON (RFC 8259) allows it and RFC 8785 takes it as the double it denotes, as the
// protocol parser does (123456789012345680000 -> 123456789012345680000). After such an error
// the body is parsed once more with "e0" appended to every such literal: the same number,
// which simdjson now reads as a double, correctly rounded like every double it parses (and like
// strtod, which the protocol parser uses). Only literals outside strings are touched, found by
// the same quote and backslash rules as simdjson's own string scan, and only ones that are
// whole integer tokens (a minus, digits, then a structural character or whitespace), so a
// document that was invalid for any other reason stays invalid.
bool isStructuralOrSpace(char c) {
    switch (c) {
        case ' ':
        case '\t':
        case '\n':
        case '\r':
        case ',':
        case ':':
        case '[':
        case ']':
        case '{':
        case '}':
            return true;
        default:
            return false;
    }
}

bool isDigit(char c) {
    return c >= '0' && c <= '9';
}

// True when the decimal integer `digits` (no sign, no leading zero) is outside simdjson's
// integer range: above 2^64-1, or for a negative one, above 2^63.
bool beyond64Bits(std::string_view digits, bool negative) {
    const std::string_view limit = negative ? "9223372036854775808" : "18446744073709551615";
    return digits.size() > limit.size() || (digits.size() == limit.size() && digits > limit);
}

// `text` with "e0" after every integer literal beyond 64 bits; nullopt when it has none.
std::optional<std::string> widenLongIntegers(std::string_view text) {
    std::string out;
    std::size_t copied = 0;
    bool inString = false;
    for (std::size_t pos = 0; pos < text.size(); ++pos) {
        const char c = text[pos];
        if (inString) {
            if (c == '\\') {
                ++pos;  // the escaped character, which may be a quote
            } else if (c == '"') {
                inString = false;
            }
            continue;
        }
        if (c == '"') {
            inString = true;
            continue;
        }
        if (c != '-' && !isDigit(c)) {
            continue;
        }
        const bool negative = c == '-';
        const std::size_t start = pos + (negative ? 1 : 0);
        std::size_t end = start;
        while (end < text.size() && isDigit(text[end])) {
            ++end;
        }
        const std::string_view digits = text.substr(start, end - start);
        const bool wholeToken = (pos == 0 || isStructuralOrSpace(text[pos - 1])) &&
                                (end == text.size() || isStructuralOrSpace(text[end]));
        if (wholeToken && !digits.empty() && beyond64Bits(digits, negative)) {
            out.append(text.substr(copied, end - copied));
            out += "e0";
            copied = end;
        }
        pos = end - 1;  // the loop's ++pos lands on the character after the digits
    }
    if (copied == 0) {
        return std::nullopt;
    }
    out.append(text.substr(copied));
    return out;
}

ApiError invalidBody(std::string_view field, std::string_view problem) {
    return ApiError{ErrorCode::InvalidBody,
                    "field '" + std::string(field) + "' " + std::string(problem)};
}

}  // namespace

struct SaveBodyParser::Impl {
    simdjson::dom::parser parser;
    std::size_t maxBytes;
    std::vector<Member> members;  // appendCanonical's scratch, kept between saves
};

// A body of maxBytes grows by at most 2 bytes per 20 when its long integers are widened.
SaveBodyParser::SaveBodyParser(std::size_t maxBytes, int maxDepth)
    : impl_(std::make_unique<Impl>(
          Impl{simdjson::dom::parser(maxBytes + maxBytes / 8 + 64), maxBytes, {}})) {
    // Start small; parse() grows the buffers up to maxBytes and keeps the depth limit.
    constexpr std::size_t kInitialCapacity = 64 * 1024;
    if (impl_->parser.allocate(std::min(kInitialCapacity, maxBytes),
                               static_cast<std::size_t>(maxDepth)) != simdjson::SUCCESS) {
        throw std::bad_alloc();
    }
}

SaveBodyParser::~SaveBodyParser() = default;

protocol::Expected<ParsedSave> SaveBodyParser::parse(std::string body) {
    if (body.size() > impl_->maxBytes) {
        return ApiError{ErrorCode::TooLarge, "body is " + std::to_string(body.size()) +
                                                 " bytes, more than the limit of " +
                                                 std::to_string(impl_->maxBytes)};
    }
    std::size_t length = body.size();
    body.resize(length + simdjson::SIMDJSON_PADDING);  // simdjson reads past the end
    simdjson::dom::element root;
    auto error = impl_->parser.parse(body.data(), length, /*realloc_if_needed=*/false).get(root);
    if (error == simdjson::NUMBER_ERROR) {
        if (auto widened = widenLongIntegers(std::string_view(body.data(), length))) {
            body = std::move(*widened);
            length = body.size();
            body.resize(length + simdjson::SIMDJSON_PADDING);
            error = impl_->parser.parse(body.data(), length, /*realloc_if_needed=*/false).get(root);
        }
    }
    if (error) {
        return ApiError{ErrorCode::InvalidJson,
                        std::string("not valid JSON: ") + simdjson::error_message(error)};
    }
    simdjson::dom::object object;
    if (root.get(object)) {
        return ApiError{ErrorCode::InvalidBody, "body must be a JSON object"};
    }
    ParsedSave save;
    std::optional<simdjson::dom::element> version;
    std::optional<simdjson::dom::element> state;
    std::optional<simdjson::dom::element> checksum;
    std::vector<std::string_view> keys;
    for (auto field : object) {
        keys.push_back(field.key);
        if (field.key == "version") {
            version = field.value;
        } else if (field.key == "state") {
            state = field.value;
        } else if (field.key == "checksum") {
            checksum = field.value;
        }
    }
    std::sort(keys.begin(), keys.end());
    if (std::adjacent_find(keys.begin(), keys.end()) != keys.end()) {
        return ApiError{ErrorCode::InvalidJson, "duplicate key in a JSON object"};
    }
    // The scratch is emptied before (a walk that threw left members on it) and given back
    // after a document with unusually many members, so a worker keeps a small one.
    constexpr std::size_t kScratchKept = 4096;
    impl_->members.clear();
    const auto releaseScratch = [this] {
        if (impl_->members.capacity() > kScratchKept) {
            std::vector<Member>().swap(impl_->members);
        }
    };
    try {
        // Canonicalizing the whole body first finds malformed parts anywhere (duplicate keys,
        // invalid UTF-8 in keys) before the shape is judged, as the protocol parser does.
        if (state && state->is_object()) {
            save.canonicalState.reserve(length);
            appendCanonical(save.canonicalState, *state, impl_->members);
        } else {
            std::string ignored;
            appendCanonical(ignored, root, impl_->members);
        }
    } catch (const Malformed& malformed) {
        releaseScratch();
        return ApiError{ErrorCode::InvalidJson, malformed.message};
    } catch (const std::domain_error& error) {
        releaseScratch();
        return ApiError{ErrorCode::InvalidJson, std::string("not valid JSON: ") + error.what()};
    }
    releaseScratch();
    if (!version) {
        return invalidBody("version", "is required");
    }
    std::int64_t number = 0;
    std::uint64_t unsignedNumber = 0;
    if (version->is_int64()) {
        number = version->get_int64().value_unsafe();
    } else if (version->is_uint64()) {
        unsignedNumber = version->get_uint64().value_unsafe();
        number = unsignedNumber > static_cast<std::uint64_t>(protocol::kMaxVersion)
                     ? -1
                     : static_cast<std::int64_t>(unsignedNumber);
    } else {
        number = -1;
    }
    if (number < 1 || number > protocol::kMaxVersion) {
        return invalidBody("version", "must be an integer from 1 to 2^53-1");
    }
    save.version = number;
    if (!state) {
        return invalidBody("state", "is required");
    }
    if (!state->is_object()) {
        return invalidBody("state", "must be a JSON object");
    }
    save.checksum = protocol::sha256Hex(save.canonicalState);
    if (checksum) {
        std::string_view given;
        if (checksum->get(given)) {
            return invalidBody("checksum", "must be a string");
        }
        if (given != save.checksum) {
            return ApiError{ErrorCode::ChecksumMismatch,
                            "checksum is not the SHA-256 of the state's canonical JSON (RFC 8785)"};
        }
    }
    return save;
}

}  // namespace deskboard::server::api
