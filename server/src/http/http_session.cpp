#include "http/http_session.h"

#include <algorithm>
#include <iostream>
#include <limits>
#include <string_view>

#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>

#include "http/event_stream_session.h"

namespace deskboard::server::http::detail {

using protocol::ApiError;
using protocol::ErrorCode;

namespace {

constexpr std::string_view kJson = "application/json; charset=utf-8";
constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
constexpr std::size_t kReadChunk = 4096;
constexpr std::size_t kDrainChunk = 16384;
constexpr std::uint64_t kNoLimit = std::numeric_limits<std::uint64_t>::max();

const beast::error_category& httpCategory() {
    static const auto& category = bhttp::make_error_code(bhttp::error::end_of_stream).category();
    return category;
}

// A parse error worth a 400 answer (not the peer leaving mid-message).
bool isMalformed(const beast::error_code& ec) {
    return ec.category() == httpCategory() && ec != bhttp::error::end_of_stream &&
           ec != bhttp::error::partial_message;
}

// X-Request-Id values we echo: 1-128 of [A-Za-z0-9._:-].
bool saneRequestId(std::string_view id) {
    if (id.empty() || id.size() > 128) {
        return false;
    }
    return std::all_of(id.begin(), id.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '.' || c == '_' || c == ':' || c == '-';
    });
}

bool bodiless(int status) {
    return (status >= 100 && status < 200) || status == 204 || status == 304;
}

}  // namespace

// ---- ExchangeImpl ----------------------------------------------------------------------------

ExchangeImpl::~ExchangeImpl() {
    if (!answered) {
        session->exchangeDropped(*this);
    }
}

void ExchangeImpl::respond(Response response) {
    session->respond(*this, std::move(response));
}

void ExchangeImpl::readBody(std::uint64_t limit, Response tooLarge,
                            std::function<void(std::string body)> done) {
    session->readBody(*this, limit, std::move(tooLarge), std::move(done));
}

std::shared_ptr<EventStream> ExchangeImpl::startEventStream(std::vector<Header> headers) {
    return session->startEventStream(*this, std::move(headers));
}

bool ExchangeImpl::isOpen() const {
    return !answered && session->exchangeOpen(*this);
}

// ---- lifetime --------------------------------------------------------------------------------

HttpSession::HttpSession(std::shared_ptr<Listener> server, tcp::socket socket)
    : server_(std::move(server)), stream_(std::move(socket)), lingerTimer_(stream_.get_executor()) {
    beast::error_code ec;
    const auto endpoint = stream_.socket().remote_endpoint(ec);
    if (!ec) {
        auto address = endpoint.address();
        if (address.is_v6() && address.to_v6().is_v4_mapped()) {
            address = net::ip::make_address_v4(net::ip::v4_mapped, address.to_v6());
        }
        remote_ = address.to_string();
    }
}

HttpSession::~HttpSession() {
    finish();
}

void HttpSession::start(bool busy) {
    slot_ = server_->add(weak_from_this(), busy);
    if (busy) {
        failRequest(503, ErrorCode::StorageUnavailable, "server busy");
    } else {
        waitForRequest(server_->options().headerTimeout);
    }
}

void HttpSession::finish() {
    if (state_ == State::Closed) {
        return;
    }
    const auto keep = weak_from_this().lock();  // null while being destroyed
    state_ = State::Closed;
    stream_.close();
    lingerTimer_.cancel();
    current_ = nullptr;
    auto body = std::move(body_);  // may hold the exchange: release it after the state
    body_.reset();
    if (slot_) {
        const auto slot = *slot_;
        slot_.reset();
        server_->remove(slot);
    }
}

void HttpSession::beginShutdown() {
    if (state_ == State::WaitingForRequest) {
        finish();  // idle: nothing in flight
    }
    // Everything else finishes its exchange; the answer carries Connection: close.
}

// ---- requests --------------------------------------------------------------------------------

// Waits for the first byte of a request, so that an idle keep-alive connection has its own
// timeout and shutdown can tell idle connections from busy ones.
void HttpSession::waitForRequest(std::chrono::milliseconds timeout) {
    state_ = State::WaitingForRequest;
    stream_.expires_after(timeout);
    stream_.async_read_some(buffer_.prepare(kReadChunk),
                            [self = self()](beast::error_code ec, std::size_t bytes) {
                                if (self->state_ != State::WaitingForRequest) {
                                    return;
                                }
                                if (ec) {
                                    self->finish();
                                    return;
                                }
                                self->buffer_.commit(bytes);
                                self->readHeader();
                            });
}

void HttpSession::readHeader() {
    state_ = State::ReadingHeader;
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(
        std::min<std::size_t>(server_->options().maxHeaderBytes, 0xffffffffu)));
    // While reading the header the body limit must not apply (Beast's 1 MiB default would fail
    // the header read itself); boost::none is broken on Boost 1.74 with g++ 12.
    parser_->body_limit(kNoLimit);
    stream_.expires_after(server_->options().headerTimeout);
    bhttp::async_read_header(
        stream_, buffer_, *parser_,
        [self = self()](beast::error_code ec, std::size_t) { self->onHeader(ec); });
}

void HttpSession::onHeader(beast::error_code ec) {
    if (state_ != State::ReadingHeader) {
        return;
    }
    if (ec == bhttp::error::header_limit || ec == bhttp::error::buffer_overflow) {
        failRequest(
            413, ErrorCode::TooLarge,
            "request header over " + std::to_string(server_->options().maxHeaderBytes) + " bytes");
        return;
    }
    if (ec && isMalformed(ec)) {
        failRequest(400, ErrorCode::InvalidBody, "malformed HTTP request: " + ec.message());
        return;
    }
    if (ec) {
        finish();  // peer gone, reset or too slow
        return;
    }

    const auto& request = parser_->get();
    RequestHead head;
    head.method = std::string(request.method_string());
    head.target = std::string(request.target());
    head.path = head.target.substr(0, head.target.find('?'));
    for (const auto& field : request) {
        head.headers.push_back({std::string(field.name_string()), std::string(field.value())});
    }
    if (const auto length = parser_->content_length()) {
        head.contentLength = *length;
    }
    head.chunked = parser_->chunked();
    head.hasBody = head.chunked || (head.contentLength && *head.contentLength > 0);
    head.remoteAddress = remote_;
    const std::string_view requestId = request["X-Request-Id"];
    head.requestId = saneRequestId(requestId) ? std::string(requestId) : server_->newRequestId();
    head.received = Clock::now();
    const bool expectContinue =
        request.version() >= 11 && beast::iequals(request[bhttp::field::expect], "100-continue");

    auto exchange = std::make_shared<ExchangeImpl>(
        self(), std::move(head), request.version(), request.keep_alive(),
        request.method() == bhttp::verb::head, expectContinue);
    current_ = exchange.get();
    state_ = State::Handling;
    try {
        server_->handler().handle(exchange);
    } catch (const std::exception& error) {
        std::cerr << "deskboard-server: the handler of request " << exchange->head().requestId
                  << " threw: " << error.what() << "; closing its connection\n";
        exchange->answered = true;
        finish();
    }
}

void HttpSession::nextRequest() {
    if (server_->stopping()) {
        linger();
    } else if (buffer_.size() > 0) {
        readHeader();  // pipelined
    } else {
        waitForRequest(server_->options().idleTimeout);
    }
}

// An answer of the HTTP layer itself (no exchange): a JSON error, then close.
void HttpSession::failRequest(int status, ErrorCode code, std::string message) {
    const std::string requestId = server_->newRequestId();
    ExchangeRecord record;
    if (parser_) {
        record.method = std::string(parser_->get().method_string());
    }
    record.route = "unmatched";
    record.status = status;
    record.requestId = requestId;
    record.remoteAddress = remote_;
    server_->record(record);
    Response response{
        status, std::string(kJson), protocol::errorBody(ApiError{code, std::move(message)}), {}};
    if (status == 503) {
        response.headers.push_back({"Retry-After", "1"});
    }
    writeResponse(11, false, false, requestId, std::move(response));
}

void HttpSession::respond(ExchangeImpl& exchange, Response response) {
    if (exchange.answered) {
        std::cerr << "deskboard-server: a second answer to request "
                  << exchange.requestHead.requestId << " was ignored\n";
        return;
    }
    if (current_ == &exchange && state_ == State::ReadingBody) {
        std::cerr << "deskboard-server: an answer to request " << exchange.requestHead.requestId
                  << " while its body is being read was ignored\n";
        return;
    }
    exchange.answered = true;
    record(exchange, response.status);
    if (current_ != &exchange) {
        return;  // the connection is gone: nothing to write to
    }
    current_ = nullptr;
    if (state_ != State::Handling) {
        return;
    }
    // An announced body left unread: the connection cannot carry another request.
    const bool unread = exchange.requestHead.hasBody && !exchange.bodyRead;
    writeResponse(exchange.version, exchange.keepAlive && !unread, exchange.isHead,
                  exchange.requestHead.requestId, std::move(response));
}

void HttpSession::writeResponse(unsigned version, bool keepAlive, bool isHead,
                                const std::string& requestId, Response response) {
    auto& message = response_.emplace();
    message.version(version);
    int status = response.status;
    if (status < 200 || status > 999) {
        std::cerr << "deskboard-server: invalid status " << status << " answered as 500\n";
        status = 500;
    }
    message.result(static_cast<unsigned>(status));
    const bool noBody = bodiless(status);
    if (!noBody && !response.contentType.empty()) {
        message.set(bhttp::field::content_type, response.contentType);
    }
    message.set(bhttp::field::cache_control, "no-store");
    message.set("X-Request-Id", requestId);
    for (const auto& header : response.headers) {
        addHeader(message, header);
    }
    keepAlive = keepAlive && !server_->stopping();
    message.keep_alive(keepAlive);
    if (!noBody) {
        message.content_length(response.body.size());
        if (!isHead) {
            message.body() = std::move(response.body);
        }
    }
    state_ = State::Writing;
    stream_.expires_after(server_->options().writeTimeout);
    bhttp::async_write(stream_, message,
                       [self = self(), keepAlive](beast::error_code ec, std::size_t) {
                           self->onWritten(ec, keepAlive);
                       });
}

void HttpSession::onWritten(beast::error_code ec, bool keepAlive) {
    if (state_ != State::Writing) {
        return;
    }
    response_.reset();
    if (ec) {
        finish();
    } else if (!keepAlive || server_->stopping()) {
        linger();
    } else {
        nextRequest();
    }
}

void HttpSession::record(ExchangeImpl& exchange, int status) {
    ExchangeRecord record;
    record.method = exchange.requestHead.method;
    record.route = exchange.route.empty() ? std::string("unmatched") : std::move(exchange.route);
    record.status = status;
    record.duration = Clock::now() - exchange.requestHead.received;
    record.userId = std::move(exchange.userId);
    record.requestId = exchange.requestHead.requestId;
    record.remoteAddress = remote_;
    server_->record(record);
}

void HttpSession::exchangeDropped(ExchangeImpl& exchange) {
    if (current_ != &exchange) {
        return;
    }
    current_ = nullptr;
    if (state_ == State::Closed) {
        return;
    }
    std::cerr << "deskboard-server: request " << exchange.requestHead.requestId
              << " was dropped without an answer; closing its connection\n";
    finish();
}

// ---- bodies ----------------------------------------------------------------------------------

void HttpSession::readBody(ExchangeImpl& exchange, std::uint64_t limit, Response tooLarge,
                           std::function<void(std::string)> done) {
    if (exchange.answered || (current_ == &exchange && state_ == State::ReadingBody)) {
        std::cerr << "deskboard-server: readBody() of request " << exchange.requestHead.requestId
                  << " after its answer or a first readBody() was ignored\n";
        return;
    }
    if (current_ != &exchange || state_ != State::Handling) {
        return;  // the connection is gone
    }
    if (!exchange.requestHead.hasBody) {
        exchange.bodyRead = true;
        net::post(stream_.get_executor(),
                  [exchange = exchange.shared_from_this(), done = std::move(done)] {
                      if (exchange->isOpen()) {
                          done(std::string());
                      }
                  });
        return;
    }
    if (exchange.requestHead.contentLength && *exchange.requestHead.contentLength > limit) {
        respond(exchange, std::move(tooLarge));  // without reading it; lingering close
        return;
    }
    state_ = State::ReadingBody;
    body_.emplace(PendingBody{std::move(done), std::move(tooLarge)});
    if (!exchange.expectContinue) {
        readBodyNow(exchange.shared_from_this(), limit);
        return;
    }
    stream_.expires_after(server_->options().writeTimeout);
    net::async_write(stream_, net::buffer(kContinue.data(), kContinue.size()),
                     [self = self(), exchange = exchange.shared_from_this(), limit](
                         beast::error_code ec, std::size_t) mutable {
                         if (self->state_ != State::ReadingBody) {
                             return;
                         }
                         if (ec) {
                             self->finish();
                             return;
                         }
                         self->readBodyNow(std::move(exchange), limit);
                     });
}

void HttpSession::readBodyNow(std::shared_ptr<ExchangeImpl> exchange, std::uint64_t limit) {
    parser_->body_limit(limit);
    stream_.expires_after(server_->options().bodyTimeout);
    bhttp::async_read(stream_, buffer_, *parser_,
                      [self = self(), exchange = std::move(exchange)](
                          beast::error_code ec, std::size_t) { self->onBody(ec, *exchange); });
}

void HttpSession::onBody(beast::error_code ec, ExchangeImpl& exchange) {
    if (state_ != State::ReadingBody) {
        return;
    }
    state_ = State::Handling;
    auto body = std::move(*body_);
    body_.reset();
    if (ec == bhttp::error::body_limit) {
        respond(exchange, std::move(body.tooLarge));
    } else if (ec && isMalformed(ec)) {
        respond(exchange,
                Response{400,
                         std::string(kJson),
                         protocol::errorBody(ApiError{ErrorCode::InvalidBody,
                                                      "malformed HTTP request: " + ec.message()}),
                         {}});
    } else if (ec) {
        finish();
    } else {
        exchange.bodyRead = true;
        body.done(std::move(parser_->get().body()));
    }
}

// ---- event streams ---------------------------------------------------------------------------

// Answers the exchange with the stream's header and hands the socket and the registry entry over
// to an EventStreamSession; this session is closed without closing the socket.
std::shared_ptr<EventStream> HttpSession::startEventStream(ExchangeImpl& exchange,
                                                           std::vector<Header> headers) {
    if (exchange.answered) {
        std::cerr << "deskboard-server: an event stream for the answered request "
                  << exchange.requestHead.requestId << " was refused\n";
        return nullptr;
    }
    if (current_ != &exchange || state_ != State::Handling) {
        return nullptr;  // the connection is gone
    }
    exchange.answered = true;
    current_ = nullptr;
    record(exchange, 200);
    const auto slot = *slot_;
    slot_.reset();
    state_ = State::Closed;
    parser_.reset();
    buffer_.consume(buffer_.size());
    buffer_.shrink_to_fit();
    auto stream = std::make_shared<EventStreamSession>(server_, stream_.release_socket(), slot,
                                                       exchange.version);
    stream->start(exchange.requestHead.requestId, headers);
    return stream;
}

// ---- closing ---------------------------------------------------------------------------------

// Half-closes and reads what the client still sends (for at most kLingerTime and kLingerBytes)
// before closing, so that its unread upload does not turn into an RST that destroys our answer.
void HttpSession::linger() {
    state_ = State::Lingering;
    lingerBytes_ = 0;
    if (!beginLinger(stream_.socket(), lingerTimer_, self())) {
        return;
    }
    buffer_.consume(buffer_.size());
    drain();
}

void HttpSession::drain() {
    stream_.expires_never();
    stream_.async_read_some(
        buffer_.prepare(kDrainChunk),
        [self = self()](beast::error_code ec, std::size_t bytes) { self->onDrained(ec, bytes); });
}

void HttpSession::onDrained(beast::error_code ec, std::size_t bytes) {
    if (state_ == State::Closed) {
        return;
    }
    if (ec) {
        finish();  // the end of a lingering close
        return;
    }
    lingerBytes_ += bytes;
    if (lingerBytes_ > kLingerBytes) {
        finish();
        return;
    }
    drain();
}

}  // namespace deskboard::server::http::detail
