// Which copy of the dashboard a store file holds: the anonymous local scope used before any
// sign-in, or one (server, user, workspace). Each scope is kept in its own folder of the profile.
#pragma once

#include <QString>

namespace deskboard::sync {

struct StoreScope {
    QString server;       // base URL, e.g. "https://dash.example.org"; empty for the local scope
    QString userId;       // server-generated id
    QString userName;     // for display
    QString workspaceId;  // server-generated id

    bool isLocal() const { return server.isEmpty(); }
    // The folder name of this scope under <profile>/scopes: "local" or a hash of the triple.
    QString folderName() const;

    friend bool operator==(const StoreScope& a, const StoreScope& b) {
        return a.server == b.server && a.userId == b.userId && a.workspaceId == b.workspaceId;
    }
};

inline StoreScope localScope() {
    return {};
}

}  // namespace deskboard::sync
