// deskboard-server: entry point; all behaviour lives in the server library.
#include <cstdlib>
#include <iostream>
#include <string_view>
#include <vector>

#include <deskboard/server/command_line.h>

int main(int argc, char* argv[]) {
    const std::vector<std::string_view> args(argv + 1, argv + argc);
    return deskboard::server::runCommandLine(
        args, [](const char* name) { return std::getenv(name); }, std::cin, std::cout, std::cerr);
}
