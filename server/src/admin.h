// Internal: the administration commands of deskboard-server (`user add|passwd|del|list`,
// `workspace add|list|grant|revoke`). They run the server's own AuthService against the same
// REDIS_URL, so accounts made here are exactly what the API sees.
#pragma once

#include <iosfwd>
#include <span>
#include <string_view>

#include <deskboard/server/config.h>

namespace deskboard::server {

// `args` starts with "user" or "workspace". Passwords are read from the first line of `in`.
int runAdmin(std::span<const std::string_view> args, const Config& config, std::istream& in,
             std::ostream& out, std::ostream& err);

}  // namespace deskboard::server
