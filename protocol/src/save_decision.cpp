#include <deskboard/protocol/save_decision.h>

namespace deskboard::protocol {

SaveOutcome decideSave(std::int64_t currentVersion, std::optional<std::string_view> storedChecksum,
                       std::int64_t incomingVersion, std::string_view incomingChecksum) {
    if (incomingVersion > currentVersion) {
        return SaveOutcome::Accept;
    }
    if (incomingVersion == currentVersion && storedChecksum &&
        *storedChecksum == incomingChecksum) {
        return SaveOutcome::Idempotent;
    }
    return SaveOutcome::Conflict;
}

}  // namespace deskboard::protocol
