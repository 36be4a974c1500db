// What the listener and the two kinds of session share. A Session is one live connection as
// the listener's registry sees it: something to close gracefully at shutdown and at once when
// the grace period is over. A socket belongs first to an HttpSession (requests and answers) and,
// when a request turns into an event stream, to an EventStreamSession; its registry entry moves
// with it, so it counts as one connection from accept to close. Also the Beast aliases and the
// header rules both sessions write answers with. Everything runs on the server's io thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <iostream>
#include <memory>
#include <string>
#include <string_view>
#include <utility>  // before any Asio include (g++ 12 + Boost 1.74)

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <deskboard/server/http/http_types.h>

namespace deskboard::server::http::detail {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

// After the last answer on a connection: half-close and read what the client still sends for
// at most this long and this much, so that its unread upload does not turn into an RST that
// destroys the answer.
constexpr std::chrono::seconds kLingerTime{2};
constexpr std::uint64_t kLingerBytes = 16 * 1024 * 1024;

class Session : public std::enable_shared_from_this<Session> {
  public:
    virtual ~Session() = default;
    // The server stops: close when idle, otherwise finish what is in flight and then close.
    virtual void beginShutdown() = 0;
    // Closes the socket at once (the grace period is over); idempotent.
    virtual void finish() = 0;
};

// The start of a lingering close, the same for both sessions: half-closes `socket` and gives the
// peer kLingerTime to close its side, then finishes `session` (at once when the half-close
// fails, and then answers false). The caller's pending read counts what still arrives.
inline bool beginLinger(tcp::socket& socket, net::steady_timer& timer,
                        std::shared_ptr<Session> session) {
    beast::error_code ec;
    socket.shutdown(tcp::socket::shutdown_send, ec);
    if (ec) {
        session->finish();
        return false;
    }
    timer.expires_after(kLingerTime);
    timer.async_wait([session = std::move(session)](beast::error_code error) {
        if (!error) {
            session->finish();
        }
    });
    return true;
}

// Adds a handler's extra header; ours (Cache-Control, Content-Type, X-Request-Id) may be
// replaced, framing headers may not be touched, values with line breaks are refused.
inline void addHeader(bhttp::fields& fields, const Header& header) {
    const std::string_view name = header.name;
    if (name.empty() || header.value.find_first_of("\r\n") != std::string::npos ||
        name.find_first_of(":\r\n ") != std::string_view::npos) {
        std::cerr << "deskboard-server: header '" << name << "' with an invalid value dropped\n";
        return;
    }
    if (beast::iequals(name, "content-length") || beast::iequals(name, "transfer-encoding") ||
        beast::iequals(name, "connection")) {
        return;
    }
    if (beast::iequals(name, "cache-control") || beast::iequals(name, "content-type") ||
        beast::iequals(name, "x-request-id")) {
        fields.set(name, header.value);
    } else {
        fields.insert(name, header.value);
    }
}

}  // namespace deskboard::server::http::detail
