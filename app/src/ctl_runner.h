// Runs one parsed `deskboard ctl` command on a profile's ClientCore and answers with its exit
// code and output. The same code runs in a running instance (on its store and engine, already
// started) and in a `ctl` process with no instance (which starts the engine only for commands
// that need the server). Every edit goes through DashboardStore::commitEdit. Commands that wait
// on the server have a deadline, so a run always ends.
#pragma once

#include <functional>
#include <vector>

#include <QDeadlineTimer>
#include <QObject>
#include <QPointer>
#include <QTimer>

#include "client_core.h"
#include "ctl_channel.h"
#include "ctl_parser.h"

namespace deskboard::app {

class CtlRunner : public QObject {
    Q_OBJECT

  public:
    using Done = std::function<void(CtlReply)>;

    // Starts the command; `done` is called exactly once (possibly before this returns).
    // `inInstance`: the core belongs to a running deskboard (its engine keeps running after).
    static void run(ClientCore& core, bool inInstance, CtlParse parse, CtlRequest request,
                    Done done);

  private:
    CtlRunner(ClientCore& core, bool inInstance, CtlParse parse, CtlRequest request, Done done);

    void start();
    void dispatch(const QString& name);
    void finish(int exitCode);
    void fail(int exitCode, const QString& message);
    void print(const QString& text);
    void printErr(const QString& text);
    bool finished() const { return finished_; }
    // Guards a callback that may arrive after the run ended.
    template <typename F>
    auto guarded(F f);

    QString absolutePath(const QString& file) const;

    // Local commands.
    void status();
    void exportDocument();
    void importDocument();
    void widgetAdd();
    void widgetSet();
    void widgetRemove();

    // Server commands.
    void syncWait();
    void login();
    void logout();
    void workspaceList();
    void workspaceCreate();
    void workspaceUse();
    void history();
    void restore();

    // Starts the engine when needed and calls `then` once it holds a session, or fails with
    // the reason (not signed in, the keychain, the server) by the deadline.
    void withSession(std::function<void()> then);
    // Ends with `exitCode` and `message` after waiting (bounded) for the engine to push what
    // is pending, when this process is the only one that could.
    void finishAfterSync(int exitCode, const QString& message, bool alsoInInstance = false);
    int remainingMs() const;

    ClientCore& core_;
    bool inInstance_;
    CtlParse parse_;
    CtlRequest request_;
    Done done_;
    CtlReply reply_;
    bool finished_ = false;
    QDeadlineTimer deadline_;
    QTimer deadlineTimer_;
    std::vector<QMetaObject::Connection> sessionWatch_;
};

}  // namespace deskboard::app
