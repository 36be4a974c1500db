// The slot map against a real Redis Cluster (3 primaries + 3 replicas on loopback, started by
// the test): the map built from `CLUSTER SHARDS` covers every slot with the cluster's nodes,
// keySlot() agrees with `CLUSTER KEYSLOT` on 1000 random keys, the mapped primary accepts a SET
// of each key, and another primary answers MOVED with the slot and address the map names.
#include <map>
#include <memory>
#include <set>

#include <QRandomGenerator>
#include <QTest>
#include <hiredis/hiredis.h>
#include <redis_cluster.h>

#include "redis/cluster_slots.h"

using namespace deskboard::server::redis::cluster;
using deskboard::testing::RedisCluster;

namespace {

struct ContextFree {
    void operator()(redisContext* context) const { redisFree(context); }
};
struct ReplyFree {
    void operator()(redisReply* reply) const { freeReplyObject(reply); }
};
using Context = std::unique_ptr<redisContext, ContextFree>;
using Reply = std::unique_ptr<redisReply, ReplyFree>;

Context connectTo(const std::string& host, std::uint16_t port) {
    const timeval timeout{5, 0};
    Context context(redisConnectWithTimeout(host.c_str(), port, timeout));
    if (!context || context->err != 0) {
        qFatal("cannot connect to %s:%u", host.c_str(), port);
    }
    redisSetTimeout(context.get(), timeout);
    return context;
}

Reply run(redisContext* context, const std::vector<std::string>& argv) {
    std::vector<const char*> parts;
    std::vector<std::size_t> lengths;
    for (const auto& part : argv) {
        parts.push_back(part.data());
        lengths.push_back(part.size());
    }
    return Reply(static_cast<redisReply*>(
        redisCommandArgv(context, static_cast<int>(parts.size()), parts.data(), lengths.data())));
}

std::string randomKey(QRandomGenerator& random) {
    static constexpr std::string_view kAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789:{}_-";
    std::string key;
    const auto length = random.bounded(1, 24);
    for (int i = 0; i < length; ++i) {
        key.push_back(kAlphabet[static_cast<std::size_t>(
            random.bounded(static_cast<int>(kAlphabet.size())))]);
    }
    return key;
}

}  // namespace

class RedisClusterTest : public QObject {
    Q_OBJECT

  private slots:
    void slotMapRoutesLikeTheCluster() {
        RedisCluster cluster;
        QCOMPARE(cluster.ports().size(), std::size_t{6});

        auto seed = connectTo("127.0.0.1", cluster.ports().front());
        const auto shardsReply = run(seed.get(), {"CLUSTER", "SHARDS"});
        QVERIFY(shardsReply);
        std::string error;
        const auto map = SlotMap::fromReply(shardsReply.get(), &error);
        QVERIFY2(map, error.c_str());
        QVERIFY(map->coversAllSlots());
        QCOMPARE(map->shards().size(), std::size_t{3});

        // Six distinct nodes on the cluster's ports, three of them primaries, one replica each.
        const auto nodes = map->nodes();
        QCOMPARE(nodes.size(), std::size_t{6});
        std::set<std::uint16_t> ports;
        std::set<std::string> ids;
        std::vector<const Node*> primaries;
        for (const auto* node : nodes) {
            ports.insert(node->port);
            ids.insert(node->id);
            QCOMPARE(node->host, std::string("127.0.0.1"));
            QCOMPARE(node->id.size(), std::size_t{40});
            if (node->primary) {
                primaries.push_back(node);
            }
        }
        QCOMPARE(ports, std::set<std::uint16_t>(cluster.ports().begin(), cluster.ports().end()));
        QCOMPARE(ids.size(), std::size_t{6});
        QCOMPARE(primaries.size(), std::size_t{3});
        for (std::uint16_t slot : {0, 5000, 10000, 16383}) {
            QCOMPARE(map->replicasFor(slot).size(), std::size_t{1});
        }
        // Each primary's own node id is what CLUSTER MYID answers there.
        std::map<std::uint16_t, Context> connections;
        for (const auto* primary : primaries) {
            auto context = connectTo(primary->host, primary->port);
            const auto myId = run(context.get(), {"CLUSTER", "MYID"});
            QVERIFY(myId && myId->type == REDIS_REPLY_STRING);
            QCOMPARE(std::string(myId->str, myId->len), primary->id);
            connections.emplace(primary->port, std::move(context));
        }

        QRandomGenerator random(20261207);
        int moved = 0;
        for (int i = 0; i < 1000; ++i) {
            const std::string key = randomKey(random);
            const auto keySlotReply = run(seed.get(), {"CLUSTER", "KEYSLOT", key});
            QVERIFY(keySlotReply && keySlotReply->type == REDIS_REPLY_INTEGER);
            const auto slot = keySlot(key);
            QVERIFY2(keySlotReply->integer == slot, key.c_str());

            const Node* owner = map->primaryFor(slot);
            QVERIFY(owner);
            const auto set = run(connections.at(owner->port).get(), {"SET", key, "v"});
            QVERIFY(set);
            QVERIFY2(set->type == REDIS_REPLY_STATUS, key.c_str());

            const Node* other = primaries[static_cast<std::size_t>(i) % primaries.size()];
            if (other == owner) {
                other = primaries[(static_cast<std::size_t>(i) + 1) % primaries.size()];
            }
            const auto refused = run(connections.at(other->port).get(), {"SET", key, "w"});
            QVERIFY(refused && refused->type == REDIS_REPLY_ERROR);
            const auto redirect = parseRedirect(std::string_view(refused->str, refused->len));
            QVERIFY2(redirect, refused->str);
            QCOMPARE(redirect->kind, Redirect::Kind::Moved);
            QCOMPARE(redirect->slot, slot);
            QCOMPARE(redirect->host, owner->host);
            QCOMPARE(redirect->port, owner->port);
            ++moved;
        }
        QCOMPARE(moved, 1000);
    }
};

QTEST_GUILESS_MAIN(RedisClusterTest)
#include "tst_redis_cluster.moc"
