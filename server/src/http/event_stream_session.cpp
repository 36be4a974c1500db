#include "http/event_stream_session.h"

#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>

namespace deskboard::server::http::detail {

EventStreamSession::EventStreamSession(std::shared_ptr<Listener> server, tcp::socket socket,
                                       Listener::Slot slot, unsigned version)
    : server_(std::move(server)),
      stream_(std::move(socket)),
      lingerTimer_(stream_.get_executor()),
      slot_(slot),
      chunked_(version >= 11) {
    server_->streamOpened();
}

EventStreamSession::~EventStreamSession() {
    closeNow(false);  // no callbacks from a destructor: the io_context may be going away
}

void EventStreamSession::start(const std::string& requestId, const std::vector<Header>& headers) {
    server_->handOver(slot_, weak_from_this());
    auto& message = response_.emplace();
    message.version(chunked_ ? 11 : 10);
    message.result(bhttp::status::ok);
    message.set(bhttp::field::content_type, "text/event-stream");
    message.set(bhttp::field::cache_control, "no-store");
    message.set("X-Request-Id", requestId);
    for (const auto& header : headers) {
        addHeader(message, header);
    }
    if (chunked_) {
        message.set(bhttp::field::connection, "keep-alive");
        message.chunked(true);  // never prepare_payload(): it would add Content-Length: 0
    } else {
        message.keep_alive(false);  // HTTP/1.0: close-delimited
    }
    serializer_.emplace(message);

    drain();  // a read stays pending (no timeout) to notice the peer leaving
    writing_ = true;
    stream_.expires_after(server_->options().writeTimeout);  // the write's timer only
    bhttp::async_write_header(
        stream_, *serializer_,
        [self = self()](beast::error_code ec, std::size_t) { self->onEventWritten(ec, false); });
}

void EventStreamSession::beginShutdown() {
    if (state_ == State::Open) {
        close();
    }
}

void EventStreamSession::closeNow(bool notify) {
    if (state_ == State::Closed) {
        return;
    }
    const auto keep = weak_from_this().lock();  // null while being destroyed
    const bool wasOpen = state_ == State::Open;
    state_ = State::Closed;
    stream_.close();
    lingerTimer_.cancel();
    server_->streamClosed();
    if (wasOpen && notify) {
        fireClosed();
    }
    server_->remove(slot_);
}

// ---- events ----------------------------------------------------------------------------------

bool EventStreamSession::send(std::string text) {
    if (!isOpen()) {
        return false;
    }
    if (text.empty()) {
        return true;  // an empty chunk would end the stream
    }
    if (queue_.size() >= server_->options().maxStreamQueuedEvents) {
        finish();  // slow consumer
        return false;
    }
    queue_.push_back(std::move(text));
    if (!writing_) {
        writeNextEvent();
    }
    return true;
}

void EventStreamSession::writeNextEvent() {
    if (queue_.empty()) {
        writing_ = false;
        if (state_ == State::Ending) {
            endWrites();
        }
        return;
    }
    writing_ = true;
    stream_.expires_after(server_->options().writeTimeout);
    auto handler = [self = self()](beast::error_code ec, std::size_t) {
        self->onEventWritten(ec, true);
    };
    if (chunked_) {
        net::async_write(stream_, bhttp::make_chunk(net::buffer(queue_.front())),
                         std::move(handler));
    } else {
        net::async_write(stream_, net::buffer(queue_.front()), std::move(handler));
    }
}

void EventStreamSession::onEventWritten(beast::error_code ec, bool popFront) {
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
        serializer_.reset();  // the header is written
        response_.reset();
    }
    writeNextEvent();
}

// ---- closing ---------------------------------------------------------------------------------

void EventStreamSession::close() {
    if (!isOpen()) {
        return;
    }
    state_ = State::Ending;
    fireClosed();
    if (!writing_) {
        endWrites();
    }
}

// After close(): the last chunk, then a half-close; the pending read sees the peer's EOF.
void EventStreamSession::endWrites() {
    if (!chunked_) {
        linger();
        return;
    }
    writing_ = true;
    stream_.expires_after(server_->options().writeTimeout);
    net::async_write(stream_, bhttp::make_chunk_last(),
                     [self = self()](beast::error_code ec, std::size_t) {
                         if (self->state_ == State::Closed) {
                             return;
                         }
                         self->writing_ = false;
                         if (ec) {
                             self->finish();
                         } else {
                             self->linger();
                         }
                     });
}

// Half-closes and waits (at most kLingerTime and kLingerBytes) for the peer's EOF on the read
// that is already pending.
void EventStreamSession::linger() {
    state_ = State::Lingering;
    lingerBytes_ = 0;
    beginLinger(stream_.socket(), lingerTimer_, self());
}

// Reads and discards, to notice the peer leaving.
void EventStreamSession::drain() {
    stream_.expires_never();
    stream_.async_read_some(
        net::mutable_buffer(scratch_.data(), scratch_.size()),
        [self = self()](beast::error_code ec, std::size_t bytes) { self->onDrained(ec, bytes); });
}

void EventStreamSession::onDrained(beast::error_code ec, std::size_t bytes) {
    if (state_ == State::Closed) {
        return;
    }
    if (ec) {
        finish();  // the peer left, or the end of a lingering close
        return;
    }
    if (state_ == State::Lingering) {
        lingerBytes_ += bytes;
        if (lingerBytes_ > kLingerBytes) {
            finish();
            return;
        }
    }
    drain();
}

void EventStreamSession::onClosed(std::function<void()> callback) {
    if (!callback) {
        return;
    }
    if (state_ != State::Open) {
        net::post(stream_.get_executor(), std::move(callback));
    } else {
        closedCallbacks_.push_back(std::move(callback));
    }
}

// Posted, so that a hub may close streams while iterating over them.
void EventStreamSession::fireClosed() {
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

}  // namespace deskboard::server::http::detail
