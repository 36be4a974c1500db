// Internal: how the API's handlers build their answers, shared by the router, the auth and
// workspace endpoints and the state handlers so every answer carries the same content type, the
// same error headers (WWW-Authenticate on 401, Retry-After when rate limited) and a body written
// through the protocol library's wire types, never by hand.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include <deskboard/protocol/error.h>
#include <deskboard/server/http/exchange.h>
#include <deskboard/server/state/state_service.h>

namespace deskboard::server::api {

inline constexpr std::string_view kJsonContentType = "application/json; charset=utf-8";

// An answer with a JSON body already written (by a protocol writer).
http::Response jsonResponse(int status, std::string body, std::vector<http::Header> headers = {});

// The body text of a protocol type's toJson(). Never throws: invalid UTF-8 would become U+FFFD.
std::string jsonText(const nlohmann::json& json);

// An answer whose body is `message` written through its protocol toJson().
template <typename Message>
http::Response messageResponse(int status, const Message& message,
                               std::vector<http::Header> headers = {}) {
    return jsonResponse(status, jsonText(toJson(message)), std::move(headers));
}

// The error body {error, message} with the code's HTTP status, WWW-Authenticate: Bearer on
// unauthorized, Retry-After when the error carries one, and `headers` after those.
http::Response errorResponse(const protocol::ApiError& error,
                             std::vector<http::Header> headers = {});

// Answers `exchange` with errorResponse(error).
void fail(const std::shared_ptr<http::Exchange>& exchange, const protocol::ApiError& error);

// The ETag of a stored version: "7" (quotes included).
std::string etag(std::int64_t version);

// The GET .../state and GET .../history/{version} body {version, state, lastModified}, with the
// stored state text spliced in as it is (protocol::appendGetStateResponse).
std::string storedStateBody(const state::StoredState& stored);

}  // namespace deskboard::server::api
