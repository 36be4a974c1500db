// The server process's memory of the access tokens its workers have validated in Redis, so that
// most requests skip the token lookup: a round trip to the primary of the {auth} slot that cost a
// GET about a third of its Redis CPU and, on a cluster, sent every request to that one primary
// (issue 15, docs/performance.md). One per process, shared by the workers (a mutex guards it), so
// a revocation on one worker ends the token on all of them at once.
//
// It is safe only while revocations are heard:
// - every script that revokes a login announces its id on the revocation channel, and each
//   worker's subscriber forgets that login here (forgetLogin);
// - the worker that revokes forgets at once, before it answers;
// - it serves and stores only while every worker's subscriber is subscribed (listeners); a
//   subscriber that subscribes again forgets everything, since announcements may have been
//   missed while it was away.
// An entry lives at most `lifetime` (DESKBOARD_TOKEN_CACHE_SECONDS) and never past the token's
// own expiry, so a revocation missed on a silently broken connection ends within that time. A
// lookup that a revocation overtook stores nothing (the generation it began in is gone). Keys
// are token hashes, never tokens.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <deskboard/server/auth/auth_service.h>

namespace deskboard::server::auth {

class AccessTokenCache {
  public:
    using Clock = std::chrono::steady_clock;
    // At most this many tokens (a few hundred bytes each): when full, expired entries go, and if
    // none had expired, all (the next requests look their tokens up again).
    static constexpr std::size_t kCapacity = 10000;

    explicit AccessTokenCache(std::chrono::seconds lifetime);

    // A subscriber of the revocation channel; it starts deaf. The cache works only while every
    // listener hears (and at least one exists).
    std::size_t addListener();
    // Hearing again after being deaf forgets everything.
    void setHearing(std::size_t listener, bool hearing);
    bool active() const;

    // The principal of a token validated earlier, while its entry and the token are current.
    std::optional<Principal> find(std::string_view tokenHash, long long unixNow,
                                  Clock::time_point now);
    // Taken before a lookup; store() keeps its answer only if no revocation came in between.
    std::uint64_t generation() const;
    void store(std::string tokenHash, const Principal& principal, std::uint64_t lookupGeneration,
               long long unixNow, Clock::time_point now);

    void forgetLogin(std::string_view loginId);
    void forgetAll();
    std::size_t size() const;

  private:
    struct Entry {
        Principal principal;
        Clock::time_point until;
    };

    bool activeLocked() const;
    void forgetAllLocked();

    const std::chrono::seconds lifetime_;
    mutable std::mutex mutex_;
    std::vector<bool> hearing_;  // by listener
    std::uint64_t generation_ = 0;
    std::unordered_map<std::string, Entry> entries_;
};

}  // namespace deskboard::server::auth
