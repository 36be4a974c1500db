// A value or the ApiError that explains why there is none. The protocol's parsers and
// validators return this instead of throwing, so hostile input is an ordinary outcome.
#pragma once

#include <stdexcept>
#include <utility>
#include <variant>

#include <deskboard/protocol/error.h>

namespace deskboard::protocol {

template <typename T>
class Expected {
  public:
    Expected(T value) : content_(std::in_place_index<0>, std::move(value)) {}
    Expected(ApiError error) : content_(std::in_place_index<1>, std::move(error)) {}

    bool hasValue() const { return content_.index() == 0; }
    explicit operator bool() const { return hasValue(); }

    const T& value() const& { return std::get<0>(checked()); }
    T& value() & { return std::get<0>(checkedMutable()); }
    T&& value() && { return std::get<0>(std::move(checkedMutable())); }

    const ApiError& error() const {
        if (hasValue()) {
            throw std::logic_error("Expected::error() called on a value");
        }
        return std::get<1>(content_);
    }

  private:
    const std::variant<T, ApiError>& checked() const {
        if (!hasValue()) {
            throw std::logic_error("Expected::value() called on an error: " +
                                   std::get<1>(content_).message);
        }
        return content_;
    }
    std::variant<T, ApiError>& checkedMutable() {
        static_cast<void>(checked());
        return content_;
    }

    std::variant<T, ApiError> content_;
};

}  // namespace deskboard::protocol
