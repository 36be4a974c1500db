// Test support: holds a Server-Sent Events stream of a real deskboard-server open through
// QNetworkAccessManager and collects its events, so tests can wait for one (with a deadline)
// and see when the server ends the stream.
#pragma once

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTest>
#include <nlohmann/json.hpp>

namespace deskboard::testing {

struct ServerSentEvent {
    QByteArray id;
    QByteArray event;
    QByteArray data;
    nlohmann::json json() const {
        return nlohmann::json::parse(data.toStdString(), nullptr, false);
    }
};

class EventStreamReader {
  public:
    EventStreamReader(const QString& baseUrl, const QByteArray& token,
                      QList<QPair<QByteArray, QByteArray>> headers = {}) {
        QNetworkRequest request(QUrl(baseUrl + QStringLiteral("/api/dashboard/state/events")));
        request.setRawHeader("Authorization", "Bearer " + token);
        request.setRawHeader("Accept", "text/event-stream");
        for (const auto& [name, value] : headers) {
            request.setRawHeader(name, value);
        }
        reply_ = manager_.get(request);
        QObject::connect(reply_, &QNetworkReply::readyRead, [this] { read(); });
        QObject::connect(reply_, &QNetworkReply::finished, [this] {
            read();
            finished_ = true;
        });
    }
    ~EventStreamReader() {
        if (!finished_) {
            reply_->abort();
        }
        reply_->deleteLater();
    }

    int status() const {
        return reply_->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    }
    bool isFinished() const { return finished_; }
    const QList<ServerSentEvent>& events() const { return events_; }
    int comments() const { return comments_; }
    QByteArray body() const { return raw_; }

    bool waitForEvents(int count, int timeoutMs = 5000) {
        return QTest::qWaitFor([&] { return events_.size() >= count; }, timeoutMs);
    }
    bool waitForFinished(int timeoutMs = 5000) {
        return QTest::qWaitFor([&] { return finished_; }, timeoutMs);
    }
    bool waitForStatus(int timeoutMs = 5000) {
        return QTest::qWaitFor([&] { return status() != 0 || finished_; }, timeoutMs);
    }

  private:
    void read() {
        const QByteArray chunk = reply_->readAll();
        raw_ += chunk;
        pending_ += chunk;
        qsizetype end = 0;
        while ((end = pending_.indexOf("\n\n")) >= 0) {
            const QByteArray block = pending_.left(end);
            pending_.remove(0, end + 2);
            ServerSentEvent event;
            bool isComment = true;
            for (const QByteArray& line : block.split('\n')) {
                if (line.startsWith(':')) {
                    continue;
                }
                isComment = false;
                if (line.startsWith("id: ")) {
                    event.id = line.mid(4);
                } else if (line.startsWith("event: ")) {
                    event.event = line.mid(7);
                } else if (line.startsWith("data: ")) {
                    event.data = line.mid(6);
                }
            }
            if (isComment) {
                ++comments_;
            } else if (!event.data.isEmpty()) {
                events_.append(event);
            }
        }
    }

    QNetworkAccessManager manager_;
    QNetworkReply* reply_ = nullptr;
    QByteArray raw_;
    QByteArray pending_;
    QList<ServerSentEvent> events_;
    int comments_ = 0;
    bool finished_ = false;
};

}  // namespace deskboard::testing
