// Internal: counts open event streams per user across all workers of the process, so one user
// cannot hold more than DESKBOARD_MAX_STREAMS_PER_USER of them.
#pragma once

#include <map>
#include <mutex>
#include <string>

namespace deskboard::server::api {

class StreamLimiter {
  public:
    explicit StreamLimiter(int maxPerUser) : maxPerUser_(maxPerUser) {}

    bool tryAcquire(const std::string& userId) {
        const std::lock_guard lock(mutex_);
        int& count = open_[userId];
        if (count >= maxPerUser_) {
            return false;
        }
        ++count;
        return true;
    }

    void release(const std::string& userId) {
        const std::lock_guard lock(mutex_);
        const auto it = open_.find(userId);
        if (it != open_.end() && --it->second <= 0) {
            open_.erase(it);
        }
    }

  private:
    const int maxPerUser_;
    std::mutex mutex_;
    std::map<std::string, int> open_;
};

}  // namespace deskboard::server::api
