# The state module: the dashboard state on Redis (StateService and its Lua scripts).
list(APPEND DESKBOARD_SERVER_SOURCES src/state/state_service.cpp)
