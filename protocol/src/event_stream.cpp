#include <algorithm>

#include <deskboard/protocol/event_stream.h>

#include "wire_fields.h"

namespace deskboard::protocol {
namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";
// A reconnection time past this (about 115 days) is taken as this.
constexpr std::int64_t kMaxRetryMilliseconds = std::int64_t{10'000'000'000};

// `text` without '\r', '\n' (and NUL when `dropNul`).
void appendSingleLine(std::string& out, std::string_view text, bool dropNul) {
    for (const char c : text) {
        if (c != '\r' && c != '\n' && !(dropNul && c == '\0')) {
            out += c;
        }
    }
}

// Calls `line` for each line of `text`, split at "\r\n", "\r" and "\n"; an empty text is one
// empty line.
template <typename Line>
void forEachLine(std::string_view text, Line&& line) {
    std::size_t start = 0;
    while (true) {
        const auto end = text.find_first_of("\r\n", start);
        if (end == std::string_view::npos) {
            line(text.substr(start));
            return;
        }
        line(text.substr(start, end - start));
        start = end + 1;
        if (text[end] == '\r' && start < text.size() && text[start] == '\n') {
            ++start;
        }
    }
}

}  // namespace

SseParser::SseParser(std::size_t maxLineBytes, std::size_t maxEventBytes)
    : maxLineBytes_(maxLineBytes), maxEventBytes_(maxEventBytes) {}

void SseParser::fail() {
    failed_ = true;
    line_.clear();
    line_.shrink_to_fit();
    data_.clear();
    data_.shrink_to_fit();
    eventType_.clear();
    start_.clear();
}

std::vector<SseEvent> SseParser::feed(std::string_view chunk) {
    std::vector<SseEvent> events;
    if (failed_) {
        return events;
    }
    std::string held;
    if (!startChecked_) {
        // Skip one leading BOM, which may arrive split over several chunks.
        start_.append(chunk.substr(0, kBom.size()));
        const std::size_t taken = std::min(chunk.size(), kBom.size());
        const std::size_t compared = std::min(start_.size(), kBom.size());
        if (start_.compare(0, compared, kBom.substr(0, compared)) == 0 &&
            start_.size() < kBom.size()) {
            return events;  // still a prefix of the BOM: wait for more
        }
        startChecked_ = true;
        held = start_.substr(0, kBom.size()) == kBom ? start_.substr(kBom.size()) : start_;
        held.append(chunk.substr(taken));
        start_.clear();
        chunk = held;
    }
    std::size_t pos = 0;
    while (pos < chunk.size()) {
        if (afterCarriageReturn_) {
            afterCarriageReturn_ = false;
            if (chunk[pos] == '\n') {
                ++pos;
                continue;
            }
        }
        const auto end = chunk.find_first_of("\r\n", pos);
        const std::size_t length = (end == std::string_view::npos ? chunk.size() : end) - pos;
        if (line_.size() + length > maxLineBytes_) {
            fail();
            return events;
        }
        line_.append(chunk.substr(pos, length));
        if (end == std::string_view::npos) {
            break;
        }
        afterCarriageReturn_ = chunk[end] == '\r';
        pos = end + 1;
        processLine(events);
        if (failed_) {
            return events;
        }
    }
    return events;
}

void SseParser::processLine(std::vector<SseEvent>& out) {
    const std::string_view line = line_;
    if (line.empty()) {
        dispatch(out);
    } else if (line.front() == ':') {
        ++comments_;
    } else {
        const auto colon = line.find(':');
        const std::string_view field = line.substr(0, colon);
        std::string_view value;
        if (colon != std::string_view::npos) {
            value = line.substr(colon + 1);
            if (!value.empty() && value.front() == ' ') {
                value.remove_prefix(1);
            }
        }
        if (field == "data") {
            if (data_.size() + value.size() + 1 > maxEventBytes_) {
                fail();
                return;
            }
            data_.append(value);
            data_ += '\n';
        } else if (field == "event") {
            eventType_.assign(value);
        } else if (field == "id") {
            if (value.find('\0') == std::string_view::npos) {
                idBuffer_.assign(value);
            }
        } else if (field == "retry") {
            if (!value.empty() && std::all_of(value.begin(), value.end(),
                                              [](char c) { return c >= '0' && c <= '9'; })) {
                std::int64_t milliseconds = 0;
                for (const char c : value) {
                    milliseconds = std::min(milliseconds * 10 + (c - '0'), kMaxRetryMilliseconds);
                }
                retry_ = milliseconds;
            }
        }
    }
    line_.clear();
}

void SseParser::dispatch(std::vector<SseEvent>& out) {
    lastEventId_ = idBuffer_;
    if (data_.empty()) {
        eventType_.clear();
        return;
    }
    data_.pop_back();  // the '\n' after the last data line
    out.push_back(SseEvent{lastEventId_, eventType_.empty() ? std::string("message") : eventType_,
                           std::move(data_)});
    data_.clear();
    eventType_.clear();
}

void appendSseEvent(std::string& out, const SseEvent& event) {
    appendSseEvent(out, event.id, event.event, event.data);
}

void appendSseEvent(std::string& out, std::string_view id, std::string_view event,
                    std::string_view data) {
    out.reserve(out.size() + id.size() + event.size() + data.size() + 32);
    if (!id.empty()) {
        out += "id: ";
        appendSingleLine(out, id, true);
        out += '\n';
    }
    if (!event.empty()) {
        out += "event: ";
        appendSingleLine(out, event, false);
        out += '\n';
    }
    forEachLine(data, [&out](std::string_view line) {
        out += "data: ";
        out.append(line);
        out += '\n';
    });
    out += '\n';
}

void appendSseComment(std::string& out, std::string_view text) {
    forEachLine(text, [&out](std::string_view line) {
        out += ": ";
        out.append(line);
        out += '\n';
    });
    out += '\n';
}

void appendSseRetry(std::string& out, std::int64_t milliseconds) {
    out += "retry: ";
    wire::appendInteger(out, std::max<std::int64_t>(milliseconds, 0));
    out += '\n';
}

}  // namespace deskboard::protocol
