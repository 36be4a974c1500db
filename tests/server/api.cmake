# End-to-end suites of the state API: each starts its own redis-server and deskboard-server
# processes on loopback and talks HTTP to them.
function(deskboard_add_api_test subject)
    deskboard_add_test(server api_${subject} SOURCES api/tst_api_${subject}.cpp
        LIBS deskboard::protocol Qt6::Network ${ARGN})
    target_compile_definitions(tst_server_api_${subject} PRIVATE
        DESKBOARD_SERVER_BINARY="$<TARGET_FILE:deskboard-server>")
    add_dependencies(tst_server_api_${subject} deskboard-server)
endfunction()

deskboard_add_api_test(state)
target_compile_definitions(tst_server_api_state PRIVATE
    DESKBOARD_RECORD_DIR="${CMAKE_CURRENT_BINARY_DIR}")
deskboard_add_api_test(events)
deskboard_add_api_test(resilience)

deskboard_add_api_test(auth)
target_compile_definitions(tst_server_api_auth PRIVATE
    DESKBOARD_RECORD_DIR="${CMAKE_CURRENT_BINARY_DIR}")

deskboard_add_api_test(cli)
deskboard_add_api_test(numbers)
deskboard_add_api_test(upgrade)
# Two servers on one Redis: the access-token cache and every kind of revocation.
deskboard_add_api_test(token_cache)
# On a real 3 + 3 node Redis Cluster: every operation, resharding and failover under load.
deskboard_add_api_test(cluster TIMEOUT 420)
# Two servers on a 3 + 3 Redis Cluster behind HAProxy running packaging/haproxy/deskboard.cfg.
deskboard_add_api_test(balancer TIMEOUT 300)
target_compile_definitions(tst_server_api_balancer PRIVATE
    DESKBOARD_HAPROXY_EXAMPLE="${PROJECT_SOURCE_DIR}/packaging/haproxy/deskboard.cfg")

# The recorded exchanges of the suites above, checked against docs/openapi.yaml by
# tests/openapi/validate.js. Its npm packages are installed (npm ci, by ./dev test) into this
# build tree's copy of tests/openapi/package*.json; the suite runs after the recording ones.
find_program(NODE_EXECUTABLE node)
if(NOT NODE_EXECUTABLE)
    set(NODE_EXECUTABLE "")
endif()
set(openapi_tool_dir "${CMAKE_BINARY_DIR}/test-tools/openapi")
configure_file("${PROJECT_SOURCE_DIR}/tests/openapi/package.json"
    "${openapi_tool_dir}/package.json" COPYONLY)
configure_file("${PROJECT_SOURCE_DIR}/tests/openapi/package-lock.json"
    "${openapi_tool_dir}/package-lock.json" COPYONLY)
deskboard_add_api_test(openapi)
target_compile_definitions(tst_server_api_openapi PRIVATE
    DESKBOARD_RECORD_DIR="${CMAKE_CURRENT_BINARY_DIR}"
    DESKBOARD_NODE_EXECUTABLE="${NODE_EXECUTABLE}"
    DESKBOARD_OPENAPI_VALIDATOR="${PROJECT_SOURCE_DIR}/tests/openapi/validate.js"
    DESKBOARD_OPENAPI_SPEC="${PROJECT_SOURCE_DIR}/docs/openapi.yaml"
    DESKBOARD_OPENAPI_TOOL_DIR="${openapi_tool_dir}")
set_tests_properties(server.api_openapi PROPERTIES DEPENDS "server.api_state;server.api_auth")

# The server's internal simdjson save-body parser against the protocol's reference parser.
deskboard_add_test(server save_body SOURCES api/tst_save_body.cpp LIBS deskboard::server)
target_include_directories(tst_server_save_body PRIVATE "${PROJECT_SOURCE_DIR}/server/src")
target_compile_definitions(tst_server_save_body PRIVATE
    DESKBOARD_API_DOC="${PROJECT_SOURCE_DIR}/docs/api.md")
