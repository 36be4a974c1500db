#include <cmath>
#include <string>
#include <vector>

#include <deskboard/protocol/json_parse.h>

namespace deskboard::protocol {
namespace {

// Thrown from the parser callback to stop parsing at once; turned into an ApiError below.
struct Refusal {
    std::string message;
};

using Event = nlohmann::json::parse_event_t;

// Watches the parser's events: nesting depth, non-finite numbers and duplicate keys.
class LimitWatcher {
  public:
    explicit LimitWatcher(int maxDepth) : maxDepth_(maxDepth) {}

    bool operator()(int /*depth*/, Event event, nlohmann::json& parsed) {
        switch (event) {
            case Event::object_start:
            case Event::array_start:
                open();
                break;
            case Event::key:
                ++keysSeen_.back();
                break;
            case Event::object_end:
                if (parsed.size() != keysSeen_.back()) {
                    throw Refusal{"duplicate key in a JSON object"};
                }
                close();
                break;
            case Event::array_end:
                close();
                break;
            case Event::value:
                if (parsed.is_number_float() && !std::isfinite(parsed.get<double>())) {
                    throw Refusal{"number out of range (JSON numbers must be finite doubles)"};
                }
                break;
        }
        return true;
    }

  private:
    void open() {
        if (static_cast<int>(keysSeen_.size()) >= maxDepth_) {
            throw Refusal{"JSON nested deeper than " + std::to_string(maxDepth_) + " levels"};
        }
        // Arrays get a slot too so that close() is uniform; their count stays 0.
        keysSeen_.push_back(0);
    }
    void close() { keysSeen_.pop_back(); }

    int maxDepth_;
    std::vector<std::size_t> keysSeen_;
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
    LimitWatcher watcher(limits.maxDepth);
    try {
        nlohmann::json::parser_callback_t callback = std::ref(watcher);
        return nlohmann::json::parse(text.begin(), text.end(), callback,
                                     /*allow_exceptions=*/true, /*ignore_comments=*/false);
    } catch (const Refusal& refusal) {
        return ApiError{ErrorCode::InvalidJson, refusal.message};
    } catch (const nlohmann::json::exception& e) {
        return ApiError{ErrorCode::InvalidJson, std::string("not valid JSON: ") + e.what()};
    }
}

}  // namespace deskboard::protocol
