// PRODUCT.md's save rule as a pure function: what the server does with a POST of version v
// when it holds version cur. The server's Redis script implements the same table and is
// tested against this function.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace deskboard::protocol {

enum class SaveOutcome {
    Accept,      // v > cur: write, 200 conflictResolution "client"
    Idempotent,  // v == cur and the same content is stored: 200, nothing written
    Conflict,    // anything else: no write, 409 with the server's copy
};

// `currentVersion`: 0 when nothing was ever stored. `storedChecksum`: the checksum of the
// stored state, or nothing when no state is stored (never saved, or deleted).
SaveOutcome decideSave(std::int64_t currentVersion, std::optional<std::string_view> storedChecksum,
                       std::int64_t incomingVersion, std::string_view incomingChecksum);

}  // namespace deskboard::protocol
