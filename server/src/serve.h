// Internal: `deskboard-server` without a command: start the workers, serve until SIGTERM or
// SIGINT, shut down gracefully, and return the exit code.
#pragma once

#include <deskboard/server/config.h>
#include <deskboard/server/log.h>

namespace deskboard::server {

int serve(const Config& config, const Log& log);

}  // namespace deskboard::server
