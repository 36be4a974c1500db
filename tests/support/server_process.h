// Test support: a real deskboard-server process on a free loopback port, pointed at a
// RedisProcess, with extra environment variables per test. Also runs the admin command line
// (user add etc.) of the same binary. Stops the server with SIGTERM and reports its exit code.
#pragma once

#include <QDeadlineTimer>
#include <QProcess>
#include <QTest>
#include <child_process.h>
#include <redis_process.h>

namespace deskboard::testing {

struct CommandRun {
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

class ServerProcess {
  public:
    // Starts deskboard-server (path from DESKBOARD_SERVER_BINARY) against `redis`.
    ServerProcess(const RedisProcess& redis, QMap<QString, QString> environment = {})
        : ServerProcess(redis.url(), std::move(environment)) {}

    // Starts it against the Redis (or Redis Cluster) that `redisUrl` names.
    ServerProcess(const QString& redisUrl, QMap<QString, QString> environment)
        : port_(freeLoopbackPort()) {
        environment_ = QProcessEnvironment::systemEnvironment();
        environment_.insert(QStringLiteral("REDIS_URL"), redisUrl);
        environment_.insert(QStringLiteral("DESKBOARD_LISTEN"),
                            QStringLiteral("127.0.0.1:%1").arg(port_));
        environment_.insert(QStringLiteral("DESKBOARD_LOG_FORMAT"), QStringLiteral("json"));
        for (auto it = environment.begin(); it != environment.end(); ++it) {
            environment_.insert(it.key(), it.value());
        }
        start();
    }

    ~ServerProcess() { stop(); }
    ServerProcess(const ServerProcess&) = delete;
    ServerProcess& operator=(const ServerProcess&) = delete;

    static QString binary() { return QStringLiteral(DESKBOARD_SERVER_BINARY); }

    quint16 port() const { return port_; }
    QString baseUrl() const { return QStringLiteral("http://127.0.0.1:%1").arg(port_); }
    qint64 pid() const { return process_.processId(); }
    QProcess& process() { return process_; }

    // Everything the server wrote to standard error so far (its log), including what is still
    // in the pipe: QProcess reads the pipe only when asked, so a line the server wrote before
    // the last request may not have been read yet.
    QByteArray log() {
        process_.setReadChannel(QProcess::StandardError);
        while (process_.state() == QProcess::Running && process_.waitForReadyRead(0)) {
        }
        log_ += process_.readAllStandardError();
        return log_;
    }

    // Sends SIGTERM and waits; the exit code, or -1 when it had to be killed.
    int stop(int timeoutMs = 15000) {
        if (process_.state() == QProcess::NotRunning) {
            return exitCode_;
        }
        process_.terminate();
        if (!process_.waitForFinished(timeoutMs)) {
            process_.kill();
            process_.waitForFinished(5000);
            exitCode_ = -1;
        } else {
            exitCode_ = process_.exitStatus() == QProcess::NormalExit ? process_.exitCode() : -1;
        }
        log();
        return exitCode_;
    }

    // Kills the process with SIGKILL (no drain), as a crash or the OOM killer would.
    void kill() {
        if (process_.state() != QProcess::NotRunning) {
            process_.kill();
            process_.waitForFinished(5000);
        }
        log();
    }

    // Starts the server again on the same port (after stop() or kill()).
    void restart() {
        stop();
        start();
    }

    // Runs `deskboard-server ARGS` with the same environment, `input` on standard input.
    CommandRun command(const QStringList& arguments, const QByteArray& input = {}) const {
        QProcess admin;
        admin.setProcessEnvironment(environment_);
        admin.start(binary(), arguments);
        admin.write(input);
        admin.closeWriteChannel();
        CommandRun run;
        if (!admin.waitForFinished(30000)) {
            admin.kill();
            admin.waitForFinished();
            return run;
        }
        run.exitCode = admin.exitStatus() == QProcess::NormalExit ? admin.exitCode() : -1;
        run.out = admin.readAllStandardOutput();
        run.err = admin.readAllStandardError();
        return run;
    }

    // Creates a user with the admin command line.
    void addUser(const QString& name, const QByteArray& password) const {
        const auto run =
            command({QStringLiteral("user"), QStringLiteral("add"), name}, password + '\n');
        if (run.exitCode != 0) {
            qFatal("user add %s failed: %s", qPrintable(name), run.err.constData());
        }
    }

  private:
    // Ready once this run's log says it listens on our port: a TCP connect alone could reach
    // another test's server that took the port between stop() and start(), and the lines the
    // server logged before listening (a key migration, the slot map) are in log() from then on.
    void start() {
        // Taken before the start: the new process may have logged its line by the first read.
        const qsizetype runStart = log().size();
        process_.setProcessEnvironment(environment_);
        killWithTest(process_);
        process_.start(binary(), {});
        if (!process_.waitForStarted(10000)) {
            qFatal("cannot start deskboard-server: %s", qPrintable(process_.errorString()));
        }
        const QByteArray listening = "listening on 127.0.0.1:" + QByteArray::number(port_) + ' ';
        const QDeadlineTimer deadline(15000);
        while (!deadline.hasExpired()) {
            if (log().indexOf(listening, runStart) >= 0) {
                return;
            }
            if (process_.state() == QProcess::NotRunning) {
                qFatal("deskboard-server exited at start: %s", log().constData());
            }
            process_.waitForReadyRead(100);
        }
        qFatal("deskboard-server did not listen on port %u within 15 s: %s", port_,
               log().constData());
    }

    quint16 port_;
    QProcessEnvironment environment_;
    QProcess process_;
    QByteArray log_;
    int exitCode_ = -1;
};

}  // namespace deskboard::testing
