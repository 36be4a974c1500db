// The Boost.Beast side of HttpServer: the listener, one Connection per socket (request parsing,
// answers, body reading, event streams, timeouts, lingering close) and the Exchange handed to
// the Handler. The only translation unit of the server that includes Beast (it is expensive to
// compile). Everything here runs on the server's io_context thread.
#include <algorithm>
#include <array>
#include <atomic>
#include <deque>
#include <iostream>
#include <limits>
#include <random>
#include <string_view>
#include <system_error>
#include <utility>  // before any Asio include (g++ 12 + Boost 1.74)
#include <vector>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <deskboard/protocol/error.h>
#include <deskboard/server/http/http_server.h>

namespace deskboard::server::http {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;
using protocol::ApiError;
using protocol::ErrorCode;

namespace {

constexpr std::string_view kJson = "application/json; charset=utf-8";
constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
constexpr std::chrono::seconds kLingerTime{2};
constexpr std::uint64_t kLingerBytes = 16 * 1024 * 1024;
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

// Adds a handler's extra header; ours (Cache-Control, Content-Type, X-Request-Id) may be
// replaced, framing headers may not be touched, values with line breaks are refused.
template <class Fields>
void addHeader(Fields& fields, const Header& header) {
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

std::string endpointText(const std::string& host, std::uint16_t port) {
    const bool v6 = host.find(':') != std::string::npos;
    return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

}  // namespace

namespace detail {

class Connection;

// The Exchange handed to the Handler; owns a reference to its connection, which does the I/O.
class ExchangeImpl final : public Exchange, public std::enable_shared_from_this<ExchangeImpl> {
  public:
    ExchangeImpl(std::shared_ptr<Connection> connection, RequestHead head, unsigned version,
                 bool keepAlive, bool isHead, bool expectContinue)
        : connection(std::move(connection)),
          requestHead(std::move(head)),
          version(version),
          keepAlive(keepAlive),
          isHead(isHead),
          expectContinue(expectContinue) {}
    ~ExchangeImpl() override;

    const RequestHead& head() const override { return requestHead; }
    void setRoute(std::string value) override { route = std::move(value); }
    void setUserId(std::string value) override { userId = std::move(value); }
    void respond(Response response) override;
    void readBody(std::uint64_t limit, Response tooLarge,
                  std::function<void(std::string body)> done) override;
    std::shared_ptr<EventStream> startEventStream(std::vector<Header> headers) override;
    bool isOpen() const override;

    std::shared_ptr<Connection> connection;
    RequestHead requestHead;
    std::string route;
    std::string userId;
    unsigned version;
    bool keepAlive;
    bool isHead;
    bool expectContinue;
    bool answered = false;
    bool bodyRead = false;
};

// One accepted socket: reads requests one at a time, answers them in order, or turns into an
// event stream. Kept alive by its pending operations and by the exchange the handler holds.
class Connection final : public std::enable_shared_from_this<Connection>, public EventStream {
  public:
    Connection(std::shared_ptr<HttpServer::Impl> server, tcp::socket socket, bool rejecting);
    ~Connection() override;

    void start();
    void rejectBusy();
    void beginShutdown();
    void finish();  // closes the socket at once; idempotent

    void respond(ExchangeImpl& exchange, Response response);
    void readBody(ExchangeImpl& exchange, std::uint64_t limit, Response tooLarge,
                  std::function<void(std::string)> done);
    std::shared_ptr<EventStream> startEventStream(ExchangeImpl& exchange,
                                                  std::vector<Header> headers);
    bool exchangeOpen(const ExchangeImpl& exchange) const {
        return current_ == &exchange && state_ != State::Closed;
    }
    void exchangeDropped(ExchangeImpl& exchange);

    bool send(std::string text) override;
    void close() override;
    bool isOpen() const override { return streamOpen_ && state_ != State::Closed; }
    void onClosed(std::function<void()> callback) override;

    const bool rejecting;
    Connection* prev = nullptr;  // the server's list of live connections
    Connection* next = nullptr;

  private:
    enum class State {
        WaitingForRequest,
        ReadingHeader,
        Handling,
        ReadingBody,
        Writing,
        Streaming,
        Closing,
        Closed
    };

    void waitForRequest(std::chrono::milliseconds timeout);
    void readHeader();
    void onHeader(beast::error_code ec);
    void nextRequest();
    void failRequest(int status, ErrorCode code, std::string message);
    void writeResponse(unsigned version, bool keepAlive, bool isHead, const std::string& requestId,
                       Response response);
    void onWritten(beast::error_code ec);
    void readBodyNow(std::shared_ptr<ExchangeImpl> exchange);
    void onBody(beast::error_code ec, ExchangeImpl& exchange);
    void record(ExchangeImpl& exchange, int status);
    void linger(bool readPending);
    void drain();
    void onDrained(beast::error_code ec, std::size_t bytes);
    void writeNextEvent();
    void onEventWritten(beast::error_code ec, bool popFront);
    void endStreamWrites();
    void fireClosed();

    std::shared_ptr<HttpServer::Impl> server_;
    beast::tcp_stream stream_;
    beast::flat_buffer buffer_;
    net::steady_timer lingerTimer_;
    std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
    std::optional<bhttp::response<bhttp::string_body>> response_;
    std::string remote_;
    State state_ = State::WaitingForRequest;
    bool registered_ = true;
    bool dying_ = false;
    bool keepAlive_ = false;
    ExchangeImpl* current_ = nullptr;  // the exchange the handler works on, if any
    std::function<void(std::string)> bodyDone_;
    Response tooLarge_;
    std::uint64_t bodyLimit_ = 0;
    std::uint64_t lingerBytes_ = 0;
    // Event stream.
    std::optional<bhttp::response<bhttp::empty_body>> streamResponse_;
    std::optional<bhttp::response_serializer<bhttp::empty_body>> streamSerializer_;
    std::deque<std::string> queue_;  // front: being written
    std::vector<std::function<void()>> closedCallbacks_;
    std::array<char, 256> streamScratch_{};
    bool streamStarted_ = false;
    bool streamOpen_ = false;
    bool streamClosing_ = false;
    bool streamCounted_ = false;
    bool closedFired_ = false;
    bool chunked_ = true;
    bool writing_ = false;
};

}  // namespace detail

using detail::Connection;
using detail::ExchangeImpl;

struct HttpServer::Impl : std::enable_shared_from_this<HttpServer::Impl> {
    Impl(net::io_context& ioc, HttpServerOptions options, Handler& handler,
         std::function<void(const ExchangeRecord&)> onRecord)
        : ioc(ioc),
          options(std::move(options)),
          handler(handler),
          onRecord(std::move(onRecord)),
          acceptor(ioc),
          retryTimer(ioc),
          graceTimer(ioc) {
        std::random_device device;
        std::seed_seq seed{device(), device(), device(), device()};
        rng.seed(seed);
    }

    void start();
    void doAccept();
    void onAccept(beast::error_code ec, tcp::socket socket);
    void shutdown(std::chrono::milliseconds grace, std::function<void()> done);
    void stopNow();
    void forceCloseAll();
    void add(Connection* connection);
    void remove(Connection* connection);
    void maybeComplete();
    std::string newRequestId();
    std::vector<std::shared_ptr<Connection>> snapshot();

    net::io_context& ioc;
    HttpServerOptions options;
    Handler& handler;
    std::function<void(const ExchangeRecord&)> onRecord;
    tcp::acceptor acceptor;
    net::steady_timer retryTimer;
    net::steady_timer graceTimer;
    std::atomic<std::uint16_t> boundPort{0};
    bool stopping = false;
    bool completed = false;
    bool acceptErrorLogged = false;
    std::vector<std::function<void()>> doneCallbacks;
    Connection* first = nullptr;
    std::atomic<std::size_t> connections{0};  // not counting the ones refused as busy
    std::size_t rejecting = 0;
    std::atomic<std::size_t> streams{0};
    std::mt19937_64 rng;
};

namespace detail {

// ---- ExchangeImpl ----------------------------------------------------------------------------

ExchangeImpl::~ExchangeImpl() {
    if (!answered) {
        connection->exchangeDropped(*this);
    }
}

void ExchangeImpl::respond(Response response) {
    connection->respond(*this, std::move(response));
}

void ExchangeImpl::readBody(std::uint64_t limit, Response tooLarge,
                            std::function<void(std::string body)> done) {
    connection->readBody(*this, limit, std::move(tooLarge), std::move(done));
}

std::shared_ptr<EventStream> ExchangeImpl::startEventStream(std::vector<Header> headers) {
    return connection->startEventStream(*this, std::move(headers));
}

bool ExchangeImpl::isOpen() const {
    return !answered && connection->exchangeOpen(*this);
}

// ---- Connection: lifetime --------------------------------------------------------------------

Connection::Connection(std::shared_ptr<HttpServer::Impl> server, tcp::socket socket, bool rejecting)
    : rejecting(rejecting),
      server_(std::move(server)),
      stream_(std::move(socket)),
      lingerTimer_(stream_.get_executor()) {
    beast::error_code ec;
    const auto endpoint = stream_.socket().remote_endpoint(ec);
    if (!ec) {
        auto address = endpoint.address();
        if (address.is_v6() && address.to_v6().is_v4_mapped()) {
            address = net::ip::make_address_v4(net::ip::v4_mapped, address.to_v6());
        }
        remote_ = address.to_string();
    }
    server_->add(this);
}

Connection::~Connection() {
    dying_ = true;
    finish();
}

void Connection::finish() {
    if (state_ == State::Closed) {
        return;
    }
    const auto keep = weak_from_this().lock();  // null while being destroyed
    state_ = State::Closed;
    stream_.close();
    lingerTimer_.cancel();
    current_ = nullptr;
    auto bodyDone = std::move(bodyDone_);  // may hold the exchange: release it after the state
    bodyDone_ = nullptr;
    tooLarge_ = {};
    if (streamCounted_) {
        streamCounted_ = false;
        server_->streams.fetch_sub(1, std::memory_order_relaxed);
    }
    streamOpen_ = false;
    if (!dying_) {
        fireClosed();
    }
    if (registered_) {
        registered_ = false;
        server_->remove(this);
    }
}

void Connection::start() {
    waitForRequest(server_->options.headerTimeout);
}

void Connection::rejectBusy() {
    failRequest(503, ErrorCode::StorageUnavailable, "server busy");
}

void Connection::beginShutdown() {
    if (state_ == State::WaitingForRequest) {
        finish();  // idle: nothing in flight
    } else if (state_ == State::Streaming && streamOpen_) {
        close();
    }
    // Everything else finishes its exchange; the answer carries Connection: close.
}

// ---- Connection: requests --------------------------------------------------------------------

// Waits for the first byte of a request, so that an idle keep-alive connection has its own
// timeout and shutdown can tell idle connections from busy ones.
void Connection::waitForRequest(std::chrono::milliseconds timeout) {
    state_ = State::WaitingForRequest;
    stream_.expires_after(timeout);
    stream_.async_read_some(buffer_.prepare(kReadChunk),
                            [self = shared_from_this()](beast::error_code ec, std::size_t bytes) {
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

void Connection::readHeader() {
    state_ = State::ReadingHeader;
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(
        std::min<std::size_t>(server_->options.maxHeaderBytes, 0xffffffffu)));
    // While reading the header the body limit must not apply (Beast's 1 MiB default would fail
    // the header read itself); boost::none is broken on Boost 1.74 with g++ 12.
    parser_->body_limit(kNoLimit);
    stream_.expires_after(server_->options.headerTimeout);
    bhttp::async_read_header(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, std::size_t) { self->onHeader(ec); });
}

void Connection::onHeader(beast::error_code ec) {
    if (state_ != State::ReadingHeader) {
        return;
    }
    if (ec == bhttp::error::header_limit || ec == bhttp::error::buffer_overflow) {
        failRequest(
            413, ErrorCode::TooLarge,
            "request header over " + std::to_string(server_->options.maxHeaderBytes) + " bytes");
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
        shared_from_this(), std::move(head), request.version(), request.keep_alive(),
        request.method() == bhttp::verb::head, expectContinue);
    current_ = exchange.get();
    state_ = State::Handling;
    try {
        server_->handler.handle(exchange);
    } catch (const std::exception& error) {
        std::cerr << "deskboard-server: the handler of request " << exchange->head().requestId
                  << " threw: " << error.what() << "; closing its connection\n";
        exchange->answered = true;
        finish();
    }
}

void Connection::nextRequest() {
    if (server_->stopping) {
        linger(false);
    } else if (buffer_.size() > 0) {
        readHeader();  // pipelined
    } else {
        waitForRequest(server_->options.idleTimeout);
    }
}

// An answer of the HTTP layer itself (no exchange): a JSON error, then close.
void Connection::failRequest(int status, ErrorCode code, std::string message) {
    const std::string requestId = server_->newRequestId();
    if (server_->onRecord) {
        ExchangeRecord record;
        if (parser_) {
            record.method = std::string(parser_->get().method_string());
        }
        record.route = "unmatched";
        record.status = status;
        record.requestId = requestId;
        record.remoteAddress = remote_;
        server_->onRecord(record);
    }
    Response response{
        status, std::string(kJson), protocol::errorBody(ApiError{code, std::move(message)}), {}};
    if (status == 503) {
        response.headers.push_back({"Retry-After", "1"});
    }
    writeResponse(11, false, false, requestId, std::move(response));
}

void Connection::respond(ExchangeImpl& exchange, Response response) {
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

void Connection::writeResponse(unsigned version, bool keepAlive, bool isHead,
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
    keepAlive_ = keepAlive && !server_->stopping;
    message.keep_alive(keepAlive_);
    if (!noBody) {
        message.content_length(response.body.size());
        if (!isHead) {
            message.body() = std::move(response.body);
        }
    }
    state_ = State::Writing;
    stream_.expires_after(server_->options.writeTimeout);
    bhttp::async_write(
        stream_, message,
        [self = shared_from_this()](beast::error_code ec, std::size_t) { self->onWritten(ec); });
}

void Connection::onWritten(beast::error_code ec) {
    if (state_ != State::Writing) {
        return;
    }
    response_.reset();
    if (ec) {
        finish();
    } else if (!keepAlive_ || server_->stopping) {
        linger(false);
    } else {
        nextRequest();
    }
}

void Connection::record(ExchangeImpl& exchange, int status) {
    if (!server_->onRecord) {
        return;
    }
    ExchangeRecord record;
    record.method = exchange.requestHead.method;
    record.route = exchange.route.empty() ? std::string("unmatched") : std::move(exchange.route);
    record.status = status;
    record.duration = Clock::now() - exchange.requestHead.received;
    record.userId = std::move(exchange.userId);
    record.requestId = exchange.requestHead.requestId;
    record.remoteAddress = remote_;
    server_->onRecord(record);
}

void Connection::exchangeDropped(ExchangeImpl& exchange) {
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

// ---- Connection: bodies ----------------------------------------------------------------------

void Connection::readBody(ExchangeImpl& exchange, std::uint64_t limit, Response tooLarge,
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
    bodyDone_ = std::move(done);
    tooLarge_ = std::move(tooLarge);
    bodyLimit_ = limit;
    if (!exchange.expectContinue) {
        readBodyNow(exchange.shared_from_this());
        return;
    }
    stream_.expires_after(server_->options.writeTimeout);
    net::async_write(stream_, net::buffer(kContinue.data(), kContinue.size()),
                     [self = shared_from_this(), exchange = exchange.shared_from_this()](
                         beast::error_code ec, std::size_t) mutable {
                         if (self->state_ != State::ReadingBody) {
                             return;
                         }
                         if (ec) {
                             self->finish();
                             return;
                         }
                         self->readBodyNow(std::move(exchange));
                     });
}

void Connection::readBodyNow(std::shared_ptr<ExchangeImpl> exchange) {
    parser_->body_limit(bodyLimit_);
    stream_.expires_after(server_->options.bodyTimeout);
    bhttp::async_read(stream_, buffer_, *parser_,
                      [self = shared_from_this(), exchange = std::move(exchange)](
                          beast::error_code ec, std::size_t) { self->onBody(ec, *exchange); });
}

void Connection::onBody(beast::error_code ec, ExchangeImpl& exchange) {
    if (state_ != State::ReadingBody) {
        return;
    }
    state_ = State::Handling;
    auto done = std::move(bodyDone_);
    bodyDone_ = nullptr;
    auto tooLarge = std::move(tooLarge_);
    tooLarge_ = {};
    if (ec == bhttp::error::body_limit) {
        respond(exchange, std::move(tooLarge));
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
        done(std::move(parser_->get().body()));
    }
}

// ---- Connection: closing ---------------------------------------------------------------------

// Half-closes and reads what the client still sends (for at most 2 s and 16 MiB) before
// closing, so that its unread upload does not turn into an RST that destroys our answer.
void Connection::linger(bool readPending) {
    state_ = State::Closing;
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    if (ec) {
        finish();
        return;
    }
    lingerBytes_ = 0;
    lingerTimer_.expires_after(kLingerTime);
    lingerTimer_.async_wait([self = shared_from_this()](beast::error_code ec) {
        if (!ec) {
            self->finish();
        }
    });
    if (!readPending) {
        buffer_.consume(buffer_.size());
        drain();
    }
}

// Reads and discards: while lingering, and on an event stream to notice the peer leaving.
void Connection::drain() {
    stream_.expires_never();
    const bool streaming = streamStarted_;
    const auto target = streaming
                            ? net::mutable_buffer(streamScratch_.data(), streamScratch_.size())
                            : buffer_.prepare(kDrainChunk);
    stream_.async_read_some(target,
                            [self = shared_from_this()](beast::error_code ec, std::size_t bytes) {
                                self->onDrained(ec, bytes);
                            });
}

void Connection::onDrained(beast::error_code ec, std::size_t bytes) {
    if (state_ == State::Closed) {
        return;
    }
    if (ec) {
        finish();  // end of a lingering close, or the stream's peer left
        return;
    }
    if (state_ == State::Closing) {
        lingerBytes_ += bytes;
        if (lingerBytes_ > kLingerBytes) {
            finish();
            return;
        }
    }
    drain();
}

// ---- Connection: event streams ---------------------------------------------------------------

std::shared_ptr<EventStream> Connection::startEventStream(ExchangeImpl& exchange,
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
    state_ = State::Streaming;
    streamStarted_ = true;
    streamOpen_ = true;
    streamCounted_ = true;
    server_->streams.fetch_add(1, std::memory_order_relaxed);
    chunked_ = exchange.version >= 11;

    auto& message = streamResponse_.emplace();
    message.version(chunked_ ? 11 : 10);
    message.result(bhttp::status::ok);
    message.set(bhttp::field::content_type, "text/event-stream");
    message.set(bhttp::field::cache_control, "no-store");
    message.set("X-Request-Id", exchange.requestHead.requestId);
    for (const auto& header : headers) {
        addHeader(message, header);
    }
    if (chunked_) {
        message.set(bhttp::field::connection, "keep-alive");
        message.chunked(true);  // never prepare_payload(): it would add Content-Length: 0
    } else {
        message.keep_alive(false);  // HTTP/1.0: close-delimited
    }
    streamSerializer_.emplace(message);
    parser_.reset();
    buffer_.consume(buffer_.size());
    buffer_.shrink_to_fit();

    drain();  // a read stays pending (no timeout) to notice the peer leaving
    writing_ = true;
    stream_.expires_after(server_->options.writeTimeout);  // the write's timer only
    bhttp::async_write_header(stream_, *streamSerializer_,
                              [self = shared_from_this()](beast::error_code ec, std::size_t) {
                                  self->onEventWritten(ec, false);
                              });
    return shared_from_this();
}

bool Connection::send(std::string text) {
    if (!isOpen()) {
        return false;
    }
    if (text.empty()) {
        return true;  // an empty chunk would end the stream
    }
    if (queue_.size() >= server_->options.maxStreamQueuedEvents) {
        finish();  // slow consumer
        return false;
    }
    queue_.push_back(std::move(text));
    if (!writing_) {
        writeNextEvent();
    }
    return true;
}

void Connection::writeNextEvent() {
    if (queue_.empty()) {
        writing_ = false;
        if (streamClosing_) {
            endStreamWrites();
        }
        return;
    }
    writing_ = true;
    stream_.expires_after(server_->options.writeTimeout);
    auto handler = [self = shared_from_this()](beast::error_code ec, std::size_t) {
        self->onEventWritten(ec, true);
    };
    if (chunked_) {
        net::async_write(stream_, bhttp::make_chunk(net::buffer(queue_.front())),
                         std::move(handler));
    } else {
        net::async_write(stream_, net::buffer(queue_.front()), std::move(handler));
    }
}

void Connection::onEventWritten(beast::error_code ec, bool popFront) {
    if (state_ == State::Closed) {
        return;
    }
    if (ec) {
        finish();
        return;
    }
    if (popFront) {
        queue_.pop_front();
    } else {
        streamSerializer_.reset();
        streamResponse_.reset();
    }
    writeNextEvent();
}

void Connection::close() {
    if (!isOpen()) {
        return;
    }
    streamOpen_ = false;
    streamClosing_ = true;
    fireClosed();
    if (!writing_) {
        endStreamWrites();
    }
}

// After close(): the last chunk, then a half-close; the pending read sees the peer's EOF.
void Connection::endStreamWrites() {
    if (!chunked_) {
        linger(true);
        return;
    }
    writing_ = true;
    stream_.expires_after(server_->options.writeTimeout);
    net::async_write(stream_, bhttp::make_chunk_last(),
                     [self = shared_from_this()](beast::error_code ec, std::size_t) {
                         if (self->state_ == State::Closed) {
                             return;
                         }
                         self->writing_ = false;
                         if (ec) {
                             self->finish();
                         } else {
                             self->linger(true);
                         }
                     });
}

void Connection::onClosed(std::function<void()> callback) {
    if (!callback) {
        return;
    }
    if (closedFired_) {
        net::post(stream_.get_executor(), std::move(callback));
    } else {
        closedCallbacks_.push_back(std::move(callback));
    }
}

// Posted, so that a hub may close streams while iterating over them.
void Connection::fireClosed() {
    if (!streamStarted_ || closedFired_) {
        return;
    }
    closedFired_ = true;
    if (closedCallbacks_.empty()) {
        return;
    }
    net::post(stream_.get_executor(), [callbacks = std::move(closedCallbacks_)] {
        for (const auto& callback : callbacks) {
            callback();
        }
    });
    closedCallbacks_.clear();
}

}  // namespace detail

// ---- HttpServer::Impl ------------------------------------------------------------------------

void HttpServer::Impl::start() {
    const std::string where = endpointText(options.host, options.port);
    beast::error_code ec;
    tcp::endpoint endpoint;
    const auto address = net::ip::make_address(options.host, ec);
    if (!ec) {
        endpoint = tcp::endpoint(address, options.port);
    } else {
        tcp::resolver resolver(ioc);
        const auto results = resolver.resolve(options.host, std::to_string(options.port), ec);
        if (ec || results.empty()) {
            throw std::system_error(
                std::make_error_code(std::errc::invalid_argument),
                "cannot listen on " + where + ": cannot resolve " + options.host);
        }
        endpoint = results.begin()->endpoint();
    }
    const auto fail = [&](const beast::error_code& error) {
        beast::error_code ignored;
        acceptor.close(ignored);
        throw std::system_error(std::error_code(error.value(), std::system_category()),
                                "cannot listen on " + where);
    };
    acceptor.open(endpoint.protocol(), ec);
    if (ec) {
        fail(ec);
    }
    acceptor.set_option(net::socket_base::reuse_address(true), ec);
    if (options.reusePort) {
        using ReusePort = net::detail::socket_option::boolean<SOL_SOCKET, SO_REUSEPORT>;
        acceptor.set_option(ReusePort(true), ec);
        if (ec) {
            fail(ec);
        }
    }
    acceptor.bind(endpoint, ec);
    if (ec) {
        fail(ec);
    }
    acceptor.listen(net::socket_base::max_listen_connections, ec);
    if (ec) {
        fail(ec);
    }
    boundPort.store(acceptor.local_endpoint().port());
    doAccept();
}

void HttpServer::Impl::doAccept() {
    acceptor.async_accept([self = shared_from_this()](beast::error_code ec, tcp::socket socket) {
        self->onAccept(ec, std::move(socket));
    });
}

void HttpServer::Impl::onAccept(beast::error_code ec, tcp::socket socket) {
    if (stopping || ec == net::error::operation_aborted) {
        return;
    }
    if (ec) {
        // EMFILE and friends: say it once, keep trying.
        if (!acceptErrorLogged) {
            acceptErrorLogged = true;
            std::cerr << "deskboard-server: accept failed: " << ec.message()
                      << " (retrying every 100 ms)\n";
        }
        retryTimer.expires_after(std::chrono::milliseconds(100));
        retryTimer.async_wait([self = shared_from_this()](beast::error_code waitError) {
            if (!waitError && !self->stopping) {
                self->doAccept();
            }
        });
        return;
    }
    acceptErrorLogged = false;
    beast::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    const bool busy = connections.load(std::memory_order_relaxed) >= options.maxConnections;
    auto connection = std::make_shared<Connection>(shared_from_this(), std::move(socket), busy);
    if (busy) {
        connection->rejectBusy();
    } else {
        connection->start();
    }
    doAccept();
}

void HttpServer::Impl::add(Connection* connection) {
    connection->next = first;
    if (first != nullptr) {
        first->prev = connection;
    }
    first = connection;
    if (connection->rejecting) {
        ++rejecting;
    } else {
        connections.fetch_add(1, std::memory_order_relaxed);
    }
}

void HttpServer::Impl::remove(Connection* connection) {
    if (connection->prev != nullptr) {
        connection->prev->next = connection->next;
    } else {
        first = connection->next;
    }
    if (connection->next != nullptr) {
        connection->next->prev = connection->prev;
    }
    connection->prev = connection->next = nullptr;
    if (connection->rejecting) {
        --rejecting;
    } else {
        connections.fetch_sub(1, std::memory_order_relaxed);
    }
    maybeComplete();
}

std::vector<std::shared_ptr<Connection>> HttpServer::Impl::snapshot() {
    std::vector<std::shared_ptr<Connection>> all;
    for (auto* connection = first; connection != nullptr; connection = connection->next) {
        if (auto alive = connection->weak_from_this().lock()) {
            all.push_back(std::move(alive));
        }
    }
    return all;
}

void HttpServer::Impl::shutdown(std::chrono::milliseconds grace, std::function<void()> done) {
    if (done) {
        doneCallbacks.push_back(std::move(done));
    }
    if (stopping) {
        maybeComplete();  // a second call: its `done` comes with the first one's
        return;
    }
    stopping = true;
    beast::error_code ignored;
    acceptor.close(ignored);
    retryTimer.cancel();
    graceTimer.expires_after(grace);
    graceTimer.async_wait([self = shared_from_this()](beast::error_code ec) {
        if (!ec) {
            self->forceCloseAll();
        }
    });
    for (const auto& connection : snapshot()) {
        connection->beginShutdown();
    }
    maybeComplete();
}

void HttpServer::Impl::forceCloseAll() {
    for (const auto& connection : snapshot()) {
        connection->finish();
    }
}

void HttpServer::Impl::stopNow() {
    stopping = true;
    beast::error_code ignored;
    acceptor.close(ignored);
    retryTimer.cancel();
    forceCloseAll();
    graceTimer.cancel();
}

void HttpServer::Impl::maybeComplete() {
    if (!stopping || first != nullptr) {
        return;
    }
    if (!completed) {
        completed = true;
        graceTimer.cancel();
    }
    for (auto& done : doneCallbacks) {
        net::post(ioc, std::move(done));
    }
    doneCallbacks.clear();
}

std::string HttpServer::Impl::newRequestId() {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string id(32, '0');
    for (int half = 0; half < 2; ++half) {
        std::uint64_t bits = rng();
        for (int i = 0; i < 16; ++i) {
            id[static_cast<std::size_t>(half * 16 + i)] = kHex[bits & 0xf];
            bits >>= 4;
        }
    }
    return id;
}

// ---- HttpServer ------------------------------------------------------------------------------

HttpServer::HttpServer(net::io_context& ioc, HttpServerOptions options, Handler& handler,
                       std::function<void(const ExchangeRecord&)> onRecord)
    : impl_(std::make_shared<Impl>(ioc, std::move(options), handler, std::move(onRecord))) {}

HttpServer::~HttpServer() {
    impl_->stopNow();
}

void HttpServer::start() {
    impl_->start();
}

std::uint16_t HttpServer::port() const {
    return impl_->boundPort.load();
}

void HttpServer::shutdown(std::chrono::milliseconds grace, std::function<void()> done) {
    impl_->shutdown(grace, std::move(done));
}

std::size_t HttpServer::openConnections() const {
    return impl_->connections.load(std::memory_order_relaxed);
}

std::size_t HttpServer::openStreams() const {
    return impl_->streams.load(std::memory_order_relaxed);
}

}  // namespace deskboard::server::http
