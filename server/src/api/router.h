// Internal: the API's routes. Maps a request path to one route (with its template for logs and
// metrics, and the methods it allows), so the handler can answer 404 for unknown paths and
// 405 with Allow for known paths and other methods.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace deskboard::server::api {

enum class Route {
    Healthz,
    Readyz,
    Metrics,
    Signup,
    Login,
    Refresh,
    Logout,
    Workspaces,
    State,
    StateHistory,
    StateHistoryVersion,
    StateEvents,
};

struct RouteMatch {
    Route route;
    std::string_view pattern;  // e.g. "/api/dashboard/state/history/{version}"
    std::string_view allow;    // the Allow header, e.g. "GET, POST, DELETE"
    std::string parameter;     // the {version} segment, when the route has one

    // HEAD is answered like GET.
    bool allows(std::string_view method) const;
};

std::optional<RouteMatch> matchRoute(std::string_view path);

}  // namespace deskboard::server::api
