#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include <deskboard/protocol/json_parse.h>

namespace deskboard::protocol {
namespace {

using Json = nlohmann::json;

// A SAX handler that builds the document with nlohmann's own DOM builder and checks the limits
// on the way: nesting depth, non-finite numbers and duplicate keys. (nlohmann's callback parser
// would do the same, but it rescans the parent object every time a child object closes, which
// makes an object of n objects cost O(n^2): 1.3 s for a 1 MB dashboard of 4500 widgets.)
class LimitedDomBuilder {
  public:
    LimitedDomBuilder(Json& result, int maxDepth) : dom_(result, true), maxDepth_(maxDepth) {}

    const std::string& refusal() const { return refusal_; }

    bool null() { return dom_.null(); }
    bool boolean(bool value) { return dom_.boolean(value); }
    bool number_integer(Json::number_integer_t value) { return dom_.number_integer(value); }
    bool number_unsigned(Json::number_unsigned_t value) { return dom_.number_unsigned(value); }
    bool number_float(Json::number_float_t value, const Json::string_t& text) {
        if (!std::isfinite(value)) {
            return refuse("number out of range (JSON numbers must be finite doubles)");
        }
        return dom_.number_float(value, text);
    }
    bool string(Json::string_t& value) { return dom_.string(value); }
    bool binary(Json::binary_t& value) { return dom_.binary(value); }
    bool start_object(std::size_t size) {
        if (!open(true)) {
            return false;
        }
        return dom_.start_object(size);
    }
    bool key(Json::string_t& name) {
        keys_.back().push_back(name);
        return dom_.key(name);
    }
    bool end_object() {
        auto& keys = keys_.back();
        std::sort(keys.begin(), keys.end());
        if (std::adjacent_find(keys.begin(), keys.end()) != keys.end()) {
            return refuse("duplicate key in a JSON object");
        }
        keys_.pop_back();
        --depth_;
        return dom_.end_object();
    }
    bool start_array(std::size_t size) {
        if (!open(false)) {
            return false;
        }
        return dom_.start_array(size);
    }
    bool end_array() {
        --depth_;
        return dom_.end_array();
    }
    template <typename Exception>
    bool parse_error(std::size_t position, const std::string& token, const Exception& error) {
        return dom_.parse_error(position, token, error);  // throws: allow_exceptions is on
    }

  private:
    bool open(bool object) {
        if (depth_ >= maxDepth_) {
            return refuse("JSON nested deeper than " + std::to_string(maxDepth_) + " levels");
        }
        ++depth_;
        if (object) {
            keys_.emplace_back();
        }
        return true;
    }
    bool refuse(std::string message) {
        refusal_ = std::move(message);
        return false;
    }

    nlohmann::detail::json_sax_dom_parser<Json> dom_;
    int maxDepth_;
    int depth_ = 0;
    std::vector<std::vector<std::string>> keys_;
    std::string refusal_;
};

}  // namespace

Expected<nlohmann::json> parseJson(std::string_view text, const JsonLimits& limits) {
    if (text.size() > limits.maxBytes) {
        return ApiError{ErrorCode::TooLarge, "body is " + std::to_string(text.size()) +
                                                 " bytes, more than the limit of " +
                                                 std::to_string(limits.maxBytes)};
    }
    // nlohmann's lexer reads a NUL byte as the end of input, which would accept "{}\0junk".
    // JSON has no place for a raw NUL (inside strings it must be escaped).
    if (const auto nul = text.find('\0'); nul != std::string_view::npos) {
        return ApiError{ErrorCode::InvalidJson,
                        "not valid JSON: NUL byte at offset " + std::to_string(nul)};
    }
    try {
        Json result;
        LimitedDomBuilder builder(result, limits.maxDepth);
        const bool complete = Json::sax_parse(text.begin(), text.end(), &builder,
                                              nlohmann::detail::input_format_t::json,
                                              /*strict=*/true, /*ignore_comments=*/false);
        if (!complete) {
            return ApiError{ErrorCode::InvalidJson, builder.refusal().empty()
                                                        ? std::string("not valid JSON")
                                                        : builder.refusal()};
        }
        return result;
    } catch (const nlohmann::json::exception& e) {
        return ApiError{ErrorCode::InvalidJson, std::string("not valid JSON: ") + e.what()};
    }
}

}  // namespace deskboard::protocol
