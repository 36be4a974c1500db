#include <ostream>

#include <deskboard/server/command_line.h>
#include <deskboard/version.h>

namespace deskboard::server {
namespace {

constexpr int kExitOk = 0;
constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;

void printHelp(std::ostream& out) {
    out << "Usage: deskboard-server [--help] [--version]\n"
           "\n"
           "The Redis-backed state API of Deskboard (PRODUCT.md section 2).\n"
           "\n"
           "Options:\n"
           "  --help     Show this help and exit.\n"
           "  --version  Print the version and exit.\n"
           "\n"
           "This build does not serve HTTP yet: the state API, its environment variables and\n"
           "the admin commands arrive with the server issue.\n";
}

}  // namespace

int runCommandLine(std::span<const std::string_view> args, std::ostream& out, std::ostream& err) {
    if (args.empty()) {
        err << "deskboard-server " << kVersion
            << ": this build does not serve HTTP yet (see --help).\n";
        return kExitFailed;
    }
    if (args.size() == 1 && (args[0] == "--help" || args[0] == "-h")) {
        printHelp(out);
        return kExitOk;
    }
    if (args.size() == 1 && args[0] == "--version") {
        out << "deskboard-server " << kVersion << '\n';
        return kExitOk;
    }
    err << "deskboard-server: unknown argument '" << args[0] << "'; see --help.\n";
    return kExitUsage;
}

}  // namespace deskboard::server
