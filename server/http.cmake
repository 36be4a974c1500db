# The HTTP layer (Boost.Beast is confined to src/http/http_server.cpp).
list(APPEND DESKBOARD_SERVER_SOURCES src/http/http_server.cpp src/http/http_types.cpp)
