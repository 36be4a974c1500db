# The HTTP layer's suite: a real HttpServer on 127.0.0.1, driven through raw TCP sockets.
deskboard_add_test(server http_server SOURCES http/tst_http_server.cpp LIBS deskboard::server)
