// Redis key names of one user's state in one workspace, exactly the seed's names with the
// braces made a Redis Cluster hash tag: every key of a (user, workspace) pair hashes to the same
// slot, so one script can change them all atomically on a cluster. Only valid identifiers get
// in, so nothing a client sends reaches a key name unchecked.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace deskboard::protocol {

class StateKeys {
  public:
    // Nothing when either id breaks the identifier rule.
    static std::optional<StateKeys> forScope(std::string_view userId, std::string_view workspaceId);

    const std::string& state() const { return state_; }  // dashboard:state:{u:w}
    std::string version() const { return state_ + ":version"; }
    std::string modified() const { return state_ + ":modified"; }
    std::string checksum() const { return state_ + ":checksum"; }
    std::string history() const { return state_ + ":history"; }
    // The pub/sub channel of accepted versions: dashboard:events:{u:w}
    std::string eventsChannel() const { return "dashboard:events:" + hashTag_; }

  private:
    explicit StateKeys(std::string hashTag);

    std::string hashTag_;  // {<user>:<workspace>}
    std::string state_;
};

}  // namespace deskboard::protocol
