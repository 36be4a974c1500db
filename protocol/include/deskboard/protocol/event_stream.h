// The Server-Sent Events framing of GET /api/dashboard/state/events (the WHATWG HTML
// standard's "text/event-stream"): the server's writer and the client's incremental parser, in
// one place so the two ends cannot drift apart. The server writes each accepted version as
//   id: <version>\nevent: version\ndata: <StateEvent JSON>\n\n
// and a comment line (": heartbeat") every heartbeat interval, so a client can tell a live but
// quiet stream from a dead one (SseParser::commentsSeen()). No I/O: the caller feeds bytes in.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace deskboard::protocol {

// One dispatched event. `id` is the stream's last event ID when it was dispatched (it carries
// over from earlier events until an `id` field changes it), `event` its type ("message" when
// the event named none), `data` its data lines joined with '\n'.
struct SseEvent {
    std::string id;
    std::string event;
    std::string data;

    friend bool operator==(const SseEvent&, const SseEvent&) = default;
};

// Incremental parser following the WHATWG event-stream interpretation rules: lines end in
// "\n", "\r\n" or "\r" (a "\r\n" split across two chunks is one line end), a leading UTF-8 BOM
// is skipped, lines starting with ':' are comments, "field: value" loses one space after the
// colon, "data" lines are joined with '\n', "event" sets the type, "id" (without NUL) sets the
// last event ID, "retry" (digits only) the reconnection time, other fields are ignored, and an
// empty line dispatches the event (nothing when no data line came). An event still open when the
// stream ends is never dispatched. Bytes are kept as they are (no UTF-8 decoding).
// Bounded: a line longer than maxLineBytes, or an event whose data grows past maxEventBytes,
// puts the parser in the failed state for good; the client should drop the connection.
class SseParser {
  public:
    static constexpr std::size_t kDefaultMaxLineBytes = 64 * 1024;
    static constexpr std::size_t kDefaultMaxEventBytes = 1024 * 1024;

    explicit SseParser(std::size_t maxLineBytes = kDefaultMaxLineBytes,
                       std::size_t maxEventBytes = kDefaultMaxEventBytes);

    // The events completed by `chunk`, in order. Once failed, returns the events completed
    // before the failure in this chunk and nothing ever after.
    std::vector<SseEvent> feed(std::string_view chunk);

    // Comment lines seen so far (the server's heartbeats and its ": connected" greeting).
    std::size_t commentsSeen() const { return comments_; }
    bool failed() const { return failed_; }
    // The stream's last event ID as of the last dispatch (send it as Last-Event-ID on reconnect).
    const std::string& lastEventId() const { return lastEventId_; }
    // The reconnection time the server asked for with a `retry` field, in milliseconds.
    std::optional<std::int64_t> retryMilliseconds() const { return retry_; }

  private:
    void processLine(std::vector<SseEvent>& out);
    void dispatch(std::vector<SseEvent>& out);
    void fail();

    std::size_t maxLineBytes_;
    std::size_t maxEventBytes_;
    std::string line_;
    std::string data_;
    std::string eventType_;
    std::string idBuffer_;
    std::string lastEventId_;
    std::string start_;  // the first bytes while a BOM is still possible
    std::optional<std::int64_t> retry_;
    std::size_t comments_ = 0;
    bool startChecked_ = false;
    bool afterCarriageReturn_ = false;  // the last line ended in '\r': a '\n' next is its end too
    bool failed_ = false;
};

// Appends one event: "id: <id>\n" (left out when `id` is empty), "event: <event>\n" (left out
// when empty), one "data: <line>\n" per line of `data` (split at "\r\n", "\r" and "\n"), and the
// empty line that dispatches it. `id` and `event` are single-line values: line breaks in them
// (and NUL in `id`, which the parser would refuse) cannot be carried and are dropped.
void appendSseEvent(std::string& out, const SseEvent& event);
void appendSseEvent(std::string& out, std::string_view id, std::string_view event,
                    std::string_view data);

// Appends a comment (": <text>\n", one per line of `text`) and an empty line, so it is a block
// of its own that line-buffering readers and proxies pass on at once; it dispatches nothing.
void appendSseComment(std::string& out, std::string_view text);

// Appends "retry: <milliseconds>\n", the reconnection time for the client; a field line, so it
// belongs to the block that follows (the server sends it before its first comment).
void appendSseRetry(std::string& out, std::int64_t milliseconds);

}  // namespace deskboard::protocol
