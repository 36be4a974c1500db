// The wire types of the state history and of the live-update event (PRODUCT.md section 2,
// "History" and "Live updates"; docs/openapi.yaml HistoryList and StateEvent), beside the save
// and read answers of messages.h (GET .../history/{version} answers a GetStateResponse). As
// there, toJson() writes, xxxFromJson() reads and names the offending field on invalid_body.
// The event payload also has an append-style writer: the server writes one per accepted save.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include <deskboard/protocol/expected.h>

namespace deskboard::protocol {

// One stored version: {version, lastModified, bytes} (bytes: the size of that state as stored).
struct HistoryEntry {
    std::int64_t version = 0;
    std::string lastModified;
    std::int64_t bytes = 0;

    friend bool operator==(const HistoryEntry&, const HistoryEntry&) = default;
};

nlohmann::json toJson(const HistoryEntry& entry);
Expected<HistoryEntry> historyEntryFromJson(const nlohmann::json& json);

// GET /api/dashboard/state/history answer: {versions: [...]}, newest first.
struct HistoryResponse {
    std::vector<HistoryEntry> versions;

    friend bool operator==(const HistoryResponse&, const HistoryResponse&) = default;
};

nlohmann::json toJson(const HistoryResponse& response);
Expected<HistoryResponse> historyResponseFromJson(const nlohmann::json& json);

// The data of one `version` event on the event stream: {version, lastModified, deviceId}, all
// three always present. lastModified is when that version was saved (for a delete, when it was
// deleted); it is null only in the catch-up event a reconnecting client gets when the current
// version is a delete. deviceId is the saving or deleting request's X-Device-Id, null without.
struct StateEvent {
    std::int64_t version = 0;
    std::optional<std::string> lastModified;
    std::optional<std::string> deviceId;

    friend bool operator==(const StateEvent&, const StateEvent&) = default;
};

nlohmann::json toJson(const StateEvent& event);
Expected<StateEvent> stateEventFromJson(const nlohmann::json& json);

// The event's exact text, {"version":v,"lastModified":...,"deviceId":...}, appended to `out`
// (strings escaped; invalid UTF-8 becomes U+FFFD). Parsed, it is toJson() of the same event.
void appendStateEvent(std::string& out, const StateEvent& event);
void appendStateEvent(std::string& out, std::int64_t version,
                      std::optional<std::string_view> lastModified,
                      std::optional<std::string_view> deviceId);

// The event's text around its version, for a writer that learns the version last (the server's
// delete script takes it from an INCR inside Redis): beforeVersion + decimal version +
// afterVersion is exactly what appendStateEvent writes.
struct StateEventFrame {
    std::string beforeVersion;
    std::string afterVersion;
};

StateEventFrame stateEventFrame(std::optional<std::string_view> lastModified,
                                std::optional<std::string_view> deviceId);

}  // namespace deskboard::protocol
