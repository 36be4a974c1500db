// deskboard-server: entry point; all behaviour lives in the server library.
#include <iostream>
#include <string_view>
#include <vector>

#include <deskboard/server/command_line.h>

int main(int argc, char* argv[]) {
    const std::vector<std::string_view> args(argv + 1, argv + argc);
    return deskboard::server::runCommandLine(args, std::cout, std::cerr);
}
