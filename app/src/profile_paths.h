// Where a profile lives and where its running instance listens.
//   profile: --profile DIR, or the XDG data location (~/.local/share/Deskboard/deskboard).
//   socket:  $XDG_RUNTIME_DIR/deskboard/<hash of the canonical profile path>.sock when
//            XDG_RUNTIME_DIR is usable, else <profile>/run/instance.sock; the folder is the
//            user's alone (mode 0700, owned by us), so no other account can reach the socket.
#pragma once

#include <QString>

namespace deskboard::app {

struct ProfilePaths {
    QString profileDir;  // absolute and canonical
    QString profileId;   // a hash of profileDir: names the socket and the keychain entries
    QString socketDir;
    QString socketPath;
    QString electionLockPath;  // taken while an instance decides whether it is the first
};

// The default profile folder (XDG data location).
QString defaultProfileDir();

// Creates the profile folder (0700) when needed and works out the socket's place, creating
// the socket folder (0700). Returns an error in words on failure (empty on success).
QString resolveProfilePaths(const QString& requestedDir, ProfilePaths& paths);

}  // namespace deskboard::app
