// The wire types of sign-in and workspaces (PRODUCT.md section 2, "Auth and workspaces";
// docs/openapi.yaml has the schemas): the requests the client sends and the answers the server
// writes, in one place so both ends agree on every field. As in messages.h, toJson() writes a
// type and xxxFromJson() reads one, refusing the wrong shape with invalid_body naming the
// offending field (nested fields as "user.id", "workspaces[2].name").
//
// Request parsers check the shape only (strings where strings belong): the rules on user names,
// passwords and workspace names are the server's (identifiers.h), because a login with a
// malformed name must answer invalid_credentials like any wrong name, not invalid_body.
// Answer parsers are the client's and also check what the client relies on: ids are
// identifiers (they travel back in X-Workspace-Id), tokens are not empty, expiresIn >= 1.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <deskboard/protocol/expected.h>

namespace deskboard::protocol {

// POST /api/auth/login and POST /api/auth/signup body: {username, password}.
struct Credentials {
    std::string username;
    std::string password;

    friend bool operator==(const Credentials&, const Credentials&) = default;
};

nlohmann::json toJson(const Credentials& credentials);
Expected<Credentials> credentialsFromJson(const nlohmann::json& json);

// The signed-in user: {id, username}.
struct UserInfo {
    std::string id;
    std::string username;

    friend bool operator==(const UserInfo&, const UserInfo&) = default;
};

nlohmann::json toJson(const UserInfo& user);
Expected<UserInfo> userInfoFromJson(const nlohmann::json& json);

// A workspace: {id, name}. Also the POST /api/workspaces answer (201).
struct WorkspaceInfo {
    std::string id;
    std::string name;

    friend bool operator==(const WorkspaceInfo&, const WorkspaceInfo&) = default;
};

nlohmann::json toJson(const WorkspaceInfo& workspace);
Expected<WorkspaceInfo> workspaceInfoFromJson(const nlohmann::json& json);

// Login and sign-up answer: {accessToken, refreshToken, expiresIn, user, workspaces}
// (expiresIn: seconds the access token lives).
struct LoginResponse {
    std::string accessToken;
    std::string refreshToken;
    std::int64_t expiresIn = 0;
    UserInfo user;
    std::vector<WorkspaceInfo> workspaces;

    friend bool operator==(const LoginResponse&, const LoginResponse&) = default;
};

nlohmann::json toJson(const LoginResponse& response);
Expected<LoginResponse> loginResponseFromJson(const nlohmann::json& json);

// POST /api/auth/refresh body: {refreshToken}. An empty or malformed token is a well-formed
// request (the server answers invalid_refresh_token).
struct RefreshRequest {
    std::string refreshToken;

    friend bool operator==(const RefreshRequest&, const RefreshRequest&) = default;
};

nlohmann::json toJson(const RefreshRequest& request);
Expected<RefreshRequest> refreshRequestFromJson(const nlohmann::json& json);

// POST /api/auth/refresh answer: {accessToken, refreshToken, expiresIn}.
struct RefreshResponse {
    std::string accessToken;
    std::string refreshToken;
    std::int64_t expiresIn = 0;

    friend bool operator==(const RefreshResponse&, const RefreshResponse&) = default;
};

nlohmann::json toJson(const RefreshResponse& response);
Expected<RefreshResponse> refreshResponseFromJson(const nlohmann::json& json);

// {success}: the POST /api/auth/logout answer (always true) and the DELETE
// /api/dashboard/state answer (false when there was nothing to delete).
struct SuccessResponse {
    bool success = false;

    friend bool operator==(const SuccessResponse&, const SuccessResponse&) = default;
};

nlohmann::json toJson(const SuccessResponse& response);
Expected<SuccessResponse> successResponseFromJson(const nlohmann::json& json);

// GET /api/workspaces answer: {workspaces: [{id, name}]}.
struct WorkspaceList {
    std::vector<WorkspaceInfo> workspaces;

    friend bool operator==(const WorkspaceList&, const WorkspaceList&) = default;
};

nlohmann::json toJson(const WorkspaceList& list);
Expected<WorkspaceList> workspaceListFromJson(const nlohmann::json& json);

// POST /api/workspaces body: {name}.
struct CreateWorkspaceRequest {
    std::string name;

    friend bool operator==(const CreateWorkspaceRequest&, const CreateWorkspaceRequest&) = default;
};

nlohmann::json toJson(const CreateWorkspaceRequest& request);
Expected<CreateWorkspaceRequest> createWorkspaceRequestFromJson(const nlohmann::json& json);

}  // namespace deskboard::protocol
