deskboard_add_test(server redis_client SOURCES redis/tst_redis_client.cpp LIBS deskboard::server)
