# The state module's suite: StateService against a private redis-server per test case.
deskboard_add_test(server state_service SOURCES state/tst_state_service.cpp LIBS deskboard::server)
