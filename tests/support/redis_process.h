// Test support: a private redis-server on a free loopback port in a temporary directory,
// started for one test and stopped with it. pause()/resume() (SIGSTOP/SIGCONT) simulate a hung
// Redis; restart() a Redis that went away and came back on the same port.
#pragma once

#include <QDeadlineTimer>
#include <QProcess>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <child_process.h>
#include <signal.h>

namespace deskboard::testing {

// A TCP port on 127.0.0.1 that was free a moment ago.
inline quint16 freeLoopbackPort() {
    QTcpServer probe;
    if (!probe.listen(QHostAddress::LocalHost, 0)) {
        qFatal("cannot find a free port: %s", qPrintable(probe.errorString()));
    }
    return probe.serverPort();
}

class RedisProcess {
  public:
    explicit RedisProcess(QStringList extraArguments = {})
        : port_(freeLoopbackPort()), extraArguments_(std::move(extraArguments)) {
        start();
    }
    ~RedisProcess() { stop(); }
    RedisProcess(const RedisProcess&) = delete;
    RedisProcess& operator=(const RedisProcess&) = delete;

    quint16 port() const { return port_; }
    QString url() const { return QStringLiteral("redis://127.0.0.1:%1").arg(port_); }
    qint64 pid() const { return process_.processId(); }

    void pause() { ::kill(static_cast<pid_t>(pid()), SIGSTOP); }
    void resume() { ::kill(static_cast<pid_t>(pid()), SIGCONT); }

    void restart() {
        stop();
        start();
    }

    void stop() {
        if (process_.state() == QProcess::NotRunning) {
            return;
        }
        resume();
        process_.terminate();
        if (!process_.waitForFinished(5000)) {
            process_.kill();
            process_.waitForFinished(5000);
        }
    }

    // The password redis-cli uses (for servers started with --requirepass).
    void setCliPassword(QString password) { password_ = std::move(password); }

    // Runs one command with redis-cli and returns its raw output, trimmed (e.g. "5" for TTL).
    QByteArray cli(const QStringList& arguments) const {
        QProcess cli;
        auto environment = QProcessEnvironment::systemEnvironment();
        if (!password_.isEmpty()) {
            environment.insert(QStringLiteral("REDISCLI_AUTH"), password_);
        }
        cli.setProcessEnvironment(environment);
        cli.start(QStringLiteral("redis-cli"),
                  QStringList{QStringLiteral("-h"), QStringLiteral("127.0.0.1"),
                              QStringLiteral("-p"), QString::number(port_)} +
                      arguments);
        if (!cli.waitForFinished(10000)) {
            qFatal("redis-cli did not finish");
        }
        return cli.readAllStandardOutput().trimmed();
    }

  private:
    void start() {
        process_.setProgram(QStringLiteral("redis-server"));
        process_.setArguments(QStringList{QStringLiteral("--port"), QString::number(port_),
                                          QStringLiteral("--bind"), QStringLiteral("127.0.0.1"),
                                          QStringLiteral("--save"), QString(),
                                          QStringLiteral("--appendonly"), QStringLiteral("no"),
                                          QStringLiteral("--dir"), dir_.path()} +
                              extraArguments_);
        process_.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        process_.setStandardOutputFile(dir_.filePath(QStringLiteral("redis.log")));
        killWithTest(process_);
        process_.start();
        if (!process_.waitForStarted(10000)) {
            qFatal("cannot start redis-server: %s", qPrintable(process_.errorString()));
        }
        const QDeadlineTimer deadline(10000);
        while (!deadline.hasExpired()) {
            if (answersPing()) {
                return;
            }
            QTest::qWait(20);
        }
        qFatal("redis-server on port %u did not answer PING within 10 s", port_);
    }

    // Any answer to PING (also -NOAUTH) means the server is up.
    bool answersPing() const {
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, port_);
        if (!socket.waitForConnected(500)) {
            return false;
        }
        socket.write("PING\r\n");
        return socket.waitForReadyRead(500) && !socket.readAll().isEmpty();
    }

    QTemporaryDir dir_;
    quint16 port_;
    QStringList extraArguments_;
    QString password_;
    QProcess process_;
};

}  // namespace deskboard::testing
