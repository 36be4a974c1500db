# The auth module's suites (each test starts its own redis-server).
deskboard_add_test(server password_hasher SOURCES auth/tst_password_hasher.cpp
    LIBS deskboard::server)
deskboard_add_test(server auth_service SOURCES auth/tst_auth_service.cpp
    LIBS deskboard::server TIMEOUT 300)
