#include "event_stream.h"

#include <random>

#include <QNetworkReply>

#include <deskboard/protocol/history_messages.h>
#include <deskboard/protocol/json_parse.h>

namespace deskboard::sync {

namespace {
constexpr int kUnavailableAfter = 3;
}

EventStream::EventStream(ApiClient* api, int watchdogMs, QObject* parent)
    : QObject(parent), api_(api) {
    watchdog_.setSingleShot(true);
    watchdog_.setInterval(watchdogMs);
    connect(&watchdog_, &QTimer::timeout, this, [this] {
        // Nothing, not even a heartbeat: the connection is dead even if TCP has not noticed.
        if (reply_) {
            reply_->abort();
        }
    });
    reconnect_.setSingleShot(true);
    connect(&reconnect_, &QTimer::timeout, this, &EventStream::connectNow);
}

EventStream::~EventStream() {
    stop();
}

void EventStream::start(std::optional<std::int64_t> lastEventId) {
    if (lastEventId) {
        lastEventId_ = lastEventId;
    }
    running_ = true;
    failures_ = 0;
    reconnect_.stop();
    if (reply_) {
        return;  // already connected or connecting
    }
    connectNow();
}

void EventStream::stop() {
    running_ = false;
    reconnect_.stop();
    watchdog_.stop();
    if (reply_) {
        QNetworkReply* reply = reply_;
        reply_ = nullptr;
        reply->disconnect(this);
        reply->abort();
        reply->deleteLater();
    }
    setLive(false);
}

void EventStream::connectNow() {
    if (!running_ || reply_) {
        return;
    }
    parser_ = protocol::SseParser();
    QNetworkReply* reply = api_->openEventStream(lastEventId_);
    if (!reply) {
        scheduleReconnect();
        return;
    }
    reply_ = reply;
    connect(reply, &QNetworkReply::readyRead, this, &EventStream::onData);
    connect(reply, &QNetworkReply::finished, this, &EventStream::onFinished);
    connect(reply, &QNetworkReply::metaDataChanged, this, [this, reply] {
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (status == 200) {
            failures_ = 0;
            setLive(true);
        }
    });
    watchdog_.start();
}

void EventStream::onData() {
    if (!reply_) {
        return;
    }
    const int status = reply_->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (status != 200) {
        return;  // an error body; onFinished() handles it
    }
    watchdog_.start();
    const QByteArray chunk = reply_->readAll();
    const auto events = parser_.feed(std::string_view(chunk.constData(), chunk.size()));
    if (parser_.failed()) {
        reply_->abort();
        return;
    }
    for (const auto& event : events) {
        if (event.event != "version") {
            continue;
        }
        auto json = protocol::parseJson(event.data);
        if (!json) {
            continue;
        }
        auto announced = protocol::stateEventFromJson(json.value());
        if (!announced) {
            continue;
        }
        lastEventId_ = announced.value().version;
        emit versionAnnounced(announced.value().version,
                              QString::fromStdString(announced.value().deviceId.value_or("")));
    }
}

void EventStream::onFinished() {
    QNetworkReply* reply = reply_;
    reply_ = nullptr;
    watchdog_.stop();
    setLive(false);
    if (!reply) {
        return;
    }
    reply->deleteLater();
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (!running_) {
        return;
    }
    if (status == 401) {
        emit unauthorized();
        return;
    }
    ++failures_;
    if (failures_ == kUnavailableAfter) {
        emit unavailable(failures_);
    }
    scheduleReconnect();
}

void EventStream::scheduleReconnect() {
    if (!running_) {
        return;
    }
    // 0.5 s, 1 s, 2 s ... up to 60 s, with jitter so many clients do not return in step.
    static thread_local std::mt19937 random{std::random_device{}()};
    const int step = std::min(failures_, 7);
    const int base = std::min(60000, 500 << step);
    std::uniform_int_distribution<int> jitter(base / 2, base);
    reconnect_.start(failures_ <= 1 ? 200 : jitter(random));
}

void EventStream::setLive(bool live) {
    if (live_ != live) {
        live_ = live;
        emit liveChanged(live);
    }
}

}  // namespace deskboard::sync
