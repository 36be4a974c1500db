list(APPEND DESKBOARD_SERVER_SOURCES
    src/admin.cpp
    src/api/api_handler.cpp
    src/api/api_responses.cpp
    src/api/event_hub.cpp
    src/api/request_parsing.cpp
    src/api/router.cpp
    src/api/save_body.cpp
    src/api/state_delete_handler.cpp
    src/api/state_read_handler.cpp
    src/api/state_save_handler.cpp
    src/config.cpp
    src/log.cpp
    src/metrics.cpp
    src/serve.cpp
    src/worker.cpp)
