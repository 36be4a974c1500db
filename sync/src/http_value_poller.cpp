// Polls one URL and picks a value out of each answer; see http_value_poller.h.
#include <cmath>

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <nlohmann/json.hpp>

#include <deskboard/sync/http_value_poller.h>

namespace deskboard::sync {
namespace {

std::optional<double> numberIn(const QString& text) {
    bool ok = false;
    const double number = text.trimmed().toDouble(&ok);
    return ok && std::isfinite(number) ? std::optional<double>(number) : std::nullopt;
}

}  // namespace

std::variant<HttpValuePoller::Value, QString> HttpValuePoller::extract(const QByteArray& body,
                                                                       const QString& pointer) {
    if (pointer.isEmpty()) {
        const QString text = QString::fromUtf8(body).trimmed();
        return Value{text, numberIn(text)};
    }
    const nlohmann::json json = nlohmann::json::parse(body.begin(), body.end(), nullptr, false);
    if (json.is_discarded()) {
        return tr("The answer is not JSON, so %1 cannot be read").arg(pointer);
    }
    const nlohmann::json* found = nullptr;
    try {
        const nlohmann::json::json_pointer path(pointer.toStdString());
        if (json.contains(path)) {
            found = &json.at(path);
        }
    } catch (const nlohmann::json::exception&) {
        return tr("Not a JSON pointer: %1 (it looks like /data/price)").arg(pointer);
    }
    if (found == nullptr) {
        return tr("No value at %1").arg(pointer);
    }
    if (found->is_string()) {
        const QString text = QString::fromStdString(found->get<std::string>());
        return Value{text, numberIn(text)};
    }
    const QString text = QString::fromStdString(found->dump());
    if (found->is_number()) {
        return Value{text, found->get<double>()};
    }
    return Value{text, std::nullopt};
}

HttpValuePoller::HttpValuePoller(QObject* parent)
    : QObject(parent), network_(new QNetworkAccessManager(this)), timer_(new QTimer(this)) {
    timer_->setInterval(intervalSeconds_ * 1000);
    connect(timer_, &QTimer::timeout, this, &HttpValuePoller::pollNow);
}

HttpValuePoller::~HttpValuePoller() {
    cancelRequest();
}

void HttpValuePoller::setUrl(const QUrl& url) {
    if (url == url_) {
        return;
    }
    cancelRequest();
    url_ = url;
    if (running_) {
        start();
    }
}

void HttpValuePoller::setPointer(const QString& pointer) {
    if (pointer == pointer_) {
        return;
    }
    cancelRequest();
    pointer_ = pointer;
    if (running_) {
        start();
    }
}

void HttpValuePoller::setIntervalSeconds(int seconds) {
    intervalSeconds_ = std::max(seconds, kMinimumIntervalSeconds);
    timer_->setInterval(intervalSeconds_ * 1000);
}

void HttpValuePoller::setTimeoutSeconds(int seconds) {
    timeoutSeconds_ = std::max(seconds, 1);
}

void HttpValuePoller::start() {
    running_ = true;
    timer_->start();
    pollNow();
}

void HttpValuePoller::stop() {
    running_ = false;
    timer_->stop();
    cancelRequest();
}

void HttpValuePoller::pollNow() {
    if (reply_ || !url_.isValid() || url_.isEmpty()) {
        return;
    }
    QNetworkRequest request(url_);
    request.setTransferTimeout(timeoutSeconds_ * 1000);
    request.setRawHeader("Accept", "application/json, text/plain;q=0.9, */*;q=0.5");
    request.setAttribute(QNetworkRequest::CacheLoadControlAttribute,
                         QNetworkRequest::AlwaysNetwork);
    tooLarge_ = false;
    QNetworkReply* reply = network_->get(request);
    reply_ = reply;
    connect(reply, &QNetworkReply::downloadProgress, this, [this, reply](qint64 received, qint64) {
        if (received > kMaximumBodyBytes && reply == reply_) {
            tooLarge_ = true;
            reply->abort();
        }
    });
    connect(reply, &QNetworkReply::finished, this, [this, reply] { finished(reply); });
}

void HttpValuePoller::cancelRequest() {
    if (reply_) {
        QNetworkReply* reply = reply_;
        reply_ = nullptr;
        reply->disconnect(this);
        // A reply that already failed is finished in all but name: aborting it again warns.
        if (reply->isRunning() && reply->error() == QNetworkReply::NoError) {
            reply->abort();
        }
        reply->deleteLater();
    }
}

void HttpValuePoller::finished(QNetworkReply* reply) {
    reply->deleteLater();
    if (reply != reply_) {
        return;
    }
    reply_ = nullptr;
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (tooLarge_) {
        emit failed(tr("The answer is larger than %1 MB").arg(kMaximumBodyBytes / 1024 / 1024));
        return;
    }
    if (status >= 400) {
        const QString reason =
            reply->attribute(QNetworkRequest::HttpReasonPhraseAttribute).toString().trimmed();
        emit failed(reason.isEmpty() ? tr("HTTP %1").arg(status)
                                     : tr("HTTP %1 %2").arg(status).arg(reason));
        return;
    }
    switch (reply->error()) {
        case QNetworkReply::NoError:
            break;
        // Transfer timeouts end as either, depending on where the request was.
        case QNetworkReply::OperationCanceledError:
        case QNetworkReply::TimeoutError:
            emit failed(tr("Timed out after %1 s").arg(timeoutSeconds_));
            return;
        case QNetworkReply::ConnectionRefusedError:
            emit failed(tr("%1 refused the connection").arg(url_.host()));
            return;
        case QNetworkReply::HostNotFoundError:
            emit failed(tr("No host named %1").arg(url_.host()));
            return;
        default:
            emit failed(tr("Cannot reach %1: %2").arg(url_.host(), reply->errorString()));
            return;
    }
    const auto value = extract(reply->readAll(), pointer_);
    if (const QString* problem = std::get_if<QString>(&value)) {
        emit failed(*problem);
        return;
    }
    const Value& found = std::get<Value>(value);
    emit valueChanged(found.text, found.number);
}

}  // namespace deskboard::sync
