// Polls one HTTP(S) URL and picks a value out of each answer, for the HTTP value widget: the
// window's `ui` reaches the network only through `sync` (PRODUCT.md section 1), so the fetching,
// timeouts and JSON pointer live here, with Qt Core/Network only.
// One request at a time: a tick that finds the previous request still running is skipped.
// Every answer ends in exactly one signal, worded for people:
//   valueChanged("42.5", 42.5)   the value at the JSON pointer (RFC 6901), or the whole body as
//                                text when the pointer is empty; `number` is set when the value
//                                is a number or a string holding one. Emitted for every
//                                successful answer, also when the value did not change, so
//                                "updated at" stays true.
//   failed("HTTP 404 Not Found"), failed("Timed out after 10 s"), failed("No value at /a/b"),
//   failed("The answer is not JSON"), failed("Cannot reach example.org: ...")
#pragma once

#include <optional>
#include <variant>

#include <QObject>
#include <QPointer>
#include <QString>
#include <QTimer>
#include <QUrl>

class QNetworkAccessManager;
class QNetworkReply;

namespace deskboard::sync {

class HttpValuePoller : public QObject {
    Q_OBJECT

  public:
    static constexpr int kMinimumIntervalSeconds = 5;
    static constexpr int kDefaultIntervalSeconds = 60;
    static constexpr int kDefaultTimeoutSeconds = 10;
    static constexpr qint64 kMaximumBodyBytes = 4 * 1024 * 1024;

    struct Value {
        QString text;
        std::optional<double> number;
    };
    // The value `pointer` names in `body` (see the header comment), or what is wrong, in words.
    static std::variant<Value, QString> extract(const QByteArray& body, const QString& pointer);

    explicit HttpValuePoller(QObject* parent = nullptr);
    ~HttpValuePoller() override;

    // Changing the URL or the pointer cancels a request in flight (its answer is not reported).
    void setUrl(const QUrl& url);
    QUrl url() const { return url_; }
    void setPointer(const QString& pointer);
    QString pointer() const { return pointer_; }
    // At least kMinimumIntervalSeconds.
    void setIntervalSeconds(int seconds);
    int intervalSeconds() const { return intervalSeconds_; }
    // Whole request, connection to last byte; at least 1 s.
    void setTimeoutSeconds(int seconds);
    int timeoutSeconds() const { return timeoutSeconds_; }

    // Polls at once and then every interval, until stop(). Without a URL it waits for one.
    void start();
    // Stops polling and cancels a request in flight without reporting it.
    void stop();
    bool isRunning() const { return running_; }
    bool isRequestInFlight() const { return !reply_.isNull(); }
    // One request now, unless one is in flight (running or not).
    void pollNow();

  signals:
    void valueChanged(const QString& value, std::optional<double> number);
    void failed(const QString& problem);

  private:
    void cancelRequest();
    void finished(QNetworkReply* reply);

    QNetworkAccessManager* network_ = nullptr;
    QTimer* timer_ = nullptr;
    QPointer<QNetworkReply> reply_;
    QUrl url_;
    QString pointer_;
    int intervalSeconds_ = kDefaultIntervalSeconds;
    int timeoutSeconds_ = kDefaultTimeoutSeconds;
    bool running_ = false;
    bool tooLarge_ = false;
};

}  // namespace deskboard::sync
