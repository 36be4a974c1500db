// Test support: a private Redis Cluster of `primaries` primaries with `replicasPerPrimary`
// replicas each (3 + 3 by default), every node a redis-server on a free loopback port in one
// temporary directory. The constructor creates the cluster with `redis-cli --cluster create`
// and returns once every node reports cluster_state:ok and sees every other node (polled with a
// deadline); the destructor stops every node.
#pragma once

#include <memory>
#include <vector>

#include <QDeadlineTimer>
#include <QDir>
#include <QProcess>
#include <QRandomGenerator>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>
#include <child_process.h>
#include <redis_process.h>

namespace deskboard::testing {

class RedisCluster {
  public:
    explicit RedisCluster(int primaries = 3, int replicasPerPrimary = 1, int readyTimeoutMs = 60000)
        : replicasPerPrimary_(replicasPerPrimary) {
        const int count = primaries * (1 + replicasPerPrimary);
        for (int i = 0; i < count; ++i) {
            startNode();
        }
        create();
        waitUntilReady(readyTimeoutMs);
    }
    ~RedisCluster() { stop(); }
    RedisCluster(const RedisCluster&) = delete;
    RedisCluster& operator=(const RedisCluster&) = delete;

    const std::vector<quint16>& ports() const { return ports_; }
    // The seed URL form of issue 15: redis+cluster://127.0.0.1:P1,127.0.0.1:P2,...
    QString seedUrl() const {
        QStringList hosts;
        for (const auto port : ports_) {
            hosts << QStringLiteral("127.0.0.1:%1").arg(port);
        }
        return QStringLiteral("redis+cluster://") + hosts.join(QLatin1Char(','));
    }

    // Runs one command with redis-cli against the node on `port` (without -c, so redirects
    // come back as errors) and returns its raw output, trimmed.
    QByteArray cli(quint16 port, const QStringList& arguments, int timeoutMs = 10000) const {
        QProcess cli;
        cli.start(QStringLiteral("redis-cli"),
                  QStringList{QStringLiteral("-h"), QStringLiteral("127.0.0.1"),
                              QStringLiteral("-p"), QString::number(port)} +
                      arguments);
        if (!cli.waitForFinished(timeoutMs)) {
            cli.kill();
            cli.waitForFinished(1000);
            return {};
        }
        return cli.readAllStandardOutput().trimmed();
    }

    void stop() {
        for (auto& process : processes_) {
            if (process->state() != QProcess::NotRunning) {
                process->terminate();
            }
        }
        for (auto& process : processes_) {
            if (process->state() != QProcess::NotRunning && !process->waitForFinished(5000)) {
                process->kill();
                process->waitForFinished(5000);
            }
        }
    }

  private:
    // A node listens on its port and on port + 10000 (the cluster bus). Both are taken below
    // the kernel's ephemeral range (32768 and up on Debian), where the outgoing connections of
    // the tests running beside this one take their local ports, and both are checked free; a
    // node that still cannot bind (another process won the race) is started again elsewhere.
    static quint16 freeNodePort() {
        for (int attempt = 0; attempt < 500; ++attempt) {
            const auto port =
                static_cast<quint16>(QRandomGenerator::global()->bounded(10000, 22700));
            QTcpServer node;
            QTcpServer bus;
            if (node.listen(QHostAddress::LocalHost, port) &&
                bus.listen(QHostAddress::LocalHost, static_cast<quint16>(port + 10000))) {
                return port;
            }
        }
        qFatal("no free port pair for a cluster node below 32768");
    }

    void startNode() {
        for (int attempt = 1;; ++attempt) {
            const quint16 port = freeNodePort();
            const QString nodeDir = dir_.filePath(QString::number(port));
            QDir().mkpath(nodeDir);
            auto process = std::make_unique<QProcess>();
            process->setProgram(QStringLiteral("redis-server"));
            process->setArguments(
                {QStringLiteral("--port"), QString::number(port), QStringLiteral("--bind"),
                 QStringLiteral("127.0.0.1"), QStringLiteral("--cluster-enabled"),
                 QStringLiteral("yes"), QStringLiteral("--cluster-config-file"),
                 QStringLiteral("nodes-%1.conf").arg(port), QStringLiteral("--appendonly"),
                 QStringLiteral("no"), QStringLiteral("--save"), QString(), QStringLiteral("--dir"),
                 nodeDir});
            process->setProcessChannelMode(QProcess::ForwardedErrorChannel);
            process->setStandardOutputFile(QDir(nodeDir).filePath(QStringLiteral("redis.log")));
            killWithTest(*process);
            process->start();
            if (!process->waitForStarted(10000)) {
                qFatal("cannot start redis-server: %s", qPrintable(process->errorString()));
            }
            const QDeadlineTimer deadline(10000);
            bool answers = false;
            while (!deadline.hasExpired() && process->state() != QProcess::NotRunning) {
                if (cli(port, {QStringLiteral("PING")}, 1000) == "PONG") {
                    answers = true;
                    break;
                }
                QTest::qWait(20);
            }
            if (answers) {
                processes_.push_back(std::move(process));
                ports_.push_back(port);
                return;
            }
            const bool exited = process->state() == QProcess::NotRunning;
            if (!exited || attempt == 5) {
                qFatal("cluster node on port %u did not answer PING within 10 s (see %s)", port,
                       qPrintable(QDir(nodeDir).filePath(QStringLiteral("redis.log"))));
            }
            // It exited: a port was taken after the check. Another pair.
        }
    }

    void create() {
        QStringList arguments{QStringLiteral("--cluster"), QStringLiteral("create")};
        for (const auto port : ports_) {
            arguments << QStringLiteral("127.0.0.1:%1").arg(port);
        }
        arguments << QStringLiteral("--cluster-replicas") << QString::number(replicasPerPrimary_)
                  << QStringLiteral("--cluster-yes");
        QProcess cli;
        cli.setProcessChannelMode(QProcess::MergedChannels);
        cli.start(QStringLiteral("redis-cli"), arguments);
        if (!cli.waitForFinished(60000) || cli.exitCode() != 0) {
            qFatal("redis-cli --cluster create failed: %s", cli.readAll().constData());
        }
    }

    // Every node: cluster_state:ok, knows every node, and agrees on who is a replica.
    void waitUntilReady(int timeoutMs) {
        const QDeadlineTimer deadline(timeoutMs);
        const auto expectedNodes = QByteArray::number(static_cast<qsizetype>(ports_.size()));
        while (true) {
            bool ready = true;
            for (const auto port : ports_) {
                auto info = cli(port, {QStringLiteral("CLUSTER"), QStringLiteral("INFO")});
                info.replace('\r', QByteArray()).append('\n');
                if (!info.contains("cluster_state:ok") ||
                    !info.contains(QByteArray("cluster_known_nodes:" + expectedNodes + "\n")) ||
                    !info.contains("cluster_slots_ok:16384\n")) {
                    ready = false;
                    break;
                }
                const auto nodes = cli(port, {QStringLiteral("CLUSTER"), QStringLiteral("NODES")});
                if (replicasPerPrimary_ > 0 &&
                    nodes.count("slave") != static_cast<qsizetype>(ports_.size()) /
                                                (1 + replicasPerPrimary_) * replicasPerPrimary_) {
                    ready = false;
                    break;
                }
            }
            if (ready) {
                return;
            }
            if (deadline.hasExpired()) {
                qFatal("the Redis cluster did not become ready within %d ms", timeoutMs);
            }
            QTest::qWait(50);
        }
    }

    QTemporaryDir dir_;
    int replicasPerPrimary_;
    std::vector<quint16> ports_;
    std::vector<std::unique_ptr<QProcess>> processes_;
};

}  // namespace deskboard::testing
