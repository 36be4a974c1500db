// One accepted socket speaking HTTP/1.1 (the "http_session" of Beast's advanced server): waits
// for a request (idle timeout), reads its header (header timeout, size limit: 413, malformed:
// 400), hands it to the Handler as an ExchangeImpl, reads its body when the handler asks
// (100 Continue, body limit, body timeout), writes the answer and goes on with the next request
// (keep-alive, pipelining) or ends with a lingering close. One exchange at a time. When the
// handler starts an event stream, the socket and its registry entry are handed over to an
// EventStreamSession and this session is done. Kept alive by its pending operations and by the
// exchange the handler holds. Everything runs on the server's io thread.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <deskboard/protocol/error.h>
#include <deskboard/server/http/exchange.h>
#include <deskboard/server/http/http_types.h>

#include "http/listener.h"
#include "http/session.h"

namespace deskboard::server::http::detail {

class HttpSession;

// The Exchange handed to the Handler: the request's head and how to answer it. Owns a
// reference to its session, which does the I/O.
class ExchangeImpl final : public Exchange, public std::enable_shared_from_this<ExchangeImpl> {
  public:
    ExchangeImpl(std::shared_ptr<HttpSession> session, RequestHead head, unsigned version,
                 bool keepAlive, bool isHead, bool expectContinue)
        : session(std::move(session)),
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

    const std::shared_ptr<HttpSession> session;
    const RequestHead requestHead;
    std::string route;
    std::string userId;
    const unsigned version;
    const bool keepAlive;
    const bool isHead;
    const bool expectContinue;
    bool answered = false;  // respond() or startEventStream() done (or the handler threw)
    bool bodyRead = false;  // no body left unread on the connection
};

class HttpSession final : public Session {
  public:
    HttpSession(std::shared_ptr<Listener> server, tcp::socket socket);
    ~HttpSession() override;

    // Registers with the listener, then waits for the first request, or answers 503 "server
    // busy" and closes when `busy` (the connection cap is reached).
    void start(bool busy);
    void beginShutdown() override;
    void finish() override;

    // ExchangeImpl's operations.
    void respond(ExchangeImpl& exchange, Response response);
    void readBody(ExchangeImpl& exchange, std::uint64_t limit, Response tooLarge,
                  std::function<void(std::string)> done);
    std::shared_ptr<EventStream> startEventStream(ExchangeImpl& exchange,
                                                  std::vector<Header> headers);
    bool exchangeOpen(const ExchangeImpl& exchange) const {
        return current_ == &exchange && state_ != State::Closed;
    }
    void exchangeDropped(ExchangeImpl& exchange);

  private:
    enum class State {
        WaitingForRequest,  // idle: no byte of the next request yet (shutdown closes now)
        ReadingHeader,
        Handling,     // the handler has the exchange (current_)
        ReadingBody,  // for the handler (body_)
        Writing,      // an answer
        Lingering,    // half-closed after the last answer, reading what the client still sends
        Closed        // the socket is closed, or handed over to an event stream
    };

    // A body being read for the handler.
    struct PendingBody {
        std::function<void(std::string)> done;
        Response tooLarge;
    };

    std::shared_ptr<HttpSession> self() {
        return std::static_pointer_cast<HttpSession>(shared_from_this());
    }
    void waitForRequest(std::chrono::milliseconds timeout);
    void readHeader();
    void onHeader(beast::error_code ec);
    void nextRequest();
    void failRequest(int status, protocol::ErrorCode code, std::string message);
    void writeResponse(unsigned version, bool keepAlive, bool isHead, const std::string& requestId,
                       Response response);
    void onWritten(beast::error_code ec, bool keepAlive);
    void readBodyNow(std::shared_ptr<ExchangeImpl> exchange, std::uint64_t limit);
    void onBody(beast::error_code ec, ExchangeImpl& exchange);
    void record(ExchangeImpl& exchange, int status);
    void linger();
    void drain();
    void onDrained(beast::error_code ec, std::size_t bytes);

    const std::shared_ptr<Listener> server_;
    beast::tcp_stream stream_;
    beast::flat_buffer buffer_;
    net::steady_timer lingerTimer_;
    std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
    std::optional<bhttp::response<bhttp::string_body>> response_;
    std::string remote_;
    std::optional<Listener::Slot> slot_;  // while registered (until closed or handed over)
    State state_ = State::WaitingForRequest;
    ExchangeImpl* current_ = nullptr;  // the exchange the handler works on, if any
    std::optional<PendingBody> body_;
    std::uint64_t lingerBytes_ = 0;
};

}  // namespace deskboard::server::http::detail
