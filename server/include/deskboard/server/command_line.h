// The deskboard-server command line: options, sub-commands and their exit codes
// (0 done, 1 failed, 2 bad usage). Kept apart from main() so tests can drive it.
#pragma once

#include <iosfwd>
#include <span>
#include <string_view>

namespace deskboard::server {

// Runs the command line `args` (without the program name), writing to `out` and `err`;
// returns the process exit code.
int runCommandLine(std::span<const std::string_view> args, std::ostream& out, std::ostream& err);

}  // namespace deskboard::server
