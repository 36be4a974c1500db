// Test support: drive an Asio io_context on the test thread until a condition holds or a
// deadline passes (no sleeping: the loop runs ready handlers and returns as soon as it can).
#pragma once

#include <chrono>

#include <boost/asio/io_context.hpp>

namespace deskboard::testing {

template <typename Predicate>
bool runUntil(boost::asio::io_context& io, Predicate done,
              std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!done()) {
        if (std::chrono::steady_clock::now() >= deadline) {
            return false;
        }
        io.restart();
        io.run_for(std::chrono::milliseconds(5));
    }
    return true;
}

}  // namespace deskboard::testing
