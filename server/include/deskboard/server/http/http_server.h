// The HTTP/1.1 server of deskboard-server: listens on one address, reads requests and hands
// each one to a Handler as an Exchange (keep-alive, pipelining, bodies read on demand with a
// limit, Server-Sent Events, timeouts, a connection cap, graceful shutdown). One HttpServer
// lives on one io_context driven by one thread, so nothing on the request path takes a lock;
// several workers can share a port through SO_REUSEPORT. Boost.Beast stays in src/http (the
// listener, the HTTP session and the event-stream session; it is expensive to compile), so this
// header needs only Asio's io_context.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>  // before any Asio include (g++ 12 + Boost 1.74)

#include <boost/asio/io_context.hpp>

#include <deskboard/server/http/exchange.h>
#include <deskboard/server/http/http_types.h>

namespace deskboard::server::http {

struct HttpServerOptions {
    std::string host = "127.0.0.1";  // an IP address (or a name resolved once at start())
    std::uint16_t port = 8080;       // 0: any free port, see HttpServer::port()
    std::size_t maxHeaderBytes = 8192;
    std::chrono::milliseconds headerTimeout{10000};  // a request's first byte to its header's end
    std::chrono::milliseconds bodyTimeout{30000};    // reading a body
    std::chrono::milliseconds writeTimeout{30000};   // each write (answers and stream events)
    std::chrono::milliseconds idleTimeout{75000};    // keep-alive wait for the next request
    std::size_t maxConnections = 4096;       // beyond: 503 storage_unavailable "server busy", close
    std::size_t maxStreamQueuedEvents = 64;  // a stream queueing more is closed (slow consumer)
    bool reusePort = true;                   // SO_REUSEPORT, so N workers can share the port
};

// Not thread-safe: construct, start() and shutdown() it on (or before running) its io_context's
// thread; the counters may be read from any thread. Destroy it after shutdown() called `done`
// or after the io_context stopped running, and before the io_context.
class HttpServer {
  public:
    // `handler` and `onRecord` must outlive the server. `onRecord` is called once per answered
    // exchange (route "unmatched" when the handler set none), also for the answers the HTTP
    // layer gives by itself (400 malformed, 413 header too large, 503 busy: method may be
    // empty there); an event stream is recorded when it starts (status 200).
    HttpServer(boost::asio::io_context& ioc, HttpServerOptions options, Handler& handler,
               std::function<void(const ExchangeRecord&)> onRecord = {});
    ~HttpServer();
    HttpServer(const HttpServer&) = delete;
    HttpServer& operator=(const HttpServer&) = delete;

    // Binds, listens and starts accepting. Throws std::system_error with a message such as
    // "cannot listen on 127.0.0.1:8080: Address already in use".
    void start();

    // The bound port (useful with port 0), once start() returned.
    std::uint16_t port() const;

    // Stops accepting, closes idle keep-alive connections, lets in-flight exchanges finish
    // (their answers carry Connection: close), ends event streams; after `grace` closes
    // whatever is left. `done` is posted once every connection is gone; then the server holds
    // no pending operation, so the io_context's run() can return.
    void shutdown(std::chrono::milliseconds grace, std::function<void()> done);

    std::size_t openConnections() const;
    std::size_t openStreams() const;

    struct Impl;

  private:
    std::shared_ptr<Impl> impl_;
};

}  // namespace deskboard::server::http
