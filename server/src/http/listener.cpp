#include "http/listener.h"

#include <iostream>
#include <system_error>

#include <boost/asio/post.hpp>

#include "http/http_session.h"
#include "http/session.h"

namespace deskboard::server::http::detail {

namespace {

std::string endpointText(const std::string& host, std::uint16_t port) {
    const bool v6 = host.find(':') != std::string::npos;
    return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

}  // namespace

Listener::Listener(net::io_context& ioc, HttpServerOptions options, Handler& handler,
                   std::function<void(const ExchangeRecord&)> onRecord)
    : ioc_(ioc),
      options_(std::move(options)),
      handler_(handler),
      onRecord_(std::move(onRecord)),
      acceptor_(ioc),
      retryTimer_(ioc),
      graceTimer_(ioc) {
    std::random_device device;
    std::seed_seq seed{device(), device(), device(), device()};
    rng_.seed(seed);
}

// ---- accepting -------------------------------------------------------------------------------

void Listener::start() {
    const std::string where = endpointText(options_.host, options_.port);
    boost::system::error_code ec;
    tcp::endpoint endpoint;
    const auto address = net::ip::make_address(options_.host, ec);
    if (!ec) {
        endpoint = tcp::endpoint(address, options_.port);
    } else {
        tcp::resolver resolver(ioc_);
        const auto results = resolver.resolve(options_.host, std::to_string(options_.port), ec);
        if (ec || results.empty()) {
            throw std::system_error(
                std::make_error_code(std::errc::invalid_argument),
                "cannot listen on " + where + ": cannot resolve " + options_.host);
        }
        endpoint = results.begin()->endpoint();
    }
    const auto fail = [&](const boost::system::error_code& error) {
        boost::system::error_code ignored;
        acceptor_.close(ignored);
        throw std::system_error(std::error_code(error.value(), std::system_category()),
                                "cannot listen on " + where);
    };
    acceptor_.open(endpoint.protocol(), ec);
    if (ec) {
        fail(ec);
    }
    acceptor_.set_option(net::socket_base::reuse_address(true), ec);
    if (options_.reusePort) {
        using ReusePort = net::detail::socket_option::boolean<SOL_SOCKET, SO_REUSEPORT>;
        acceptor_.set_option(ReusePort(true), ec);
        if (ec) {
            fail(ec);
        }
    }
    acceptor_.bind(endpoint, ec);
    if (ec) {
        fail(ec);
    }
    acceptor_.listen(net::socket_base::max_listen_connections, ec);
    if (ec) {
        fail(ec);
    }
    boundPort_.store(acceptor_.local_endpoint().port());
    doAccept();
}

void Listener::doAccept() {
    acceptor_.async_accept(
        [self = shared_from_this()](boost::system::error_code ec, tcp::socket socket) {
            self->onAccept(ec, std::move(socket));
        });
}

void Listener::onAccept(boost::system::error_code ec, tcp::socket socket) {
    if (stopping_ || ec == net::error::operation_aborted) {
        return;
    }
    if (ec) {
        // EMFILE and friends: say it once, keep trying.
        if (!acceptErrorLogged_) {
            acceptErrorLogged_ = true;
            std::cerr << "deskboard-server: accept failed: " << ec.message()
                      << " (retrying every 100 ms)\n";
        }
        retryTimer_.expires_after(std::chrono::milliseconds(100));
        retryTimer_.async_wait([self = shared_from_this()](boost::system::error_code waitError) {
            if (!waitError && !self->stopping_) {
                self->doAccept();
            }
        });
        return;
    }
    acceptErrorLogged_ = false;
    boost::system::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    const bool busy = connections_.load(std::memory_order_relaxed) >= options_.maxConnections;
    std::make_shared<HttpSession>(shared_from_this(), std::move(socket))->start(busy);
    doAccept();
}

// ---- what the sessions use -------------------------------------------------------------------

void Listener::record(const ExchangeRecord& record) const {
    if (onRecord_) {
        onRecord_(record);
    }
}

std::string Listener::newRequestId() {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string id(32, '0');
    for (int half = 0; half < 2; ++half) {
        std::uint64_t bits = rng_();
        for (int i = 0; i < 16; ++i) {
            id[static_cast<std::size_t>(half * 16 + i)] = kHex[bits & 0xf];
            bits >>= 4;
        }
    }
    return id;
}

// ---- the registry ----------------------------------------------------------------------------

Listener::Slot Listener::add(std::weak_ptr<Session> session, bool rejecting) {
    sessions_.push_front(Entry{std::move(session), rejecting});
    if (!rejecting) {
        connections_.fetch_add(1, std::memory_order_relaxed);
    }
    return sessions_.begin();
}

void Listener::remove(Slot slot) {
    const bool rejecting = slot->rejecting;
    sessions_.erase(slot);
    if (!rejecting) {
        connections_.fetch_sub(1, std::memory_order_relaxed);
    }
    maybeComplete();
}

std::vector<std::shared_ptr<Session>> Listener::snapshot() const {
    std::vector<std::shared_ptr<Session>> all;
    for (const auto& entry : sessions_) {
        if (auto alive = entry.session.lock()) {
            all.push_back(std::move(alive));
        }
    }
    return all;
}

// ---- shutting down ---------------------------------------------------------------------------

void Listener::shutdown(std::chrono::milliseconds grace, std::function<void()> done) {
    if (done) {
        doneCallbacks_.push_back(std::move(done));
    }
    if (stopping_) {
        maybeComplete();  // a second call: its `done` comes with the first one's
        return;
    }
    stopping_ = true;
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    retryTimer_.cancel();
    graceTimer_.expires_after(grace);
    graceTimer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
        if (!ec) {
            self->forceCloseAll();
        }
    });
    for (const auto& session : snapshot()) {
        session->beginShutdown();
    }
    maybeComplete();
}

void Listener::forceCloseAll() {
    for (const auto& session : snapshot()) {
        session->finish();
    }
}

void Listener::stopNow() {
    stopping_ = true;
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    retryTimer_.cancel();
    forceCloseAll();
    graceTimer_.cancel();
}

void Listener::maybeComplete() {
    if (!stopping_ || !sessions_.empty()) {
        return;
    }
    if (!completed_) {
        completed_ = true;
        graceTimer_.cancel();
    }
    for (auto& done : doneCallbacks_) {
        net::post(ioc_, std::move(done));
    }
    doneCallbacks_.clear();
}

}  // namespace deskboard::server::http::detail
