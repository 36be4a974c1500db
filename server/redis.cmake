list(APPEND DESKBOARD_SERVER_SOURCES
    src/redis/cluster_router.cpp
    src/redis/cluster_slots.cpp
    src/redis/node_connection.cpp
    src/redis/redis_client.cpp
    src/redis/redis_endpoint.cpp
    src/redis/redis_reply.cpp
    src/redis/redis_subscriber.cpp
    src/redis/sharded_subscriber.cpp)
