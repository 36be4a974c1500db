#include <ostream>

#include <deskboard/server/command_line.h>
#include <deskboard/server/config.h>
#include <deskboard/server/log.h>
#include <deskboard/version.h>

#include "admin.h"
#include "serve.h"

namespace deskboard::server {

int runCommandLine(std::span<const std::string_view> args,
                   const std::function<const char*(const char*)>& lookup, std::istream& in,
                   std::ostream& out, std::ostream& err) {
    if (args.size() == 1 && (args[0] == "--help" || args[0] == "-h")) {
        out << helpText();
        return 0;
    }
    if (args.size() == 1 && args[0] == "--version") {
        out << "deskboard-server " << kVersion << '\n';
        return 0;
    }
    if (!args.empty() && args[0] != "user" && args[0] != "workspace") {
        err << "deskboard-server: unknown argument '" << args[0] << "'; see --help\n";
        return 2;
    }
    const auto loaded = loadConfig(lookup);
    if (!loaded.config) {
        err << "deskboard-server: bad configuration: " << loaded.error << '\n';
        return 2;
    }
    if (!args.empty()) {
        return runAdmin(args, *loaded.config, in, out, err);
    }
    const Log log(loaded.config->logFormat);
    return serve(*loaded.config, log);
}

}  // namespace deskboard::server
