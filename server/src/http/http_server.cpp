// HttpServer, the public facade of the HTTP layer: everything is done by its Listener
// (listener.h), which outlives it as long as operations are pending.
#include <deskboard/server/http/http_server.h>

#include "http/listener.h"

namespace deskboard::server::http {

struct HttpServer::Impl {
    std::shared_ptr<detail::Listener> listener;
};

HttpServer::HttpServer(boost::asio::io_context& ioc, HttpServerOptions options, Handler& handler,
                       std::function<void(const ExchangeRecord&)> onRecord)
    : impl_(std::make_shared<Impl>(Impl{std::make_shared<detail::Listener>(
          ioc, std::move(options), handler, std::move(onRecord))})) {}

HttpServer::~HttpServer() {
    impl_->listener->stopNow();
}

void HttpServer::start() {
    impl_->listener->start();
}

std::uint16_t HttpServer::port() const {
    return impl_->listener->port();
}

void HttpServer::shutdown(std::chrono::milliseconds grace, std::function<void()> done) {
    impl_->listener->shutdown(grace, std::move(done));
}

std::size_t HttpServer::openConnections() const {
    return impl_->listener->openConnections();
}

std::size_t HttpServer::openStreams() const {
    return impl_->listener->openStreams();
}

}  // namespace deskboard::server::http
