// ShardedSubscriber against a real Redis Cluster (3 primaries + 3 replicas on loopback, one
// cluster for the whole suite): 24 channels in different slots are subscribed on the primaries
// owning them (one pub/sub connection per primary) and receive an SPUBLISH sent with redis-cli
// to their owner; unsubscribe stops delivery and closes an idle connection; and a subscription
// survives a killed pub/sub connection, a node killed with SIGKILL and restarted, its slot
// migrated to another primary (CLUSTER SETSLOT IMPORTING / MIGRATING / NODE), and a manual
// failover (CLUSTER FAILOVER on the replica), each time calling onResubscribed. No sleeps: the
// test drives the io_context until a condition holds or a deadline passes.
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <QDeadlineTimer>
#include <QProcess>
#include <QTest>
#include <hiredis/hiredis.h>
#include <io_wait.h>
#include <redis_cluster.h>
#include <signal.h>

#include "redis/cluster_slots.h"
#include "redis/sharded_subscriber.h"

using namespace deskboard::server::redis;
using deskboard::testing::RedisCluster;
using deskboard::testing::runUntil;
using namespace std::chrono_literals;

namespace {

struct ContextFree {
    void operator()(redisContext* context) const { redisFree(context); }
};
struct ReplyFree {
    void operator()(redisReply* reply) const { freeReplyObject(reply); }
};
using SyncContext = std::unique_ptr<redisContext, ContextFree>;
using SyncReply = std::unique_ptr<redisReply, ReplyFree>;

QStringList args(std::initializer_list<std::string> parts) {
    QStringList list;
    for (const auto& part : parts) {
        list << QString::fromStdString(part);
    }
    return list;
}

// A subscriber on its own io_context, recording what it hears.
struct Harness {
    explicit Harness(const RedisCluster& cluster, std::string username = {},
                     std::string password = {}) {
        std::vector<Endpoint> seeds;
        for (const auto port : cluster.ports()) {
            Endpoint seed;
            seed.port = port;
            seed.username = username;
            seed.password = password;
            seeds.push_back(seed);
        }
        ClientOptions options;
        options.commandTimeout = 1000ms;
        options.reconnectMin = 20ms;
        options.reconnectMax = 500ms;
        options.onLog = [](std::string_view line) {
            qDebug("%.*s", static_cast<int>(line.size()), line.data());
        };
        subscriber = std::make_unique<ShardedSubscriber>(
            io, std::move(seeds),
            [this](std::string_view channel, std::string_view payload) {
                received.emplace_back(channel, payload);
            },
            [this] { ++resubscribed; }, std::move(options));
        subscriber->start();
    }

    bool heard(const std::string& channel, const std::string& payload) const {
        for (const auto& [c, p] : received) {
            if (c == channel && p == payload) {
                return true;
            }
        }
        return false;
    }
    bool heardOn(const std::string& channel) const {
        for (const auto& entry : received) {
            if (entry.first == channel) {
                return true;
            }
        }
        return false;
    }
    bool waitFor(const std::function<bool()>& condition, std::chrono::milliseconds timeout = 20s) {
        return runUntil(io, condition, timeout);
    }

    boost::asio::io_context io;
    std::vector<std::pair<std::string, std::string>> received;
    int resubscribed = 0;
    std::unique_ptr<ShardedSubscriber> subscriber;
};

}  // namespace

class ShardedSubscriberTest : public QObject {
    Q_OBJECT

  private:
    // The node that owns `key`'s slot: follows MOVED from the first node (EXISTS has no side
    // effect and channels are never keys here).
    quint16 ownerPort(const std::string& key) const {
        quint16 port = cluster_->ports().front();
        for (int hop = 0; hop < 8; ++hop) {
            const auto answer = cluster_->cli(port, args({"EXISTS", key}));
            const auto redirect = cluster::parseRedirect(answer.toStdString());
            if (!redirect) {
                return port;
            }
            port = redirect->port;
        }
        return 0;
    }

    // SPUBLISH on the owner; the number of subscribers that got it (-1: no owner answered).
    int publish(const std::string& channel, const std::string& payload) const {
        for (int attempt = 0; attempt < 5; ++attempt) {
            const auto answer =
                cluster_->cli(ownerPort(channel), args({"SPUBLISH", channel, payload}));
            bool ok = false;
            const int count = answer.toInt(&ok);
            if (ok) {
                return count;
            }
        }
        return -1;
    }

    int shardSubscribers(quint16 port, const std::string& channel) const {
        const auto lines =
            cluster_->cli(port, args({"PUBSUB", "SHARDNUMSUB", channel})).split('\n');
        return lines.size() == 2 ? lines[1].trimmed().toInt() : -1;
    }

    int pubsubConnections(quint16 port) const {
        const auto list = cluster_->cli(port, args({"CLIENT", "LIST", "TYPE", "pubsub"}));
        return list.isEmpty() ? 0 : static_cast<int>(list.count('\n') + 1);
    }

    cluster::SlotMap slotMap(quint16 port) const {
        const timeval timeout{5, 0};
        SyncContext context(redisConnectWithTimeout("127.0.0.1", port, timeout));
        if (!context || context->err != 0) {
            qFatal("cannot connect to %u", port);
        }
        SyncReply reply(static_cast<redisReply*>(redisCommand(context.get(), "CLUSTER SHARDS")));
        std::string error;
        auto map = cluster::SlotMap::fromReply(reply.get(), &error);
        if (!map) {
            qFatal("no slot map: %s", error.c_str());
        }
        return std::move(*map);
    }

    // Every node answers, agrees on cluster_state:ok and serves all slots.
    bool clusterHealthy(int timeoutMs = 30000) const {
        const QDeadlineTimer deadline(timeoutMs);
        while (!deadline.hasExpired()) {
            bool ok = true;
            for (const auto port : cluster_->ports()) {
                const auto info = cluster_->cli(port, args({"CLUSTER", "INFO"}), 2000);
                if (!info.contains("cluster_state:ok") ||
                    !info.contains("cluster_slots_ok:16384")) {
                    ok = false;
                    break;
                }
            }
            if (ok) {
                return true;
            }
            QTest::qWait(50);
        }
        return false;
    }

    // Moves the (key-less) slot of `channel` from its primary to another one with the
    // CLUSTER SETSLOT sequence of a resharding; answers {source port, target port}, {0, 0} when
    // a step fails.
    std::pair<quint16, quint16> migrate(const std::string& channel) const {
        const auto slot = cluster::keySlot(channel);
        const auto map = slotMap(ownerPort(channel));
        const auto* source = map.primaryFor(slot);
        const cluster::Node* target = nullptr;
        for (const auto* node : map.nodes()) {
            if (node->primary && source != nullptr && node->id != source->id) {
                target = node;
                break;
            }
        }
        if (source == nullptr || target == nullptr) {
            return {0, 0};
        }
        const auto slotText = std::to_string(slot);
        const std::vector<std::pair<quint16, QStringList>> steps{
            {target->port, args({"CLUSTER", "SETSLOT", slotText, "IMPORTING", source->id})},
            {source->port, args({"CLUSTER", "SETSLOT", slotText, "MIGRATING", target->id})},
            {target->port, args({"CLUSTER", "SETSLOT", slotText, "NODE", target->id})},
            {source->port, args({"CLUSTER", "SETSLOT", slotText, "NODE", target->id})},
        };
        for (const auto& [port, command] : steps) {
            if (cluster_->cli(port, command) != "OK") {
                qWarning("%s failed", qPrintable(command.join(QLatin1Char(' '))));
                return {0, 0};
            }
        }
        return {source->port, target->port};
    }

    void subscribeAndWait(Harness& harness, const std::string& channel) {
        harness.subscriber->subscribe(channel);
        QVERIFY(harness.waitFor([&] { return harness.subscriber->isSubscribed(channel); }));
    }

    std::unique_ptr<RedisCluster> cluster_;
    std::vector<std::unique_ptr<QProcess>> restarted_;

  private slots:
    void initTestCase() { cluster_ = std::make_unique<RedisCluster>(); }

    void cleanupTestCase() {
        for (auto& process : restarted_) {
            process->terminate();
            if (!process->waitForFinished(5000)) {
                process->kill();
                process->waitForFinished(5000);
            }
        }
        cluster_.reset();
    }

    void receivesFromTheOwningPrimaries() {
        Harness harness(*cluster_);
        std::vector<std::string> channels;
        for (int i = 1; i <= 24; ++i) {
            channels.push_back("{u" + std::to_string(i) + ":w" + std::to_string(i) + "}:events");
        }
        for (const auto& channel : channels) {
            harness.subscriber->subscribe(channel);
        }
        harness.subscriber->subscribe(channels.front());  // already wanted: a no-op
        QCOMPARE(harness.subscriber->channelCount(), channels.size());
        QVERIFY(harness.waitFor([&] {
            for (const auto& channel : channels) {
                if (!harness.subscriber->isSubscribed(channel)) {
                    return false;
                }
            }
            return true;
        }));

        std::set<quint16> owners;
        for (const auto& channel : channels) {
            const auto owner = ownerPort(channel);
            owners.insert(owner);
            QCOMPARE(shardSubscribers(owner, channel), 1);
        }
        QCOMPARE(owners.size(), std::size_t{3});
        for (const auto owner : owners) {
            QCOMPARE(pubsubConnections(owner), 1);  // one connection per primary
        }
        for (const auto& channel : channels) {
            QCOMPARE(publish(channel, "hello " + channel), 1);
        }
        QVERIFY(harness.waitFor([&] { return harness.received.size() >= channels.size(); }));
        QCOMPARE(harness.received.size(), channels.size());
        for (const auto& channel : channels) {
            QVERIFY2(harness.heard(channel, "hello " + channel), channel.c_str());
        }
        QCOMPARE(harness.resubscribed, 0);
    }

    void unsubscribeStopsDelivery() {
        Harness harness(*cluster_);
        const std::string dropped = "{u1:w1}:events";
        const std::string kept = "{u1:w1}:other";  // same slot, same connection: ordered
        subscribeAndWait(harness, dropped);
        subscribeAndWait(harness, kept);
        const auto owner = ownerPort(dropped);

        harness.subscriber->unsubscribe(dropped);
        QVERIFY(!harness.subscriber->isSubscribed(dropped));
        QCOMPARE(harness.subscriber->channelCount(), std::size_t{1});
        QVERIFY(harness.waitFor([&] { return shardSubscribers(owner, dropped) == 0; }));
        QCOMPARE(publish(dropped, "late"), 0);
        QCOMPARE(publish(kept, "still"), 1);
        QVERIFY(harness.waitFor([&] { return harness.heard(kept, "still"); }));
        QVERIFY(!harness.heardOn(dropped));

        // The last channel of a node gone: its connection is closed.
        harness.subscriber->unsubscribe(kept);
        QCOMPARE(harness.subscriber->channelCount(), std::size_t{0});
        QVERIFY(harness.waitFor([&] { return pubsubConnections(owner) == 0; }));
    }

    void resubscribesAfterConnectionLoss() {
        Harness harness(*cluster_);
        const std::string channel = "{u2:w2}:events";
        subscribeAndWait(harness, channel);
        const auto owner = ownerPort(channel);
        QCOMPARE(cluster_->cli(owner, args({"CLIENT", "KILL", "TYPE", "pubsub"})), QByteArray("1"));
        QVERIFY(harness.waitFor([&] {
            return harness.resubscribed >= 1 && harness.subscriber->isSubscribed(channel);
        }));
        QCOMPARE(publish(channel, "after loss"), 1);
        QVERIFY(harness.waitFor([&] { return harness.heard(channel, "after loss"); }));
    }

    void resubscribesAfterNodeRestart() {
        Harness harness(*cluster_);
        const std::string channel = "{u3:w3}:events";
        subscribeAndWait(harness, channel);
        const auto owner = ownerPort(channel);
        const auto info = cluster_->cli(owner, args({"INFO", "server"}));
        const auto pidAt = info.indexOf("process_id:");
        QVERIFY(pidAt >= 0);
        const auto pid = info.mid(pidAt + 11, info.indexOf('\r', pidAt) - pidAt - 11).toLongLong();
        QVERIFY(pid > 0);
        const auto dirLines = cluster_->cli(owner, args({"CONFIG", "GET", "dir"})).split('\n');
        QCOMPARE(dirLines.size(), 2);
        const auto dir = QString::fromUtf8(dirLines[1].trimmed());

        QCOMPARE(::kill(static_cast<pid_t>(pid), SIGKILL), 0);
        QVERIFY(harness.waitFor([&] { return !harness.subscriber->isSubscribed(channel); }));
        QCOMPARE(harness.resubscribed, 0);

        // The same node again: same port, directory and cluster config file.
        auto process = std::make_unique<QProcess>();
        process->setProgram(QStringLiteral("redis-server"));
        process->setArguments({QStringLiteral("--port"), QString::number(owner),
                               QStringLiteral("--bind"), QStringLiteral("127.0.0.1"),
                               QStringLiteral("--cluster-enabled"), QStringLiteral("yes"),
                               QStringLiteral("--cluster-config-file"),
                               QStringLiteral("nodes-%1.conf").arg(owner),
                               QStringLiteral("--appendonly"), QStringLiteral("no"),
                               QStringLiteral("--save"), QString(), QStringLiteral("--dir"), dir});
        process->setStandardOutputFile(dir + QStringLiteral("/redis-restarted.log"));
        process->start();
        QVERIFY(process->waitForStarted(10000));
        restarted_.push_back(std::move(process));

        QVERIFY(harness.waitFor(
            [&] { return harness.resubscribed >= 1 && harness.subscriber->isSubscribed(channel); },
            40s));
        QVERIFY(clusterHealthy());
        QVERIFY(harness.waitFor([&] { return harness.subscriber->isSubscribed(channel); }));
        QCOMPARE(publish(channel, "after restart"), 1);
        QVERIFY(harness.waitFor([&] { return harness.heard(channel, "after restart"); }));
    }

    void followsASlotMigration() {
        Harness harness(*cluster_);
        const std::string channel = "{u4:w4}:events";
        const std::string neighbour = "{u5:w5}:events";  // another slot; stays put
        subscribeAndWait(harness, channel);
        subscribeAndWait(harness, neighbour);
        const auto slot = cluster::keySlot(channel);
        QVERIFY(slot != cluster::keySlot(neighbour));
        const auto [source, target] = migrate(channel);
        QVERIFY(source != 0 && target != 0);

        QVERIFY(harness.waitFor([&] {
            return harness.resubscribed >= 1 && harness.subscriber->isSubscribed(channel);
        }));
        QCOMPARE(shardSubscribers(target, channel), 1);
        QCOMPARE(shardSubscribers(source, channel), 0);
        QCOMPARE(cluster_->cli(target, args({"SPUBLISH", channel, "migrated"})), QByteArray("1"));
        QVERIFY(harness.waitFor([&] { return harness.heard(channel, "migrated"); }));
        QVERIFY(harness.subscriber->isSubscribed(neighbour));
        QCOMPARE(publish(neighbour, "unmoved"), 1);
        QVERIFY(harness.waitFor([&] { return harness.heard(neighbour, "unmoved"); }));
        QVERIFY(clusterHealthy());
    }

    // A channel subscribed with a stale slot map: the old owner answers -MOVED, the subscriber
    // refreshes the map and subscribes on the new owner (a first subscription: no catch-up).
    void followsMovedForANewChannel() {
        Harness harness(*cluster_);
        const std::string first = "{u7:w7}:events";
        const std::string later = "{u8:w8}:events";
        QVERIFY(cluster::keySlot(first) != cluster::keySlot(later));
        subscribeAndWait(harness, first);  // the subscriber knows the map now
        const auto [source, target] = migrate(later);
        QVERIFY(source != 0 && target != 0);
        QVERIFY(clusterHealthy());

        harness.subscriber->subscribe(later);
        QVERIFY(harness.waitFor([&] { return harness.subscriber->isSubscribed(later); }));
        QCOMPARE(shardSubscribers(target, later), 1);
        QCOMPARE(cluster_->cli(target, args({"SPUBLISH", later, "redirected"})), QByteArray("1"));
        QVERIFY(harness.waitFor([&] { return harness.heard(later, "redirected"); }));
        QCOMPARE(harness.resubscribed, 0);
        QVERIFY(harness.subscriber->isSubscribed(first));
    }

    void followsAFailover() {
        Harness harness(*cluster_);
        const std::string channel = "{u6:w6}:events";
        subscribeAndWait(harness, channel);
        const auto slot = cluster::keySlot(channel);
        const auto map = slotMap(ownerPort(channel));
        const auto* primary = map.primaryFor(slot);
        QVERIFY(primary);
        const auto replicas = map.replicasFor(slot);
        QVERIFY(!replicas.empty());
        const auto replicaPort = replicas.front()->port;
        QCOMPARE(primary->port, ownerPort(channel));

        QCOMPARE(cluster_->cli(replicaPort, args({"CLUSTER", "FAILOVER"})), QByteArray("OK"));
        QVERIFY(harness.waitFor(
            [&] {
                return harness.resubscribed >= 1 && harness.subscriber->isSubscribed(channel) &&
                       shardSubscribers(replicaPort, channel) == 1;
            },
            30s));
        QCOMPARE(ownerPort(channel), replicaPort);
        QCOMPARE(cluster_->cli(replicaPort, args({"SPUBLISH", channel, "promoted"})),
                 QByteArray("1"));
        QVERIFY(harness.waitFor([&] { return harness.heard(channel, "promoted"); }));
    }

    // The seeds' ACL user and password authenticate every connection (the map query and each
    // node's pub/sub connection); a wrong password subscribes nothing.
    void authenticatesWithTheSeedCredentials() {
        for (const auto port : cluster_->ports()) {
            QCOMPARE(cluster_->cli(port, args({"ACL", "SETUSER", "events", "on", ">s3cret", "&*",
                                               "+@all", "~*"})),
                     QByteArray("OK"));
        }
        Harness harness(*cluster_, "events", "s3cret");
        const std::string channel = "{u9:w9}:events";
        subscribeAndWait(harness, channel);
        const auto owner = ownerPort(channel);
        QVERIFY(cluster_->cli(owner, args({"CLIENT", "LIST", "TYPE", "pubsub"}))
                    .contains("user=events"));
        QCOMPARE(publish(channel, "authenticated"), 1);
        QVERIFY(harness.waitFor([&] { return harness.heard(channel, "authenticated"); }));

        Harness refused(*cluster_, "events", "wrong");
        refused.subscriber->subscribe(channel);
        QVERIFY(!refused.waitFor([&] { return refused.subscriber->isSubscribed(channel); }, 1s));
        QCOMPARE(shardSubscribers(owner, channel), 1);  // only the first harness
    }

    void stopWithPendingOperationsIsSafe() {
        auto harness = std::make_unique<Harness>(*cluster_);
        for (int i = 0; i < 10; ++i) {
            harness->subscriber->subscribe("{s" + std::to_string(i) + "}:events");
        }
        // Run a little so connections are half-way (resolving, connecting, subscribing).
        harness->io.poll();
        harness->subscriber->stop();
        harness->subscriber.reset();
        harness->io.restart();
        harness->io.run_for(100ms);
        harness.reset();
    }
};

QTEST_GUILESS_MAIN(ShardedSubscriberTest)
#include "tst_sharded_subscriber.moc"
