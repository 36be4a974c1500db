// A Server-Sent Events response on a socket an HttpSession handed over (the EventStream the
// handler gets from startEventStream()): writes the 200 header, then the queued events one at a
// time (chunked on HTTP/1.1, close-delimited on HTTP/1.0), each within the write timeout;
// closes a slow consumer whose queue is full; keeps a read pending (no timeout) to notice the
// peer leaving; on close() writes what is queued and the last chunk, then half-closes and
// lingers; calls the onClosed callbacks once. Counted in openStreams() from its creation to its
// end. Kept alive by its pending operations and by the handler's reference. Everything runs on
// the server's io thread.
#pragma once

#include <array>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <deskboard/server/http/exchange.h>
#include <deskboard/server/http/http_types.h>

#include "http/listener.h"
#include "http/session.h"

namespace deskboard::server::http::detail {

class EventStreamSession final : public Session, public EventStream {
  public:
    // Takes over `socket` and its registry entry `slot` from the HTTP session whose request
    // (HTTP/1.`version`) this stream answers.
    EventStreamSession(std::shared_ptr<Listener> server, tcp::socket socket, Listener::Slot slot,
                       unsigned version);
    ~EventStreamSession() override;

    // Writes the response header (200, text/event-stream, X-Request-Id, the handler's headers).
    void start(const std::string& requestId, const std::vector<Header>& headers);
    void beginShutdown() override;
    void finish() override { closeNow(true); }

    bool send(std::string text) override;
    void close() override;
    bool isOpen() const override { return state_ == State::Open; }
    void onClosed(std::function<void()> callback) override;

  private:
    enum class State {
        Open,       // accepts events
        Ending,     // close() called: writing what is queued, then the last chunk
        Lingering,  // half-closed, waiting for the peer's EOF
        Closed
    };

    std::shared_ptr<EventStreamSession> self() {
        return std::static_pointer_cast<EventStreamSession>(shared_from_this());
    }
    void closeNow(bool notify);
    void writeNextEvent();
    void onEventWritten(beast::error_code ec, bool popFront);
    void endWrites();
    void linger();
    void drain();
    void onDrained(beast::error_code ec, std::size_t bytes);
    void fireClosed();

    const std::shared_ptr<Listener> server_;
    beast::tcp_stream stream_;
    net::steady_timer lingerTimer_;
    const Listener::Slot slot_;
    const bool chunked_;  // HTTP/1.1; HTTP/1.0 streams are close-delimited
    State state_ = State::Open;
    std::optional<bhttp::response<bhttp::empty_body>> response_;  // until its header is written
    std::optional<bhttp::response_serializer<bhttp::empty_body>> serializer_;
    std::deque<std::string> queue_;  // front: being written
    bool writing_ = false;
    std::vector<std::function<void()>> closedCallbacks_;
    std::array<char, 256> scratch_{};  // what the peer sends is read and discarded
    std::uint64_t lingerBytes_ = 0;
};

}  // namespace deskboard::server::http::detail
