# The auth module: password hashing, users, logins and tokens, workspaces.
list(APPEND DESKBOARD_SERVER_SOURCES
    src/auth/password_hasher.cpp
    src/auth/tokens.cpp
    src/auth/access_token_cache.cpp
    src/auth/auth_key_migration.cpp
    src/auth/auth_service.cpp)
