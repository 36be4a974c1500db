#include "router.h"

#include <array>

namespace deskboard::server::api {
namespace {

struct RouteEntry {
    Route route;
    std::string_view path;
    std::string_view allow;
};

constexpr std::array kRoutes{
    RouteEntry{Route::Healthz, "/healthz", "GET, HEAD"},
    RouteEntry{Route::Readyz, "/readyz", "GET, HEAD"},
    RouteEntry{Route::Metrics, "/metrics", "GET, HEAD"},
    RouteEntry{Route::Signup, "/api/auth/signup", "POST"},
    RouteEntry{Route::Login, "/api/auth/login", "POST"},
    RouteEntry{Route::Refresh, "/api/auth/refresh", "POST"},
    RouteEntry{Route::Logout, "/api/auth/logout", "POST"},
    RouteEntry{Route::Workspaces, "/api/workspaces", "GET, HEAD, POST"},
    RouteEntry{Route::State, "/api/dashboard/state", "GET, HEAD, POST, DELETE"},
    RouteEntry{Route::StateHistory, "/api/dashboard/state/history", "GET, HEAD"},
    RouteEntry{Route::StateEvents, "/api/dashboard/state/events", "GET"},
};

constexpr std::string_view kHistoryPrefix = "/api/dashboard/state/history/";

}  // namespace

bool RouteMatch::allows(std::string_view method) const {
    std::string_view rest = allow;
    while (!rest.empty()) {
        const auto comma = rest.find(", ");
        if (rest.substr(0, comma) == method) {
            return true;
        }
        rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 2);
    }
    return false;
}

std::optional<RouteMatch> matchRoute(std::string_view path) {
    for (const auto& entry : kRoutes) {
        if (entry.path == path) {
            return RouteMatch{entry.route, entry.path, entry.allow, {}};
        }
    }
    if (path.substr(0, kHistoryPrefix.size()) == kHistoryPrefix) {
        const std::string_view parameter = path.substr(kHistoryPrefix.size());
        if (!parameter.empty() && parameter.find('/') == std::string_view::npos) {
            return RouteMatch{Route::StateHistoryVersion, "/api/dashboard/state/history/{version}",
                              "GET, HEAD", std::string(parameter)};
        }
    }
    return std::nullopt;
}

}  // namespace deskboard::server::api
