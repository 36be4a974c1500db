// A Redis reply copied out of hiredis into plain values, and the outcome of one command:
// either a reply (which may itself be a Redis error such as NOSCRIPT) or a failure of the
// connection (timeout, lost, never connected). Callers map failures to 503.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace deskboard::server::redis {

struct Reply {
    enum class Type { Nil, Status, Error, Integer, String, Array };

    Type type = Type::Nil;
    long long integer = 0;
    std::string text;  // Status, Error and String
    std::vector<Reply> elements;

    bool isNil() const { return type == Type::Nil; }
    bool isError() const { return type == Type::Error; }
    bool isString() const { return type == Type::String; }
    bool isInteger() const { return type == Type::Integer; }
    bool isArray() const { return type == Type::Array; }

    // The integer of an Integer reply or of a String holding a decimal integer.
    std::optional<long long> asInteger() const;
    // The text of a String or Status reply.
    std::optional<std::string_view> asString() const;
};

enum class Failure {
    NotConnected,  // no connection to Redis right now (reconnecting)
    Timeout,       // no answer within the deadline; the connection was recycled
    Disconnected,  // the connection broke before the answer came
};

std::string_view failureName(Failure failure);

class Result {
  public:
    static Result ofReply(Reply reply) { return Result(std::move(reply)); }
    static Result ofFailure(Failure failure, std::string detail) {
        return Result(failure, std::move(detail));
    }

    bool ok() const { return reply_.has_value(); }
    // A reply that is not a Redis error.
    bool succeeded() const { return ok() && !reply_->isError(); }
    const Reply& reply() const { return *reply_; }
    Reply& reply() { return *reply_; }
    Failure failure() const { return failure_; }
    // A sentence for logs: the failure or the Redis error text.
    std::string describe() const;

  private:
    explicit Result(Reply reply) : reply_(std::move(reply)) {}
    Result(Failure failure, std::string detail) : failure_(failure), detail_(std::move(detail)) {}

    std::optional<Reply> reply_;
    Failure failure_ = Failure::NotConnected;
    std::string detail_;
};

}  // namespace deskboard::server::redis
