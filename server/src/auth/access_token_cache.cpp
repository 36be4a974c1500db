#include "access_token_cache.h"

#include <algorithm>
#include <utility>

namespace deskboard::server::auth {

AccessTokenCache::AccessTokenCache(std::chrono::seconds lifetime)
    : lifetime_(std::max(lifetime, std::chrono::seconds(0))) {}

void AccessTokenCache::hearRevocationsThrough(std::function<bool()> hearing) {
    hearing_ = std::move(hearing);
    forgetAll();
}

bool AccessTokenCache::active() const {
    return lifetime_.count() > 0 && hearing_ && hearing_();
}

std::optional<Principal> AccessTokenCache::find(std::string_view tokenHash, long long unixNow,
                                                Clock::time_point now) {
    if (entries_.empty() || !active()) {
        return std::nullopt;
    }
    const auto it = entries_.find(std::string(tokenHash));
    if (it == entries_.end()) {
        return std::nullopt;
    }
    if (it->second.until <= now || it->second.principal.expiresAt <= unixNow) {
        entries_.erase(it);
        return std::nullopt;
    }
    return it->second.principal;
}

void AccessTokenCache::store(std::string tokenHash, const Principal& principal,
                             std::uint64_t lookupGeneration, long long unixNow,
                             Clock::time_point now) {
    if (lookupGeneration != generation_ || principal.expiresAt <= unixNow || !active()) {
        return;
    }
    if (entries_.size() >= kCapacity) {
        std::erase_if(entries_, [&](const auto& item) {
            return item.second.until <= now || item.second.principal.expiresAt <= unixNow;
        });
        if (entries_.size() >= kCapacity) {
            entries_.clear();
        }
    }
    entries_.insert_or_assign(std::move(tokenHash), Entry{principal, now + lifetime_});
}

void AccessTokenCache::forgetLogin(std::string_view loginId) {
    ++generation_;
    std::erase_if(entries_,
                  [&](const auto& item) { return item.second.principal.loginId == loginId; });
}

void AccessTokenCache::forgetAll() {
    ++generation_;
    entries_.clear();
}

}  // namespace deskboard::server::auth
