// The accepting side of HttpServer (the "listener" of Beast's advanced server example): binds,
// accepts and starts an HttpSession per socket (one that only answers 503 "server busy" once
// maxConnections are open), keeps the registry of live connections so that shutdown() can
// close idle ones, let busy ones finish and force the rest after the grace period, and holds
// what every session needs: the options, the handler, the exchange recorder, the request-id
// generator and the counters HttpServer reports. Shared-owned: its pending accept and timers
// (and every session) keep it alive after HttpServer is gone. Everything but the counters is
// used on the server's io thread only. Asio only, no Beast (sessions are in their own files).
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <random>
#include <string>
#include <utility>  // before any Asio include (g++ 12 + Boost 1.74)
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <deskboard/server/http/exchange.h>
#include <deskboard/server/http/http_server.h>
#include <deskboard/server/http/http_types.h>

namespace deskboard::server::http::detail {

class Session;

class Listener : public std::enable_shared_from_this<Listener> {
    struct Entry {
        std::weak_ptr<Session> session;
        bool rejecting;  // a connection refused as busy: not counted in openConnections()
    };

  public:
    // A live connection's entry in the registry; held by the session that owns the socket.
    using Slot = std::list<Entry>::iterator;

    Listener(boost::asio::io_context& ioc, HttpServerOptions options, Handler& handler,
             std::function<void(const ExchangeRecord&)> onRecord);

    // See HttpServer.
    void start();
    void shutdown(std::chrono::milliseconds grace, std::function<void()> done);
    // Stops accepting and closes every connection at once (HttpServer's destructor).
    void stopNow();
    std::uint16_t port() const { return boundPort_.load(); }
    std::size_t openConnections() const { return connections_.load(std::memory_order_relaxed); }
    std::size_t openStreams() const { return streams_.load(std::memory_order_relaxed); }

    // For the sessions.
    const HttpServerOptions& options() const { return options_; }
    Handler& handler() const { return handler_; }
    bool stopping() const { return stopping_; }
    void record(const ExchangeRecord& record) const;
    std::string newRequestId();
    void streamOpened() { streams_.fetch_add(1, std::memory_order_relaxed); }
    void streamClosed() { streams_.fetch_sub(1, std::memory_order_relaxed); }

    // The registry. remove() may complete a shutdown; handOver() gives an entry to the session
    // the socket was handed to (an HTTP session becoming an event stream).
    Slot add(std::weak_ptr<Session> session, bool rejecting);
    void handOver(Slot slot, std::weak_ptr<Session> session) { slot->session = std::move(session); }
    void remove(Slot slot);

  private:
    void doAccept();
    void onAccept(boost::system::error_code ec, boost::asio::ip::tcp::socket socket);
    void forceCloseAll();
    void maybeComplete();
    std::vector<std::shared_ptr<Session>> snapshot() const;

    boost::asio::io_context& ioc_;
    const HttpServerOptions options_;
    Handler& handler_;
    const std::function<void(const ExchangeRecord&)> onRecord_;
    boost::asio::ip::tcp::acceptor acceptor_;
    boost::asio::steady_timer retryTimer_;
    boost::asio::steady_timer graceTimer_;
    std::atomic<std::uint16_t> boundPort_{0};
    bool stopping_ = false;
    bool completed_ = false;
    bool acceptErrorLogged_ = false;
    std::vector<std::function<void()>> doneCallbacks_;
    std::list<Entry> sessions_;
    std::atomic<std::size_t> connections_{0};  // not counting the ones refused as busy
    std::atomic<std::size_t> streams_{0};
    std::mt19937_64 rng_;
};

}  // namespace deskboard::server::http::detail
