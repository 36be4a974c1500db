#include <deskboard/protocol/history_messages.h>

#include "wire_fields.h"

namespace deskboard::protocol {
namespace {

using wire::invalidBody;
using wire::requireTopLevelObject;

constexpr std::string_view kEventStart = R"({"version":)";

std::string joined(std::string_view prefix, std::string_view key) {
    if (prefix.empty()) {
        return std::string(key);
    }
    std::string path(prefix);
    path += '.';
    path.append(key);
    return path;
}

Expected<HistoryEntry> entryAt(const nlohmann::json& json, std::string_view path) {
    if (!json.is_object()) {
        if (path.empty()) {
            return ApiError{ErrorCode::InvalidBody, "body must be a JSON object"};
        }
        return invalidBody(path, "must be a JSON object");
    }
    HistoryEntry entry;
    auto version = wire::requireInteger(json, "version", 1, joined(path, "version"));
    if (!version) {
        return version.error();
    }
    entry.version = version.value();
    auto modified = wire::requireText(json, "lastModified", joined(path, "lastModified"));
    if (!modified) {
        return modified.error();
    }
    entry.lastModified = std::move(modified).value();
    auto bytes = wire::requireInteger(json, "bytes", 0, joined(path, "bytes"));
    if (!bytes) {
        return bytes.error();
    }
    entry.bytes = bytes.value();
    return entry;
}

nlohmann::json nullable(const std::optional<std::string>& text) {
    return text ? nlohmann::json(*text) : nlohmann::json(nullptr);
}

void appendNullableString(std::string& out, std::optional<std::string_view> text) {
    if (text) {
        wire::appendJsonString(out, *text);
    } else {
        out += "null";
    }
}

// Everything after the version: ,"lastModified":...,"deviceId":...}
void appendEventTail(std::string& out, std::optional<std::string_view> lastModified,
                     std::optional<std::string_view> deviceId) {
    out += R"(,"lastModified":)";
    appendNullableString(out, lastModified);
    out += R"(,"deviceId":)";
    appendNullableString(out, deviceId);
    out += '}';
}

}  // namespace

nlohmann::json toJson(const HistoryEntry& entry) {
    return nlohmann::json{
        {"version", entry.version}, {"lastModified", entry.lastModified}, {"bytes", entry.bytes}};
}

Expected<HistoryEntry> historyEntryFromJson(const nlohmann::json& json) {
    return entryAt(json, "");
}

nlohmann::json toJson(const HistoryResponse& response) {
    nlohmann::json versions = nlohmann::json::array();
    for (const auto& entry : response.versions) {
        versions.push_back(toJson(entry));
    }
    return nlohmann::json{{"versions", std::move(versions)}};
}

Expected<HistoryResponse> historyResponseFromJson(const nlohmann::json& json) {
    if (auto error = requireTopLevelObject(json)) {
        return *error;
    }
    auto array = wire::requireArrayMember(json, "versions", "versions");
    if (!array) {
        return array.error();
    }
    HistoryResponse response;
    response.versions.reserve(array.value()->size());
    for (std::size_t i = 0; i < array.value()->size(); ++i) {
        auto entry = entryAt((*array.value())[i], wire::indexed("versions", i));
        if (!entry) {
            return entry.error();
        }
        response.versions.push_back(std::move(entry).value());
    }
    return response;
}

nlohmann::json toJson(const StateEvent& event) {
    return nlohmann::json{{"version", event.version},
                          {"lastModified", nullable(event.lastModified)},
                          {"deviceId", nullable(event.deviceId)}};
}

Expected<StateEvent> stateEventFromJson(const nlohmann::json& json) {
    if (auto error = requireTopLevelObject(json)) {
        return *error;
    }
    StateEvent event;
    auto version = wire::requireInteger(json, "version", 1, "version");
    if (!version) {
        return version.error();
    }
    event.version = version.value();
    auto modified = wire::requireStringOrNull(json, "lastModified", "lastModified");
    if (!modified) {
        return modified.error();
    }
    event.lastModified = std::move(modified).value();
    auto device = wire::requireStringOrNull(json, "deviceId", "deviceId");
    if (!device) {
        return device.error();
    }
    event.deviceId = std::move(device).value();
    return event;
}

void appendStateEvent(std::string& out, const StateEvent& event) {
    appendStateEvent(out, event.version, event.lastModified, event.deviceId);
}

void appendStateEvent(std::string& out, std::int64_t version,
                      std::optional<std::string_view> lastModified,
                      std::optional<std::string_view> deviceId) {
    out += kEventStart;
    wire::appendInteger(out, version);
    appendEventTail(out, lastModified, deviceId);
}

StateEventFrame stateEventFrame(std::optional<std::string_view> lastModified,
                                std::optional<std::string_view> deviceId) {
    StateEventFrame frame{std::string(kEventStart), {}};
    appendEventTail(frame.afterVersion, lastModified, deviceId);
    return frame;
}

}  // namespace deskboard::protocol
