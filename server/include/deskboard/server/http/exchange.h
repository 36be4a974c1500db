// One request and its answer on a connection, as the API layer sees it. The HTTP layer creates
// an Exchange after reading a request's header and hands it to the Handler; the handler then
// calls exactly one of respond(), readBody() (and respond() later) or startEventStream().
// Exchanges are shared_ptr-owned; the handler may keep one across asynchronous work (Redis
// lookups, password hashing) and answer later from the same io thread.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include <deskboard/server/http/http_types.h>

namespace deskboard::server::http {

// A Server-Sent Events response in progress. Writes are queued (one in flight); a stream whose
// queue grows past its bound is a slow consumer and is closed.
class EventStream {
  public:
    virtual ~EventStream() = default;
    // Queues raw SSE text (one or more complete events or comment lines). False when the
    // stream is closed or was just closed for being too slow.
    virtual bool send(std::string text) = 0;
    // Ends the stream (the connection is closed after what is queued is written).
    virtual void close() = 0;
    virtual bool isOpen() const = 0;
    // Called once when the stream ends for any reason (peer gone, close(), slow consumer,
    // shutdown). Posted to the io thread, never run inside send() or close(), so a hub may
    // close streams while iterating over them; registered after the end, it is posted at once.
    virtual void onClosed(std::function<void()> callback) = 0;
};

class Exchange {
  public:
    virtual ~Exchange() = default;

    virtual const RequestHead& head() const = 0;

    // Labels for the exchange record: the route template and the authenticated user.
    virtual void setRoute(std::string route) = 0;
    virtual void setUserId(std::string userId) = 0;

    // Answers now. When a body was announced and not read, the connection is not reused
    // (keep-alive off, lingering close) so the client still gets this answer.
    virtual void respond(Response response) = 0;

    // Reads the body (sending "100 Continue" first when the client asked for it), at most
    // `limit` bytes; a larger body gets the `tooLarge` answer without being buffered. Then
    // calls `done` with the body on the io thread.
    virtual void readBody(std::uint64_t limit, Response tooLarge,
                          std::function<void(std::string body)> done) = 0;

    // Answers 200 with `Content-Type: text/event-stream` and the extra headers, and turns the
    // connection into an event stream. Nothing (nullptr) when the connection is already gone.
    virtual std::shared_ptr<EventStream> startEventStream(std::vector<Header> headers) = 0;

    // False once the peer is gone or the server is shutting down and the exchange was dropped.
    virtual bool isOpen() const = 0;
};

// The API layer: receives each request once its header has been read.
class Handler {
  public:
    virtual ~Handler() = default;
    virtual void handle(std::shared_ptr<Exchange> exchange) = 0;
};

}  // namespace deskboard::server::http
