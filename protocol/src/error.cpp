#include <array>

#include <nlohmann/json.hpp>

#include <deskboard/protocol/error.h>

namespace deskboard::protocol {
namespace {

struct ErrorRow {
    ErrorCode code;
    int status;
    std::string_view name;
};

constexpr std::array kErrorTable{
    ErrorRow{ErrorCode::InvalidJson, 400, "invalid_json"},
    ErrorRow{ErrorCode::InvalidBody, 400, "invalid_body"},
    ErrorRow{ErrorCode::ChecksumMismatch, 400, "checksum_mismatch"},
    ErrorRow{ErrorCode::InvalidWorkspaceId, 400, "invalid_workspace_id"},
    ErrorRow{ErrorCode::Unauthorized, 401, "unauthorized"},
    ErrorRow{ErrorCode::InvalidCredentials, 401, "invalid_credentials"},
    ErrorRow{ErrorCode::InvalidRefreshToken, 401, "invalid_refresh_token"},
    ErrorRow{ErrorCode::ForbiddenWorkspace, 403, "forbidden_workspace"},
    ErrorRow{ErrorCode::SignupDisabled, 403, "signup_disabled"},
    ErrorRow{ErrorCode::NotFound, 404, "not_found"},
    ErrorRow{ErrorCode::MethodNotAllowed, 405, "method_not_allowed"},
    ErrorRow{ErrorCode::UserExists, 409, "user_exists"},
    ErrorRow{ErrorCode::TooLarge, 413, "too_large"},
    ErrorRow{ErrorCode::UnsupportedMediaType, 415, "unsupported_media_type"},
    ErrorRow{ErrorCode::RateLimited, 429, "rate_limited"},
    ErrorRow{ErrorCode::StorageUnavailable, 503, "storage_unavailable"},
};

constexpr std::array kAllCodes = [] {
    std::array<ErrorCode, kErrorTable.size()> codes{};
    for (std::size_t i = 0; i < kErrorTable.size(); ++i) {
        codes[i] = kErrorTable[i].code;
    }
    return codes;
}();

const ErrorRow& rowOf(ErrorCode code) {
    for (const auto& row : kErrorTable) {
        if (row.code == code) {
            return row;
        }
    }
    // Unreachable for a valid enumerator; an out-of-range cast is a programming error.
    throw std::invalid_argument("unknown ErrorCode value");
}

}  // namespace

std::span<const ErrorCode> allErrorCodes() {
    return kAllCodes;
}

int httpStatus(ErrorCode code) {
    return rowOf(code).status;
}

std::string_view errorName(ErrorCode code) {
    return rowOf(code).name;
}

std::optional<ErrorCode> errorCodeFromName(std::string_view name) {
    for (const auto& row : kErrorTable) {
        if (row.name == name) {
            return row.code;
        }
    }
    return std::nullopt;
}

nlohmann::json toJson(const ApiError& error) {
    return nlohmann::json{{"error", errorName(error.code)}, {"message", error.message}};
}

std::string errorBody(const ApiError& error) {
    return toJson(error).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace deskboard::protocol
