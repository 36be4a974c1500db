# The auth module's suites (each test starts its own redis-server).
deskboard_add_test(server password_hasher SOURCES auth/tst_password_hasher.cpp
    LIBS deskboard::server)
deskboard_add_test(server auth_service SOURCES auth/tst_auth_service.cpp
    LIBS deskboard::server TIMEOUT 300)
deskboard_add_test(server access_token_cache SOURCES auth/tst_access_token_cache.cpp
    LIBS deskboard::server)
target_include_directories(tst_server_access_token_cache PRIVATE "${PROJECT_SOURCE_DIR}/server/src")
