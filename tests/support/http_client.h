// Test support: a small blocking HTTP client over QNetworkAccessManager for driving a real
// deskboard-server from tests, keeping every answer (status, headers, body) for assertions and
// optionally recording it for the OpenAPI validation.
#pragma once

#include <QEventLoop>
#include <QFile>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTimer>
#include <nlohmann/json.hpp>

namespace deskboard::testing {

struct HttpAnswer {
    int status = 0;  // 0: no answer (network error or timeout)
    QByteArray body;
    QList<QNetworkReply::RawHeaderPair> headers;
    QString networkError;

    QByteArray header(const QByteArray& name) const {
        for (const auto& [key, value] : headers) {
            if (key.compare(name, Qt::CaseInsensitive) == 0) {
                return value;
            }
        }
        return {};
    }
    nlohmann::json json() const {
        return nlohmann::json::parse(body.toStdString(), nullptr, false);
    }
    // The "error" code of an error body, or "" when there is none.
    std::string error() const {
        const auto parsed = json();
        return parsed.is_object() && parsed.contains("error") && parsed["error"].is_string()
                   ? parsed["error"].get<std::string>()
                   : std::string();
    }
};

class HttpClient {
  public:
    explicit HttpClient(QString baseUrl) : baseUrl_(std::move(baseUrl)) {}

    void setToken(QByteArray token) { token_ = std::move(token); }
    const QByteArray& token() const { return token_; }
    // Append every exchange as one JSON line to `path` (for tests/openapi/validate.js).
    void recordTo(QString path) { recordPath_ = std::move(path); }

    HttpAnswer get(const QString& path, QList<QPair<QByteArray, QByteArray>> headers = {}) {
        return send("GET", path, {}, std::move(headers));
    }
    HttpAnswer del(const QString& path, QList<QPair<QByteArray, QByteArray>> headers = {}) {
        return send("DELETE", path, {}, std::move(headers));
    }
    HttpAnswer post(const QString& path, const nlohmann::json& body,
                    QList<QPair<QByteArray, QByteArray>> headers = {}) {
        headers.append(qMakePair(QByteArray("Content-Type"), QByteArray("application/json")));
        return send("POST", path, QByteArray::fromStdString(body.dump()), std::move(headers));
    }

    HttpAnswer send(const QByteArray& method, const QString& path, const QByteArray& body,
                    QList<QPair<QByteArray, QByteArray>> headers = {}, int timeoutMs = 15000) {
        QNetworkRequest request(QUrl(baseUrl_ + path));
        request.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                             QNetworkRequest::ManualRedirectPolicy);
        if (!token_.isEmpty()) {
            request.setRawHeader("Authorization", "Bearer " + token_);
        }
        for (const auto& [name, value] : headers) {
            request.setRawHeader(name, value);
        }
        QNetworkReply* reply = manager_.sendCustomRequest(request, method, body);
        QEventLoop loop;
        QTimer timer;
        timer.setSingleShot(true);
        QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
        QObject::connect(&timer, &QTimer::timeout, &loop, &QEventLoop::quit);
        timer.start(timeoutMs);
        loop.exec();
        HttpAnswer answer;
        if (!reply->isFinished()) {
            reply->abort();
            answer.networkError = QStringLiteral("timeout");
        } else {
            answer.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
            answer.body = reply->readAll();
            answer.headers = reply->rawHeaderPairs();
            if (answer.status == 0) {
                answer.networkError = reply->errorString();
            }
        }
        reply->deleteLater();
        record(method, path, answer);
        return answer;
    }

  private:
    void record(const QByteArray& method, const QString& path, const HttpAnswer& answer) {
        if (recordPath_.isEmpty() || answer.status == 0) {
            return;
        }
        nlohmann::json headers = nlohmann::json::object();
        for (const auto& [name, value] : answer.headers) {
            headers[name.toLower().toStdString()] = value.toStdString();
        }
        const auto parsed = answer.json();
        nlohmann::json line{{"method", method.toStdString()},
                            {"path", QUrl(path).path().toStdString()},
                            {"status", answer.status},
                            {"headers", headers},
                            {"body", parsed.is_discarded() ? nlohmann::json(nullptr) : parsed}};
        QFile file(recordPath_);
        if (file.open(QIODevice::Append)) {
            file.write(QByteArray::fromStdString(line.dump()) + '\n');
        }
    }

    QString baseUrl_;
    QByteArray token_;
    QString recordPath_;
    QNetworkAccessManager manager_;
};

}  // namespace deskboard::testing
