// Internal: reading what the API needs from a request's header, shared by the auth endpoints
// and the state handlers so each header is parsed one way: versions in paths and validators,
// If-None-Match, Content-Type, the bearer token and the client's address behind proxies.
// Pure functions of the header text; none of them answers the request.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <deskboard/server/http/http_types.h>

namespace deskboard::server::api {

// `text` without leading and trailing spaces and tabs.
std::string_view trimmed(std::string_view text);

// A decimal version in [minimum, 2^53); nothing for anything else.
std::optional<std::int64_t> parseVersion(std::string_view text, std::int64_t minimum = 1);

// The version named by an If-None-Match header such as "7", W/"7" or a list of them: the
// first entry that is a version.
std::optional<std::int64_t> ifNoneMatchVersion(std::string_view header);

// Whether a Content-Type names application/json (any parameters, any case).
bool isJsonMediaType(std::string_view contentType);

// The token of "Authorization: Bearer <token>"; nothing when absent or malformed.
std::optional<std::string> bearerToken(const http::RequestHead& head);

// The client's address: the peer, or behind a trusted proxy the last X-Forwarded-For entry that
// is not itself a trusted proxy.
std::string clientAddress(const http::RequestHead& head, const std::vector<std::string>& proxies);

}  // namespace deskboard::server::api
