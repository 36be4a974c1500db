// A worker's memory of the access tokens it has validated in Redis, so that most requests skip
// the token lookup: a round trip to the primary of the {auth} slot that cost a GET about a third
// of its Redis CPU and, on a cluster, sent every request to that one primary (issue 15,
// docs/performance.md).
//
// It is safe only while revocations are heard:
// - every script that revokes a login announces its id on the revocation channel, and the
//   worker's subscriber forgets that login here (forgetLogin);
// - the instance that revokes forgets at once, before it answers;
// - a (re)subscription forgets everything, because announcements may have been missed while away
//   (forgetAll);
// - while the subscription is down, nothing is served or stored (the `hearing` predicate).
// An entry lives at most `lifetime` (DESKBOARD_TOKEN_CACHE_SECONDS) and never past the token's
// own expiry, so a revocation missed on a silently broken connection ends within that time. A
// lookup that a revocation overtook stores nothing (the generation it began in is gone).
// Keys are token hashes, never tokens. One per AuthService, used from its io thread only.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include <deskboard/server/auth/auth_service.h>

namespace deskboard::server::auth {

class AccessTokenCache {
  public:
    using Clock = std::chrono::steady_clock;
    // At most this many tokens (a few hundred bytes each): when full, expired entries go, and if
    // none had expired, all (the next requests look their tokens up again).
    static constexpr std::size_t kCapacity = 10000;

    explicit AccessTokenCache(std::chrono::seconds lifetime);

    // Whether revocations are heard now; until a predicate is set, the cache is off.
    void hearRevocationsThrough(std::function<bool()> hearing);
    bool active() const;

    // The principal of a token validated earlier, while its entry and the token are current.
    std::optional<Principal> find(std::string_view tokenHash, long long unixNow,
                                  Clock::time_point now);
    // Taken before a lookup; store() keeps its answer only if no revocation came in between.
    std::uint64_t generation() const { return generation_; }
    void store(std::string tokenHash, const Principal& principal, std::uint64_t lookupGeneration,
               long long unixNow, Clock::time_point now);

    void forgetLogin(std::string_view loginId);
    void forgetAll();
    std::size_t size() const { return entries_.size(); }

  private:
    struct Entry {
        Principal principal;
        Clock::time_point until;
    };

    std::chrono::seconds lifetime_;
    std::function<bool()> hearing_;
    std::uint64_t generation_ = 0;
    std::unordered_map<std::string, Entry> entries_;
};

}  // namespace deskboard::server::auth
