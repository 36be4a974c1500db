deskboard_add_test(server redis_client SOURCES redis/tst_redis_client.cpp LIBS deskboard::server)

# The cluster routing layer of issue 15: pure slot arithmetic, and a real 3 + 3 node cluster.
deskboard_add_test(server cluster_slots SOURCES redis/tst_cluster_slots.cpp
    LIBS deskboard::server)
target_include_directories(tst_server_cluster_slots PRIVATE "${PROJECT_SOURCE_DIR}/server/src")
deskboard_add_test(server redis_cluster SOURCES redis/tst_redis_cluster.cpp
    LIBS deskboard::server TIMEOUT 180)
target_include_directories(tst_server_redis_cluster PRIVATE "${PROJECT_SOURCE_DIR}/server/src")
deskboard_add_test(server sharded_subscriber SOURCES redis/tst_sharded_subscriber.cpp
    LIBS deskboard::server TIMEOUT 180)
target_include_directories(tst_server_sharded_subscriber PRIVATE "${PROJECT_SOURCE_DIR}/server/src")
deskboard_add_test(server cluster_router SOURCES redis/tst_cluster_router.cpp
    LIBS deskboard::server TIMEOUT 180)
target_include_directories(tst_server_cluster_router PRIVATE "${PROJECT_SOURCE_DIR}/server/src")
