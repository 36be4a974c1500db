#include "instance_server.h"

#include <QDeadlineTimer>
#include <QLocalSocket>

#include "client_core.h"
#include "ctl_parser.h"
#include "ctl_runner.h"

namespace deskboard::app {

namespace {

constexpr int kElectionLockMs = 10000;
constexpr int kProbeConnectMs = 2000;
constexpr char kBufferProperty[] = "deskboardBuffer";

CtlReply failedReply(const QString& message) {
    CtlReply reply;
    reply.exitCode = kExitFailed;
    reply.err = message.toUtf8() + '\n';
    return reply;
}

}  // namespace

InstanceServer::InstanceServer(ProfilePaths paths, QObject* parent)
    : QObject(parent), paths_(std::move(paths)) {
    connect(&server_, &QLocalServer::newConnection, this, &InstanceServer::onNewConnection);
}

InstanceServer::~InstanceServer() {
    server_.close();
}

InstanceServer::Claim InstanceServer::claim(QString& error) {
    // Two instances starting at once must not both decide the socket is stale.
    QLockFile election(paths_.electionLockPath);
    if (!election.tryLock(kElectionLockMs)) {
        error = QStringLiteral("another deskboard is starting on this profile and holds %1")
                    .arg(paths_.electionLockPath);
        return Claim::Failed;
    }
    {
        QLocalSocket probe;
        probe.connectToServer(paths_.socketPath);
        if (probe.waitForConnected(kProbeConnectMs)) {
            probe.disconnectFromServer();
            return Claim::AlreadyRunning;
        }
    }
    // Nobody answers: whatever is there is left from an instance that ended without cleaning up.
    QLocalServer::removeServer(paths_.socketPath);
    server_.setSocketOptions(QLocalServer::UserAccessOption);
    if (!server_.listen(paths_.socketPath)) {
        error =
            QStringLiteral("cannot listen on %1: %2").arg(paths_.socketPath, server_.errorString());
        return Claim::Failed;
    }
    return Claim::Listening;
}

void InstanceServer::onNewConnection() {
    while (QLocalSocket* socket = server_.nextPendingConnection()) {
        connect(socket, &QLocalSocket::disconnected, socket, &QObject::deleteLater);
        connect(socket, &QLocalSocket::readyRead, this, [this, socket] { onReadyRead(socket); });
        if (socket->bytesAvailable() > 0) {
            onReadyRead(socket);
        }
    }
}

void InstanceServer::onReadyRead(QLocalSocket* socket) {
    QByteArray buffer = socket->property(kBufferProperty).toByteArray() + socket->readAll();
    bool error = false;
    const auto frame = takeFrame(buffer, error);
    if (error) {
        socket->abort();
        return;
    }
    if (!frame) {
        socket->setProperty(kBufferProperty, buffer);
        return;
    }
    socket->setProperty(kBufferProperty, QByteArray());
    // One request per connection.
    disconnect(socket, &QLocalSocket::readyRead, this, nullptr);
    const auto request = decodeRequest(*frame);
    if (!request) {
        answer(socket, failedReply(QStringLiteral("deskboard: the running instance could not "
                                                  "read the request (a different version?).")));
        return;
    }
    if (request->kind == CtlRequest::Kind::Raise) {
        emit raiseRequested();
        answer(socket, {});
        return;
    }
    if (request->kind == CtlRequest::Kind::Ping) {
        answer(socket, {});
        return;
    }
    CtlParse parse = parseCtl(request->arguments);
    if (parse.kind != CtlParse::Kind::Run) {
        CtlReply reply;
        if (parse.kind == CtlParse::Kind::Help) {
            reply.out = parse.text.toUtf8();
        } else {
            reply.exitCode = kExitUsage;
            reply.err = parse.text.toUtf8();
        }
        answer(socket, reply);
        return;
    }
    if (!core_) {
        answer(socket, failedReply(QStringLiteral("deskboard: the running instance is still "
                                                  "starting; try again in a moment.")));
        return;
    }
    QPointer<QLocalSocket> guard(socket);
    CtlRunner::run(*core_, true, std::move(parse), *request, [this, guard](CtlReply reply) {
        if (guard) {
            answer(guard, reply);
        }
    });
}

void InstanceServer::answer(QLocalSocket* socket, const CtlReply& reply) {
    socket->write(encodeReply(reply));
    socket->flush();
    socket->disconnectFromServer();
}

std::optional<CtlReply> sendToInstance(const ProfilePaths& paths, const CtlRequest& request,
                                       int timeoutMs) {
    QLocalSocket socket;
    socket.connectToServer(paths.socketPath);
    if (!socket.waitForConnected(kProbeConnectMs)) {
        return std::nullopt;
    }
    socket.write(encodeRequest(request));
    const QDeadlineTimer deadline(timeoutMs);
    QByteArray buffer;
    while (true) {
        socket.waitForBytesWritten(0);
        buffer += socket.readAll();
        bool error = false;
        if (const auto frame = takeFrame(buffer, error)) {
            if (auto reply = decodeReply(*frame)) {
                return reply;
            }
            error = true;
        }
        if (error) {
            return failedReply(QStringLiteral(
                "deskboard: the running instance answered something unreadable (a different "
                "version?). Quit it and try again."));
        }
        if (socket.state() == QLocalSocket::UnconnectedState && socket.bytesAvailable() == 0) {
            return failedReply(QStringLiteral(
                "deskboard: the running instance closed the connection without answering (did "
                "it quit?). Check `deskboard ctl status` and try again."));
        }
        if (deadline.hasExpired()) {
            return failedReply(QStringLiteral("deskboard: the running instance did not answer "
                                              "within %1 s. It may be stuck; quit it and try "
                                              "again.")
                                   .arg(timeoutMs / 1000));
        }
        socket.waitForReadyRead(static_cast<int>(std::min<qint64>(deadline.remainingTime(), 1000)));
    }
}

}  // namespace deskboard::app
