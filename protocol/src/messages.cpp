#include <deskboard/protocol/canonical_json.h>
#include <deskboard/protocol/messages.h>

#include "wire_fields.h"

namespace deskboard::protocol {
namespace {

using wire::invalidBody;
using wire::requireTopLevelObject;

Expected<std::int64_t> requireVersion(const nlohmann::json& object, std::string_view field,
                                      std::int64_t minimum) {
    return wire::requireInteger(object, field, minimum, field);
}

Expected<std::string> requireString(const nlohmann::json& object, std::string_view field) {
    return wire::requireString(object, field, field);
}

Expected<nlohmann::json> requireObject(const nlohmann::json& object, std::string_view field) {
    auto member = wire::requireObjectMember(object, field, field);
    if (!member) {
        return member.error();
    }
    return *member.value();
}

}  // namespace

std::string_view conflictResolutionName(ConflictResolution resolution) {
    return resolution == ConflictResolution::Server ? "server" : "client";
}

nlohmann::json toJson(const SaveStateRequest& request) {
    nlohmann::json json{{"version", request.version}, {"state", request.state}};
    if (request.checksum) {
        json["checksum"] = *request.checksum;
    }
    return json;
}

Expected<SaveStateRequest> saveStateRequestFromJson(const nlohmann::json& json) {
    if (auto error = requireTopLevelObject(json)) {
        return *error;
    }
    SaveStateRequest request;
    auto version = requireVersion(json, "version", 1);
    if (!version) {
        return version.error();
    }
    request.version = version.value();
    auto state = requireObject(json, "state");
    if (!state) {
        return state.error();
    }
    request.state = std::move(state).value();
    if (json.contains("checksum")) {
        auto checksum = requireString(json, "checksum");
        if (!checksum) {
            return checksum.error();
        }
        request.checksum = std::move(checksum).value();
    }
    return request;
}

Expected<ValidatedSave> parseSaveStateRequest(std::string_view body, const JsonLimits& limits) {
    auto json = parseJson(body, limits);
    if (!json) {
        return json.error();
    }
    auto request = saveStateRequestFromJson(json.value());
    if (!request) {
        return request.error();
    }
    ValidatedSave save{std::move(request).value(), {}};
    save.checksum = stateChecksum(save.request.state);
    if (save.request.checksum && *save.request.checksum != save.checksum) {
        return ApiError{ErrorCode::ChecksumMismatch,
                        "checksum is not the SHA-256 of the state's canonical JSON (RFC 8785)"};
    }
    return save;
}

nlohmann::json toJson(const SaveStateResponse& response) {
    nlohmann::json json{{"success", response.success}, {"serverVersion", response.serverVersion}};
    if (response.conflictResolution) {
        json["conflictResolution"] = conflictResolutionName(*response.conflictResolution);
    }
    if (response.serverCopy) {
        json["state"] = response.serverCopy->state.value_or(nullptr);
        json["lastModified"] = response.serverCopy->lastModified
                                   ? nlohmann::json(*response.serverCopy->lastModified)
                                   : nlohmann::json(nullptr);
    }
    return json;
}

Expected<SaveStateResponse> saveStateResponseFromJson(const nlohmann::json& json) {
    if (auto error = requireTopLevelObject(json)) {
        return *error;
    }
    SaveStateResponse response;
    const auto success = json.find("success");
    if (success == json.end() || !success->is_boolean()) {
        return invalidBody("success", "must be a boolean");
    }
    response.success = success->get<bool>();
    auto version = requireVersion(json, "serverVersion", 0);
    if (!version) {
        return version.error();
    }
    response.serverVersion = version.value();
    if (const auto it = json.find("conflictResolution"); it != json.end()) {
        if (*it == "server") {
            response.conflictResolution = ConflictResolution::Server;
        } else if (*it == "client") {
            response.conflictResolution = ConflictResolution::Client;
        } else {
            return invalidBody("conflictResolution", "must be \"server\" or \"client\"");
        }
    }
    if (const auto state = json.find("state"); state != json.end()) {
        ServerCopy copy;
        if (state->is_object()) {
            copy.state = *state;
        } else if (!state->is_null()) {
            return invalidBody("state", "must be a JSON object or null");
        }
        const auto modified = json.find("lastModified");
        if (modified != json.end() && modified->is_string()) {
            copy.lastModified = modified->get<std::string>();
        } else if (modified != json.end() && !modified->is_null()) {
            return invalidBody("lastModified", "must be a string or null");
        }
        response.serverCopy = std::move(copy);
    }
    return response;
}

nlohmann::json toJson(const GetStateResponse& response) {
    return nlohmann::json{{"version", response.version},
                          {"state", response.state},
                          {"lastModified", response.lastModified}};
}

Expected<GetStateResponse> getStateResponseFromJson(const nlohmann::json& json) {
    if (auto error = requireTopLevelObject(json)) {
        return *error;
    }
    GetStateResponse response;
    auto version = requireVersion(json, "version", 1);
    if (!version) {
        return version.error();
    }
    response.version = version.value();
    auto state = requireObject(json, "state");
    if (!state) {
        return state.error();
    }
    response.state = std::move(state).value();
    auto modified = requireString(json, "lastModified");
    if (!modified) {
        return modified.error();
    }
    response.lastModified = std::move(modified).value();
    return response;
}

void appendSaveWritten(std::string& out, std::int64_t serverVersion) {
    out.reserve(out.size() + 80);  // one allocation for the whole answer
    out += R"({"success":true,"serverVersion":)";
    wire::appendInteger(out, serverVersion);
    out += R"(,"conflictResolution":"client"})";
}

void appendSaveUnchanged(std::string& out, std::int64_t serverVersion) {
    out.reserve(out.size() + 80);  // one allocation for the whole answer
    out += R"({"success":true,"serverVersion":)";
    wire::appendInteger(out, serverVersion);
    out += '}';
}

void appendSaveConflict(std::string& out, std::int64_t serverVersion,
                        std::optional<std::string_view> stateJson,
                        std::optional<std::string_view> lastModified) {
    out.reserve(out.size() + (stateJson ? stateJson->size() : 0) + 128);
    out += R"({"success":false,"serverVersion":)";
    wire::appendInteger(out, serverVersion);
    out += R"(,"conflictResolution":"server","state":)";
    out.append(stateJson.value_or("null"));
    out += R"(,"lastModified":)";
    if (lastModified) {
        wire::appendJsonString(out, *lastModified);
    } else {
        out += "null";
    }
    out += '}';
}

void appendGetStateResponse(std::string& out, std::int64_t version, std::string_view stateJson,
                            std::string_view lastModified) {
    out.reserve(out.size() + stateJson.size() + lastModified.size() + 64);
    out += R"({"version":)";
    wire::appendInteger(out, version);
    out += R"(,"state":)";
    out.append(stateJson);
    out += R"(,"lastModified":)";
    wire::appendJsonString(out, lastModified);
    out += '}';
}

std::optional<ApiError> apiErrorFromJson(const nlohmann::json& json) {
    if (!json.is_object()) {
        return std::nullopt;
    }
    const auto name = json.find("error");
    const auto message = json.find("message");
    if (name == json.end() || !name->is_string() || message == json.end() ||
        !message->is_string()) {
        return std::nullopt;
    }
    const auto code = errorCodeFromName(name->get_ref<const std::string&>());
    if (!code) {
        return std::nullopt;
    }
    return ApiError{*code, message->get<std::string>()};
}

}  // namespace deskboard::protocol
