#include "api_responses.h"

#include <iterator>

#include <deskboard/protocol/messages.h>

namespace deskboard::server::api {

http::Response jsonResponse(int status, std::string body, std::vector<http::Header> headers) {
    return http::Response{status, std::string(kJsonContentType), std::move(body),
                          std::move(headers)};
}

std::string jsonText(const nlohmann::json& json) {
    return json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

http::Response errorResponse(const protocol::ApiError& error, std::vector<http::Header> headers) {
    std::vector<http::Header> all;
    if (error.code == protocol::ErrorCode::Unauthorized) {
        all.push_back({"WWW-Authenticate", "Bearer"});
    }
    if (error.retryAfterSeconds) {
        all.push_back({"Retry-After", std::to_string(*error.retryAfterSeconds)});
    }
    all.insert(all.end(), std::make_move_iterator(headers.begin()),
               std::make_move_iterator(headers.end()));
    return jsonResponse(protocol::httpStatus(error.code), protocol::errorBody(error),
                        std::move(all));
}

void fail(const std::shared_ptr<http::Exchange>& exchange, const protocol::ApiError& error) {
    exchange->respond(errorResponse(error));
}

std::string etag(std::int64_t version) {
    return "\"" + std::to_string(version) + "\"";
}

std::string storedStateBody(const state::StoredState& stored) {
    std::string body;
    protocol::appendGetStateResponse(body, stored.version, stored.stateJson, stored.lastModified);
    return body;
}

}  // namespace deskboard::server::api
