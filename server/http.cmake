# The HTTP layer (Boost.Beast is confined to the sessions in src/http/: http_session.cpp,
# event_stream_session.cpp and listener.cpp, which starts them).
list(APPEND DESKBOARD_SERVER_SOURCES src/http/http_server.cpp src/http/listener.cpp
    src/http/http_session.cpp src/http/event_stream_session.cpp src/http/http_types.cpp)
