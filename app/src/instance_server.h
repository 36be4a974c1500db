// One running deskboard per profile: the first one listens on the profile's local socket
// (profile_paths.h) and runs what later invocations send it (ctl commands on its own store and
// engine, "raise the window"). The socket is the user's alone: its folder is 0700 and the
// server uses QLocalServer::UserAccessOption.
#pragma once

#include <QLocalServer>
#include <QLockFile>
#include <QObject>
#include <QPointer>

#include "ctl_channel.h"
#include "profile_paths.h"

class QLocalSocket;

namespace deskboard::app {

class ClientCore;

class InstanceServer : public QObject {
    Q_OBJECT

  public:
    enum class Claim { Listening, AlreadyRunning, Failed };

    InstanceServer(ProfilePaths paths, QObject* parent = nullptr);
    ~InstanceServer() override;

    // Becomes the profile's instance, unless one answers on the socket already. A socket file
    // nobody answers on (a crashed instance) is removed. `error` in words on Failed.
    Claim claim(QString& error);

    // The client the requests run on (set before the event loop runs).
    void setCore(ClientCore* core) { core_ = core; }

  signals:
    void raiseRequested();

  private:
    void onNewConnection();
    void onReadyRead(QLocalSocket* socket);
    void answer(QLocalSocket* socket, const CtlReply& reply);

    ProfilePaths paths_;
    QLocalServer server_;
    QPointer<ClientCore> core_;
};

// Sends `request` to the profile's running instance and returns its reply; nothing when no
// instance answers on the socket (then the caller does the work itself). `timeoutMs` bounds
// the wait for the reply once connected.
std::optional<CtlReply> sendToInstance(const ProfilePaths& paths, const CtlRequest& request,
                                       int timeoutMs);

}  // namespace deskboard::app
