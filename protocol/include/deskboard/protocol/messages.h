// The wire types of the dashboard state endpoints, as the seed defined them (its zod schemas
// DashboardStateSchema, SaveStateResponseSchema, GetStateResponseSchema), with PRODUCT.md's
// stricter rules: versions are integers in [1, 2^53), `state` is an object, and a conflict
// answer carries the server's copy. Each type converts to JSON and back; conversions from
// JSON validate and name the offending field. The other answers live beside these:
// auth_messages.h (auth and workspaces), history_messages.h (history and the event payload),
// event_stream.h (the Server-Sent Events framing).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include <deskboard/protocol/expected.h>
#include <deskboard/protocol/json_parse.h>

namespace deskboard::protocol {

// Versions are integers a JavaScript client can hold exactly: 1 <= v < 2^53.
inline constexpr std::int64_t kMaxVersion = (std::int64_t{1} << 53) - 1;

// Who won a save: the client's write was stored, or the server's copy stands.
enum class ConflictResolution { Server, Client };

std::string_view conflictResolutionName(ConflictResolution resolution);

// POST /api/dashboard/state body: {version, state, checksum?}.
struct SaveStateRequest {
    std::int64_t version = 1;
    nlohmann::json state = nlohmann::json::object();
    std::optional<std::string> checksum;

    friend bool operator==(const SaveStateRequest&, const SaveStateRequest&) = default;
};

nlohmann::json toJson(const SaveStateRequest& request);
// Shape check only: invalid_body naming the field.
Expected<SaveStateRequest> saveStateRequestFromJson(const nlohmann::json& json);

// A save body that passed every check, with the checksum the server computed for its state.
struct ValidatedSave {
    SaveStateRequest request;
    std::string checksum;
};

// The server's whole validation of a save body: too_large, invalid_json, invalid_body,
// checksum_mismatch, in that order.
Expected<ValidatedSave> parseSaveStateRequest(std::string_view body, const JsonLimits& limits = {});

// The server's copy, as a conflict answer shows it; both empty after a delete.
struct ServerCopy {
    std::optional<nlohmann::json> state;
    std::optional<std::string> lastModified;

    friend bool operator==(const ServerCopy&, const ServerCopy&) = default;
};

// POST /api/dashboard/state answer: {success, serverVersion, conflictResolution?}, and on a
// 409 also {state, lastModified} (null after a delete).
struct SaveStateResponse {
    bool success = false;
    std::int64_t serverVersion = 0;
    std::optional<ConflictResolution> conflictResolution;
    std::optional<ServerCopy> serverCopy;

    friend bool operator==(const SaveStateResponse&, const SaveStateResponse&) = default;
};

nlohmann::json toJson(const SaveStateResponse& response);
Expected<SaveStateResponse> saveStateResponseFromJson(const nlohmann::json& json);

// The server's writers of the save answers, on its hot path: each appends the answer's exact
// text to `out` without building a document. `stateJson` is JSON text the caller vouches for
// (the stored canonical state) and is spliced in as it is; nothing stands for null. Parsed, each
// is toJson() of the matching SaveStateResponse (test protocol.messages).
// 200, written: {"success":true,"serverVersion":v,"conflictResolution":"client"}.
void appendSaveWritten(std::string& out, std::int64_t serverVersion);
// 200, an idempotent retry (nothing written): {"success":true,"serverVersion":v}.
void appendSaveUnchanged(std::string& out, std::int64_t serverVersion);
// 409: {"success":false,"serverVersion":v,"conflictResolution":"server","state":...,
// "lastModified":...}, both null after a delete.
void appendSaveConflict(std::string& out, std::int64_t serverVersion,
                        std::optional<std::string_view> stateJson,
                        std::optional<std::string_view> lastModified);

// GET /api/dashboard/state answer: {version, state, lastModified}.
struct GetStateResponse {
    std::int64_t version = 0;
    nlohmann::json state = nlohmann::json::object();
    std::string lastModified;

    friend bool operator==(const GetStateResponse&, const GetStateResponse&) = default;
};

nlohmann::json toJson(const GetStateResponse& response);
Expected<GetStateResponse> getStateResponseFromJson(const nlohmann::json& json);

// The server's writer of the GET answer (also GET .../history/{version}), with the stored state
// text spliced in as it is: {"version":v,"state":<stateJson>,"lastModified":"..."}.
void appendGetStateResponse(std::string& out, std::int64_t version, std::string_view stateJson,
                            std::string_view lastModified);

// The error body {error, message} as a client reads it; nothing when `json` is not an error
// body with a known code.
std::optional<ApiError> apiErrorFromJson(const nlohmann::json& json);

}  // namespace deskboard::protocol
