// The errors the AuthService answers with, and their texts, in one place. A text never echoes
// unchecked client input (a user name only once it passed the user name rule).
#pragma once

#include <string>

#include <deskboard/protocol/error.h>
#include <deskboard/protocol/identifiers.h>
#include <deskboard/server/redis/redis_reply.h>

namespace deskboard::server::auth::errors {

using protocol::ApiError;
using protocol::ErrorCode;

// --- storage ---

inline ApiError storageError(const redis::Result& result) {
    if (!result.ok()) {
        return {ErrorCode::StorageUnavailable,
                "the storage is unavailable (" + std::string(redis::failureName(result.failure())) +
                    ")"};
    }
    return {ErrorCode::StorageUnavailable, "the storage refused the request"};
}

inline ApiError malformedReply() {
    return {ErrorCode::StorageUnavailable, "the storage gave an unexpected answer"};
}

inline ApiError hashFailed() {
    return {ErrorCode::StorageUnavailable, "the password could not be hashed (out of memory)"};
}

// --- credentials and tokens ---

inline ApiError invalidCredentials() {
    return {ErrorCode::InvalidCredentials, "wrong user name or password"};
}

inline ApiError rateLimited(long long retryAfterSeconds) {
    return {ErrorCode::RateLimited,
            "too many failed logins; try again in " + std::to_string(retryAfterSeconds) + " s",
            retryAfterSeconds};
}

inline ApiError invalidRefreshToken() {
    return {ErrorCode::InvalidRefreshToken, "the refresh token is unknown, expired or revoked"};
}

inline ApiError unauthorized() {
    return {ErrorCode::Unauthorized, "missing, unknown, expired or revoked access token"};
}

// --- users ---

inline ApiError badUsername() {
    return {ErrorCode::InvalidBody,
            "username: must be 1-64 characters of letters, digits, '.', '_' or '-'"};
}

inline ApiError badPassword() {
    return {ErrorCode::InvalidBody, "password: must be 8 to 1024 bytes"};
}

inline ApiError userExists() {
    return {ErrorCode::UserExists, "that user name is taken"};
}

// `name` is only echoed when it passed the user name rule.
inline ApiError noSuchUser(const std::string& name) {
    if (protocol::isValidUsername(name)) {
        return {ErrorCode::NotFound, "no user named '" + protocol::normalizeUsername(name) + "'"};
    }
    return {ErrorCode::NotFound, "no user with that name"};
}

// --- workspaces ---

inline ApiError badWorkspaceName() {
    return {ErrorCode::InvalidBody,
            "name: must be 1-100 characters of valid UTF-8 without control characters"};
}

// The X-Workspace-Id header of a request.
inline ApiError badWorkspaceHeader() {
    return {ErrorCode::InvalidWorkspaceId, "X-Workspace-Id: must be 1-64 of [A-Za-z0-9_-]"};
}

// A workspace id given to an administration command.
inline ApiError badWorkspaceId() {
    return {ErrorCode::InvalidWorkspaceId, "workspace id: must be 1-64 of [A-Za-z0-9_-]"};
}

inline ApiError noSuchOwner() {
    return {ErrorCode::NotFound, "the owner does not exist"};
}

// `workspaceId` has passed the identifier rule.
inline ApiError noSuchWorkspace(const std::string& workspaceId) {
    return {ErrorCode::NotFound, "no workspace with id " + workspaceId};
}

inline ApiError notAMember() {
    return {ErrorCode::ForbiddenWorkspace, "not a member of that workspace"};
}

inline ApiError ownerNotRevocable() {
    return {ErrorCode::InvalidBody, "username: the owner of a workspace cannot be revoked from it"};
}

}  // namespace deskboard::server::auth::errors
