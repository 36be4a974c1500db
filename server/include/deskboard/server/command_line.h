// The deskboard-server command line: serving (no command), the administration commands, --help
// and --version, with exit codes 0 done, 1 failed, 2 bad usage or configuration. Kept apart
// from main() so tests can drive it.
#pragma once

#include <functional>
#include <iosfwd>
#include <span>
#include <string_view>

namespace deskboard::server {

// Runs the command line `args` (without the program name). `lookup` reads environment
// variables (getenv in production).
int runCommandLine(std::span<const std::string_view> args,
                   const std::function<const char*(const char*)>& lookup, std::istream& in,
                   std::ostream& out, std::ostream& err);

}  // namespace deskboard::server
