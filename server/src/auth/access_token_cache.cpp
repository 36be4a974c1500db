#include "access_token_cache.h"

#include <algorithm>
#include <utility>

namespace deskboard::server::auth {

AccessTokenCache::AccessTokenCache(std::chrono::seconds lifetime)
    : lifetime_(std::max(lifetime, std::chrono::seconds(0))) {}

std::size_t AccessTokenCache::addListener() {
    const std::lock_guard lock(mutex_);
    hearing_.push_back(false);
    return hearing_.size() - 1;
}

void AccessTokenCache::setHearing(std::size_t listener, bool hearing) {
    const std::lock_guard lock(mutex_);
    if (listener >= hearing_.size()) {
        return;
    }
    if (hearing && !hearing_[listener]) {
        forgetAllLocked();  // what was announced while it was away was not heard
    }
    hearing_[listener] = hearing;
}

bool AccessTokenCache::active() const {
    const std::lock_guard lock(mutex_);
    return activeLocked();
}

bool AccessTokenCache::activeLocked() const {
    return lifetime_.count() > 0 && !hearing_.empty() &&
           std::all_of(hearing_.begin(), hearing_.end(), [](bool hears) { return hears; });
}

std::optional<Principal> AccessTokenCache::find(std::string_view tokenHash, long long unixNow,
                                                Clock::time_point now) {
    const std::lock_guard lock(mutex_);
    if (entries_.empty() || !activeLocked()) {
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

std::uint64_t AccessTokenCache::generation() const {
    const std::lock_guard lock(mutex_);
    return generation_;
}

void AccessTokenCache::store(std::string tokenHash, const Principal& principal,
                             std::uint64_t lookupGeneration, long long unixNow,
                             Clock::time_point now) {
    const std::lock_guard lock(mutex_);
    if (lookupGeneration != generation_ || principal.expiresAt <= unixNow || !activeLocked()) {
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
    const std::lock_guard lock(mutex_);
    ++generation_;
    std::erase_if(entries_,
                  [&](const auto& item) { return item.second.principal.loginId == loginId; });
}

void AccessTokenCache::forgetAll() {
    const std::lock_guard lock(mutex_);
    forgetAllLocked();
}

void AccessTokenCache::forgetAllLocked() {
    ++generation_;
    entries_.clear();
}

std::size_t AccessTokenCache::size() const {
    const std::lock_guard lock(mutex_);
    return entries_.size();
}

}  // namespace deskboard::server::auth
