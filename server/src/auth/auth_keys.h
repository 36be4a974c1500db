// Redis key names of the auth module. Every key is built from a normalized, validated user
// name, a server-generated id ([0-9a-f]{32}) or the SHA-256 hex of a token: never from
// unchecked client input, and never from a raw token.
//
// Every auth key carries the one hash tag {auth}, so on a Redis Cluster they all live in one
// slot: each auth script stays one atomic script (a sign-in writes the login, its tokens and the
// user's login set together; a membership change writes two users' sets), and the scripts may
// build keys from ids they read, which a cluster allows only inside the slot of their declared
// keys. The cost: the auth traffic of the whole deployment, the per-request access-token lookup
// included, goes to the primary of that slot (docs/performance.md has what that bounds). Below,
// "deskboard:" stands for "deskboard:{auth}:".
//
// deskboard:users                         set: every user id
// deskboard:user:<userId>                 hash: username (normalized), passwordHash (argon2id),
//                                         createdAt (unix s), personalWorkspace (workspace id)
// deskboard:username:<normalized name>    string: userId (SET NX inside the creating script, so
//                                         of two concurrent sign-ups exactly one wins)
// deskboard:user:<userId>:workspaces      set: ids of the workspaces the user is a member of
// deskboard:user:<userId>:logins          sorted set: loginId -> unix time its last refresh
//                                         token expires (EX refresh TTL; expired members pruned)
// deskboard:workspace:<wsId>              hash: name, owner (userId), createdAt
// deskboard:workspace:<wsId>:members      set: member user ids
// deskboard:login:<loginId>               sorted set: the key names of every token of one sign-in
//                                         (access, refresh, grace) -> unix time that key
//                                         expires; EX refresh TTL. Revoking a login deletes
//                                         every member key and the set; a login is alive while
//                                         this key exists.
// deskboard:token:access:<sha256>         hash: userId, loginId, username, expiresAt; EX access TTL
// deskboard:token:refresh:<sha256>        hash: userId, loginId, username, rotatedAt (set once it
//                                         was rotated; kept until the token's own expiry so a
//                                         later presentation is recognized as reuse); EX refresh
//                                         TTL
// deskboard:token:grace:<sha256 of old refresh token>
//                                         string: nonce + crypto_secretbox of the pair the
//                                         rotation produced, under a key derived from the old
//                                         token (not stored anywhere); EX grace seconds
// deskboard:ratelimit:login:user:<normalized name>   counter of failed logins; EX window
// deskboard:ratelimit:login:addr:<address>           counter of failed logins; EX window
//                                         (<address> as given when it is 1-64 of
//                                         [A-Za-z0-9.:_-], else "sha256-" + its SHA-256 hex)
#pragma once

#include <algorithm>
#include <string>
#include <string_view>

#include <deskboard/protocol/canonical_json.h>

namespace deskboard::server::auth::keys {

// What every auth key starts with.
inline constexpr std::string_view kPrefix = "deskboard:{auth}:";
inline constexpr std::string_view kUsers = "deskboard:{auth}:users";
inline constexpr std::string_view kUserPrefix = "deskboard:{auth}:user:";
inline constexpr std::string_view kUsernamePrefix = "deskboard:{auth}:username:";
inline constexpr std::string_view kWorkspacePrefix = "deskboard:{auth}:workspace:";
inline constexpr std::string_view kLoginPrefix = "deskboard:{auth}:login:";
inline constexpr std::string_view kAccessPrefix = "deskboard:{auth}:token:access:";
inline constexpr std::string_view kRefreshPrefix = "deskboard:{auth}:token:refresh:";
inline constexpr std::string_view kGracePrefix = "deskboard:{auth}:token:grace:";
inline constexpr std::string_view kFailUserPrefix = "deskboard:{auth}:ratelimit:login:user:";
inline constexpr std::string_view kFailAddressPrefix = "deskboard:{auth}:ratelimit:login:addr:";

// Not a key: the pub/sub channel on which every revoked login id is announced (by the scripts
// that revoke; every server instance subscribes).
inline constexpr std::string_view kRevocationChannel = "deskboard:revocations";

inline std::string join(std::string_view prefix, std::string_view rest,
                        std::string_view suffix = {}) {
    std::string key;
    key.reserve(prefix.size() + rest.size() + suffix.size());
    key.append(prefix).append(rest).append(suffix);
    return key;
}

inline std::string user(std::string_view userId) {
    return join(kUserPrefix, userId);
}
inline std::string userWorkspaces(std::string_view userId) {
    return join(kUserPrefix, userId, ":workspaces");
}
inline std::string userLogins(std::string_view userId) {
    return join(kUserPrefix, userId, ":logins");
}
inline std::string username(std::string_view normalized) {
    return join(kUsernamePrefix, normalized);
}
inline std::string workspace(std::string_view workspaceId) {
    return join(kWorkspacePrefix, workspaceId);
}
inline std::string workspaceMembers(std::string_view workspaceId) {
    return join(kWorkspacePrefix, workspaceId, ":members");
}
inline std::string login(std::string_view loginId) {
    return join(kLoginPrefix, loginId);
}
inline std::string accessToken(std::string_view tokenHash) {
    return join(kAccessPrefix, tokenHash);
}
inline std::string refreshToken(std::string_view tokenHash) {
    return join(kRefreshPrefix, tokenHash);
}
inline std::string grace(std::string_view oldRefreshHash) {
    return join(kGracePrefix, oldRefreshHash);
}
inline std::string failedLoginsOfUser(std::string_view normalized) {
    return join(kFailUserPrefix, normalized);
}
// The rate-limit key part for a client address: the address itself when it is harmless in a
// key name (IPv4, IPv6, host names), else its SHA-256.
inline std::string addressKeyPart(const std::string& address) {
    const bool plain = !address.empty() && address.size() <= 64 &&
                       std::all_of(address.begin(), address.end(), [](char c) {
                           return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                                  (c >= '0' && c <= '9') || c == '.' || c == ':' || c == '_' ||
                                  c == '-';
                       });
    return plain ? address : "sha256-" + protocol::sha256Hex(address);
}
// `addressPart`: addressKeyPart() of the client address.
inline std::string failedLoginsOfAddress(std::string_view addressPart) {
    return join(kFailAddressPrefix, addressPart);
}

}  // namespace deskboard::server::auth::keys
