#include <charconv>

#include <deskboard/server/redis/redis_reply.h>

namespace deskboard::server::redis {

std::optional<long long> Reply::asInteger() const {
    if (type == Type::Integer) {
        return integer;
    }
    if (type == Type::String) {
        long long value = 0;
        const auto* end = text.data() + text.size();
        const auto result = std::from_chars(text.data(), end, value);
        if (!text.empty() && result.ec == std::errc() && result.ptr == end) {
            return value;
        }
    }
    return std::nullopt;
}

std::optional<std::string_view> Reply::asString() const {
    if (type == Type::String || type == Type::Status) {
        return std::string_view(text);
    }
    return std::nullopt;
}

std::string_view failureName(Failure failure) {
    switch (failure) {
        case Failure::NotConnected:
            return "not connected to Redis";
        case Failure::Timeout:
            return "Redis did not answer in time";
        case Failure::Disconnected:
            return "connection to Redis lost";
    }
    return "unknown Redis failure";
}

std::string Result::describe() const {
    if (!ok()) {
        std::string text(failureName(failure_));
        if (!detail_.empty()) {
            text += ": " + detail_;
        }
        return text;
    }
    if (reply_->isError()) {
        return "Redis error: " + reply_->text;
    }
    return "ok";
}

}  // namespace deskboard::server::redis
