// The engine's live connection to GET /api/dashboard/state/events: announces each version the
// server accepted (with the saving device), reconnects with backoff and Last-Event-ID, and
// watches the stream: no byte (event or heartbeat) within the watchdog time means a dead
// connection, which is dropped and reopened. After several failed attempts in a row it says
// so (unavailable()), and the engine polls instead until the stream holds again.
#pragma once

#include <cstdint>
#include <optional>

#include <QObject>
#include <QPointer>
#include <QTimer>

#include <deskboard/protocol/event_stream.h>
#include <deskboard/sync/api_client.h>

class QNetworkReply;

namespace deskboard::sync {

class EventStream : public QObject {
    Q_OBJECT

  public:
    EventStream(ApiClient* api, int watchdogMs, QObject* parent = nullptr);
    ~EventStream() override;

    void start(std::optional<std::int64_t> lastEventId);
    void stop();
    bool isLive() const { return live_; }

  signals:
    void versionAnnounced(std::int64_t version, const QString& deviceId);
    void liveChanged(bool live);
    // The stream failed `attempts` times in a row (the engine then polls).
    void unavailable(int attempts);
    // The stream was refused with 401 (the engine refreshes the token and calls start()).
    void unauthorized();

  private:
    void connectNow();
    void onData();
    void onFinished();
    void setLive(bool live);
    void scheduleReconnect();

    ApiClient* api_;
    QPointer<QNetworkReply> reply_;
    protocol::SseParser parser_;
    QTimer watchdog_;
    QTimer reconnect_;
    std::optional<std::int64_t> lastEventId_;
    int failures_ = 0;
    bool running_ = false;
    bool live_ = false;
};

}  // namespace deskboard::sync
