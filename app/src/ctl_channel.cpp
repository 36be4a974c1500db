#include "ctl_channel.h"

#include <QCborArray>
#include <QCborMap>
#include <QCborValue>
#include <QtEndian>

namespace deskboard::app {

namespace {

QByteArray frame(const QCborMap& map) {
    const QByteArray payload = QCborValue(map).toCbor();
    QByteArray out(4, '\0');
    qToBigEndian<quint32>(static_cast<quint32>(payload.size()), out.data());
    return out + payload;
}

QString kindName(CtlRequest::Kind kind) {
    switch (kind) {
        case CtlRequest::Kind::Ctl:
            return QStringLiteral("ctl");
        case CtlRequest::Kind::Raise:
            return QStringLiteral("raise");
        case CtlRequest::Kind::Ping:
            return QStringLiteral("ping");
    }
    return {};
}

}  // namespace

QByteArray encodeRequest(const CtlRequest& request) {
    QCborMap map;
    map.insert(QStringLiteral("kind"), kindName(request.kind));
    map.insert(QStringLiteral("args"), QCborArray::fromStringList(request.arguments));
    map.insert(QStringLiteral("cwd"), request.workingDirectory);
    map.insert(QStringLiteral("stdin"), request.input);
    return frame(map);
}

QByteArray encodeReply(const CtlReply& reply) {
    QCborMap map;
    map.insert(QStringLiteral("exit"), reply.exitCode);
    map.insert(QStringLiteral("out"), reply.out);
    map.insert(QStringLiteral("err"), reply.err);
    return frame(map);
}

std::optional<CtlRequest> decodeRequest(const QByteArray& payload) {
    const QCborValue value = QCborValue::fromCbor(payload);
    if (!value.isMap()) {
        return std::nullopt;
    }
    const QCborMap map = value.toMap();
    CtlRequest request;
    const QString kind = map.value(QStringLiteral("kind")).toString();
    if (kind == QStringLiteral("ctl")) {
        request.kind = CtlRequest::Kind::Ctl;
    } else if (kind == QStringLiteral("raise")) {
        request.kind = CtlRequest::Kind::Raise;
    } else if (kind == QStringLiteral("ping")) {
        request.kind = CtlRequest::Kind::Ping;
    } else {
        return std::nullopt;
    }
    const QCborArray arguments = map.value(QStringLiteral("args")).toArray();
    for (const auto& argument : arguments) {
        if (!argument.isString()) {
            return std::nullopt;
        }
        request.arguments.append(argument.toString());
    }
    request.workingDirectory = map.value(QStringLiteral("cwd")).toString();
    request.input = map.value(QStringLiteral("stdin")).toByteArray();
    return request;
}

std::optional<CtlReply> decodeReply(const QByteArray& payload) {
    const QCborValue value = QCborValue::fromCbor(payload);
    if (!value.isMap()) {
        return std::nullopt;
    }
    const QCborMap map = value.toMap();
    const QCborValue exitCode = map.value(QStringLiteral("exit"));
    if (!exitCode.isInteger()) {
        return std::nullopt;
    }
    CtlReply reply;
    reply.exitCode = static_cast<int>(exitCode.toInteger());
    reply.out = map.value(QStringLiteral("out")).toByteArray();
    reply.err = map.value(QStringLiteral("err")).toByteArray();
    return reply;
}

std::optional<QByteArray> takeFrame(QByteArray& buffer, bool& error) {
    error = false;
    if (buffer.size() < 4) {
        return std::nullopt;
    }
    const auto length = static_cast<qsizetype>(qFromBigEndian<quint32>(buffer.constData()));
    if (length > kMaxFrameBytes) {
        error = true;
        return std::nullopt;
    }
    if (buffer.size() < 4 + length) {
        return std::nullopt;
    }
    QByteArray payload = buffer.mid(4, length);
    buffer.remove(0, 4 + length);
    return payload;
}

}  // namespace deskboard::app
