// The state API's error vocabulary (PRODUCT.md section 2): every refusal the server can give,
// its HTTP status, and the JSON body `{"error": "<code>", "message": "<human text>"}` that
// carries it. One table, shared by the server that writes these bodies and the client that
// reads them.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

namespace deskboard::protocol {

enum class ErrorCode {
    InvalidJson,
    InvalidBody,
    ChecksumMismatch,
    InvalidWorkspaceId,
    Unauthorized,
    InvalidCredentials,
    InvalidRefreshToken,
    ForbiddenWorkspace,
    SignupDisabled,
    NotFound,
    MethodNotAllowed,
    UserExists,
    TooLarge,
    UnsupportedMediaType,
    RateLimited,
    StorageUnavailable,
};

// Every code, in the order of PRODUCT.md's table.
std::span<const ErrorCode> allErrorCodes();

// The HTTP status that carries the code (400, 401, 403, ...).
int httpStatus(ErrorCode code);

// The wire name of the code, e.g. "invalid_json".
std::string_view errorName(ErrorCode code);

// The code with that wire name, or nothing for an unknown name.
std::optional<ErrorCode> errorCodeFromName(std::string_view name);

// An error as it travels: the code and a message for humans (which names the offending field
// for invalid_body).
struct ApiError {
    ErrorCode code;
    std::string message;
    // For rate_limited: when to try again (the Retry-After header).
    std::optional<long long> retryAfterSeconds = std::nullopt;

    friend bool operator==(const ApiError&, const ApiError&) = default;
};

nlohmann::json toJson(const ApiError& error);

// The body text of an error answer, e.g. {"error":"not_found","message":"..."}.
std::string errorBody(const ApiError& error);

}  // namespace deskboard::protocol
