// Internal: moves the auth keys of Deskboard 0.1 (no hash tag: "deskboard:user:<id>", ...) to
// the tagged layout of auth_keys.h ("deskboard:{auth}:user:<id>", ...), so a server upgraded in
// place keeps every account, workspace, sign-in and rate-limit counter. It renames in batches
// (SCAN in a script, a thousand keys a step, so Redis is never blocked for long), keeps every
// TTL, rewrites the members of each login's token set (they are key names, and revoking a login
// deletes them by name), and never overwrites a key of the new layout. Single Redis only: a
// Redis Cluster deployment starts with the tagged layout. serve() runs it once before listening.
#pragma once

#include <functional>
#include <string>

#include <deskboard/server/redis/redis_client.h>

namespace deskboard::server::auth {

struct KeyMigrationResult {
    bool ok = false;
    long long moved = 0;  // keys renamed
    std::string error;    // why it stopped, when !ok
};

// Checks for keys of the 0.1 layout and moves them; calls `done` on the client's io thread.
void migrateAuthKeys(redis::Client& redis, std::function<void(KeyMigrationResult)> done);

}  // namespace deskboard::server::auth
