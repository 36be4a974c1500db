// Test support: one blocking HTTP/1.1 request on its own connection (Connection: close) over a
// QTcpSocket, usable from any thread without an event loop. For tests that need threads or
// exact bytes on the wire.
#pragma once

#include <QDeadlineTimer>
#include <QTcpSocket>
#include <nlohmann/json.hpp>

namespace deskboard::testing {

struct RawAnswer {
    int status = 0;  // 0: no complete answer
    QByteArray head;
    QByteArray body;
    nlohmann::json json() const {
        return nlohmann::json::parse(body.toStdString(), nullptr, false);
    }
};

inline RawAnswer rawRequest(quint16 port, const QByteArray& method, const QByteArray& path,
                            const QList<QPair<QByteArray, QByteArray>>& headers = {},
                            const QByteArray& body = {}, int timeoutMs = 10000) {
    RawAnswer answer;
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, port);
    if (!socket.waitForConnected(timeoutMs)) {
        return answer;
    }
    QByteArray request =
        method + ' ' + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
    for (const auto& [name, value] : headers) {
        request += name + ": " + value + "\r\n";
    }
    if (!body.isEmpty() || method == "POST") {
        request += "Content-Length: " + QByteArray::number(body.size()) + "\r\n";
    }
    request += "\r\n" + body;
    socket.write(request);
    QByteArray received;
    const QDeadlineTimer deadline(timeoutMs);
    while (!deadline.hasExpired() && socket.state() == QAbstractSocket::ConnectedState) {
        if (socket.waitForReadyRead(static_cast<int>(qMax<qint64>(1, deadline.remainingTime())))) {
            received += socket.readAll();
        }
    }
    received += socket.readAll();
    const qsizetype split = received.indexOf("\r\n\r\n");
    if (split < 0 || !received.startsWith("HTTP/1.1 ")) {
        return answer;
    }
    answer.head = received.left(split);
    answer.body = received.mid(split + 4);
    answer.status = received.mid(9, 3).toInt();
    return answer;
}

}  // namespace deskboard::testing
