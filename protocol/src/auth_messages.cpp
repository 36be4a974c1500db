#include <deskboard/protocol/auth_messages.h>
#include <deskboard/protocol/identifiers.h>

#include "wire_fields.h"

namespace deskboard::protocol {
namespace {

using wire::invalidBody;
using wire::requireTopLevelObject;

std::string joined(std::string_view prefix, std::string_view key) {
    if (prefix.empty()) {
        return std::string(key);
    }
    std::string path(prefix);
    path += '.';
    path.append(key);
    return path;
}

Expected<std::string> requireIdentifier(const nlohmann::json& object, std::string_view key,
                                        std::string_view path) {
    auto id = wire::requireString(object, key, path);
    if (id && !isValidIdentifier(id.value())) {
        return invalidBody(path, "must be 1-64 of [A-Za-z0-9_-]");
    }
    return id;
}

// `expiresIn`: whole seconds, at least 1.
Expected<std::int64_t> requireLifetime(const nlohmann::json& object) {
    return wire::requireInteger(object, "expiresIn", 1, "expiresIn");
}

// {id, name} at `path` ("" for a whole body).
Expected<WorkspaceInfo> workspaceAt(const nlohmann::json& json, std::string_view path) {
    if (!json.is_object()) {
        if (path.empty()) {
            return ApiError{ErrorCode::InvalidBody, "body must be a JSON object"};
        }
        return invalidBody(path, "must be a JSON object");
    }
    auto id = requireIdentifier(json, "id", joined(path, "id"));
    if (!id) {
        return id.error();
    }
    auto name = wire::requireText(json, "name", joined(path, "name"));
    if (!name) {
        return name.error();
    }
    return WorkspaceInfo{std::move(id).value(), std::move(name).value()};
}

Expected<UserInfo> userAt(const nlohmann::json& json, std::string_view path) {
    if (!json.is_object()) {
        if (path.empty()) {
            return ApiError{ErrorCode::InvalidBody, "body must be a JSON object"};
        }
        return invalidBody(path, "must be a JSON object");
    }
    auto id = requireIdentifier(json, "id", joined(path, "id"));
    if (!id) {
        return id.error();
    }
    auto username = wire::requireText(json, "username", joined(path, "username"));
    if (!username) {
        return username.error();
    }
    return UserInfo{std::move(id).value(), std::move(username).value()};
}

nlohmann::json workspacesJson(const std::vector<WorkspaceInfo>& workspaces) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& workspace : workspaces) {
        list.push_back(toJson(workspace));
    }
    return list;
}

Expected<std::vector<WorkspaceInfo>> requireWorkspaces(const nlohmann::json& object) {
    auto array = wire::requireArrayMember(object, "workspaces", "workspaces");
    if (!array) {
        return array.error();
    }
    std::vector<WorkspaceInfo> workspaces;
    workspaces.reserve(array.value()->size());
    for (std::size_t i = 0; i < array.value()->size(); ++i) {
        auto workspace = workspaceAt((*array.value())[i], wire::indexed("workspaces", i));
        if (!workspace) {
            return workspace.error();
        }
        workspaces.push_back(std::move(workspace).value());
    }
    return workspaces;
}

}  // namespace

nlohmann::json toJson(const Credentials& credentials) {
    return nlohmann::json{{"username", credentials.username}, {"password", credentials.password}};
}

Expected<Credentials> credentialsFromJson(const nlohmann::json& json) {
    if (auto error = requireTopLevelObject(json)) {
        return *error;
    }
    auto username = wire::requireString(json, "username", "username");
    if (!username) {
        return username.error();
    }
    auto password = wire::requireString(json, "password", "password");
    if (!password) {
        return password.error();
    }
    return Credentials{std::move(username).value(), std::move(password).value()};
}

nlohmann::json toJson(const UserInfo& user) {
    return nlohmann::json{{"id", user.id}, {"username", user.username}};
}

Expected<UserInfo> userInfoFromJson(const nlohmann::json& json) {
    return userAt(json, "");
}

nlohmann::json toJson(const WorkspaceInfo& workspace) {
    return nlohmann::json{{"id", workspace.id}, {"name", workspace.name}};
}

Expected<WorkspaceInfo> workspaceInfoFromJson(const nlohmann::json& json) {
    return workspaceAt(json, "");
}

nlohmann::json toJson(const LoginResponse& response) {
    return nlohmann::json{{"accessToken", response.accessToken},
                          {"refreshToken", response.refreshToken},
                          {"expiresIn", response.expiresIn},
                          {"user", toJson(response.user)},
                          {"workspaces", workspacesJson(response.workspaces)}};
}

Expected<LoginResponse> loginResponseFromJson(const nlohmann::json& json) {
    if (auto error = requireTopLevelObject(json)) {
        return *error;
    }
    LoginResponse response;
    auto access = wire::requireText(json, "accessToken", "accessToken");
    if (!access) {
        return access.error();
    }
    response.accessToken = std::move(access).value();
    auto refresh = wire::requireText(json, "refreshToken", "refreshToken");
    if (!refresh) {
        return refresh.error();
    }
    response.refreshToken = std::move(refresh).value();
    auto lifetime = requireLifetime(json);
    if (!lifetime) {
        return lifetime.error();
    }
    response.expiresIn = lifetime.value();
    auto userObject = wire::requireObjectMember(json, "user", "user");
    if (!userObject) {
        return userObject.error();
    }
    auto user = userAt(*userObject.value(), "user");
    if (!user) {
        return user.error();
    }
    response.user = std::move(user).value();
    auto workspaces = requireWorkspaces(json);
    if (!workspaces) {
        return workspaces.error();
    }
    response.workspaces = std::move(workspaces).value();
    return response;
}

nlohmann::json toJson(const RefreshRequest& request) {
    return nlohmann::json{{"refreshToken", request.refreshToken}};
}

Expected<RefreshRequest> refreshRequestFromJson(const nlohmann::json& json) {
    if (auto error = requireTopLevelObject(json)) {
        return *error;
    }
    auto token = wire::requireString(json, "refreshToken", "refreshToken");
    if (!token) {
        return token.error();
    }
    return RefreshRequest{std::move(token).value()};
}

nlohmann::json toJson(const RefreshResponse& response) {
    return nlohmann::json{{"accessToken", response.accessToken},
                          {"refreshToken", response.refreshToken},
                          {"expiresIn", response.expiresIn}};
}

Expected<RefreshResponse> refreshResponseFromJson(const nlohmann::json& json) {
    if (auto error = requireTopLevelObject(json)) {
        return *error;
    }
    RefreshResponse response;
    auto access = wire::requireText(json, "accessToken", "accessToken");
    if (!access) {
        return access.error();
    }
    response.accessToken = std::move(access).value();
    auto refresh = wire::requireText(json, "refreshToken", "refreshToken");
    if (!refresh) {
        return refresh.error();
    }
    response.refreshToken = std::move(refresh).value();
    auto lifetime = requireLifetime(json);
    if (!lifetime) {
        return lifetime.error();
    }
    response.expiresIn = lifetime.value();
    return response;
}

nlohmann::json toJson(const SuccessResponse& response) {
    return nlohmann::json{{"success", response.success}};
}

Expected<SuccessResponse> successResponseFromJson(const nlohmann::json& json) {
    if (auto error = requireTopLevelObject(json)) {
        return *error;
    }
    auto success = wire::requireBoolean(json, "success", "success");
    if (!success) {
        return success.error();
    }
    return SuccessResponse{success.value()};
}

nlohmann::json toJson(const WorkspaceList& list) {
    return nlohmann::json{{"workspaces", workspacesJson(list.workspaces)}};
}

Expected<WorkspaceList> workspaceListFromJson(const nlohmann::json& json) {
    if (auto error = requireTopLevelObject(json)) {
        return *error;
    }
    auto workspaces = requireWorkspaces(json);
    if (!workspaces) {
        return workspaces.error();
    }
    return WorkspaceList{std::move(workspaces).value()};
}

nlohmann::json toJson(const CreateWorkspaceRequest& request) {
    return nlohmann::json{{"name", request.name}};
}

Expected<CreateWorkspaceRequest> createWorkspaceRequestFromJson(const nlohmann::json& json) {
    if (auto error = requireTopLevelObject(json)) {
        return *error;
    }
    auto name = wire::requireString(json, "name", "name");
    if (!name) {
        return name.error();
    }
    return CreateWorkspaceRequest{std::move(name).value()};
}

}  // namespace deskboard::protocol
