#include <deskboard/protocol/identifiers.h>
#include <deskboard/protocol/redis_keys.h>

namespace deskboard::protocol {

std::optional<StateKeys> StateKeys::forScope(std::string_view userId,
                                             std::string_view workspaceId) {
    if (!isValidIdentifier(userId) || !isValidIdentifier(workspaceId)) {
        return std::nullopt;
    }
    std::string tag;
    tag.reserve(userId.size() + workspaceId.size() + 3);
    tag.append("{").append(userId).append(":").append(workspaceId).append("}");
    return StateKeys(std::move(tag));
}

StateKeys::StateKeys(std::string hashTag)
    : hashTag_(std::move(hashTag)), state_("dashboard:state:" + hashTag_) {}

}  // namespace deskboard::protocol
