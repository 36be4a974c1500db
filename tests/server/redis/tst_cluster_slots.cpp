// The pure part of the cluster routing layer (issue 15, part 2): keySlot() against values
// `CLUSTER KEYSLOT` answers (Redis 7.0), the hash-tag edge cases of the cluster spec, MOVED/ASK
// parsing, the slot map built from shards, and which of today's multi-key script calls are
// routable: state scripts (one slot per user and workspace) and every auth script (all auth
// keys carry the hash tag {auth}, one slot).
#include <QTest>

#include <deskboard/protocol/redis_keys.h>

#include "auth/auth_keys.h"
#include "redis/cluster_slots.h"

// A data-driven column of key lists.
Q_DECLARE_METATYPE(std::vector<std::string>)

using namespace deskboard::server::redis::cluster;
namespace keys = deskboard::server::auth::keys;

namespace {

Node node(std::string id, std::uint16_t port, bool primary) {
    return Node{std::move(id), "127.0.0.1", port, primary, true};
}

// Fixed ids of the server's shapes: 32 hex digits, SHA-256 hex of tokens.
const std::string kUserId = "0123456789abcdef0123456789abcdef";
const std::string kOtherId = "fedcba9876543210fedcba9876543210";
const std::string kLoginId = "00112233445566778899aabbccddeeff";
const std::string kHashA(64, 'a');
const std::string kHashB(64, 'b');
const std::string kHashC(64, 'c');

}  // namespace

class ClusterSlotsTest : public QObject {
    Q_OBJECT

  private slots:
    void crc16TestVector() {
        QCOMPARE(crc16("123456789"), std::uint16_t{0x31C3});
        QCOMPARE(crc16(""), std::uint16_t{0});
    }

    // Expected values are what redis-server 7.0.15 (--cluster-enabled yes) answered to
    // CLUSTER KEYSLOT; the cluster suite also compares 1000 random keys live.
    void keySlotMatchesRedis_data() {
        QTest::addColumn<QByteArray>("key");
        QTest::addColumn<int>("slot");
        QTest::newRow("test vector") << QByteArray("123456789") << 12739;
        QTest::newRow("foo") << QByteArray("foo") << 12182;
        QTest::newRow("bar") << QByteArray("bar") << 5061;
        QTest::newRow("hello") << QByteArray("hello") << 866;
        QTest::newRow("empty key") << QByteArray("") << 0;
        QTest::newRow("empty tag hashes the whole key") << QByteArray("{}") << 15257;
        QTest::newRow("nested braces: tag is '{a'") << QByteArray("{{a}}") << 10276;
        QTest::newRow("first tag wins") << QByteArray("a{b}c{d}") << 3300;
        QTest::newRow("empty first tag: whole key") << QByteArray("foo{}{bar}") << 8363;
        QTest::newRow("tag '{bar'") << QByteArray("foo{{bar}}zap") << 4015;
        QTest::newRow("tag bar") << QByteArray("foo{bar}{zap}") << 5061;
        QTest::newRow("tag user1000") << QByteArray("{user1000}.following") << 3443;
        QTest::newRow("plain user1000") << QByteArray("user1000") << 3443;
        QTest::newRow("close before open") << QByteArray("}{a}") << 15495;
        QTest::newRow("unclosed") << QByteArray("a{") << 14311;
    }
    void keySlotMatchesRedis() {
        QFETCH(QByteArray, key);
        QFETCH(int, slot);
        QCOMPARE(int{keySlot(std::string_view(key.constData(), key.size()))}, slot);
    }

    void hashTags() {
        QCOMPARE(hashTagOf("a{b}c{d}"), std::string_view("b"));
        QCOMPARE(hashTagOf("{{a}}"), std::string_view("{a"));
        QCOMPARE(hashTagOf("{}"), std::string_view("{}"));
        QCOMPARE(hashTagOf("foo{}{bar}"), std::string_view("foo{}{bar}"));
        QCOMPARE(hashTagOf("nobraces"), std::string_view("nobraces"));
        QCOMPARE(keySlot("x{tag}y"), keySlot("tag"));
        // Binary-safe: an embedded NUL is hashed like any other byte.
        QVERIFY(keySlot(std::string_view("a\0b", 3)) != keySlot("a"));
    }

    void parsesRedirects() {
        const auto moved = parseRedirect("MOVED 3999 127.0.0.1:6381");
        QVERIFY(moved);
        QCOMPARE(moved->kind, Redirect::Kind::Moved);
        QCOMPARE(moved->slot, std::uint16_t{3999});
        QCOMPARE(moved->host, std::string("127.0.0.1"));
        QCOMPARE(moved->port, std::uint16_t{6381});
        const auto ask = parseRedirect("-ASK 16383 redis-2.local:7000");
        QVERIFY(ask);
        QCOMPARE(ask->kind, Redirect::Kind::Ask);
        QCOMPARE(ask->slot, std::uint16_t{16383});
        QCOMPARE(ask->host, std::string("redis-2.local"));
        QCOMPARE(ask->port, std::uint16_t{7000});
        const auto ipv6 = parseRedirect("MOVED 0 ::1:7002");
        QVERIFY(ipv6);
        QCOMPARE(ipv6->host, std::string("::1"));
        QCOMPARE(ipv6->port, std::uint16_t{7002});
        const auto unknownEndpoint = parseRedirect("MOVED 12 :7003");
        QVERIFY(unknownEndpoint);
        QCOMPARE(unknownEndpoint->host, std::string());
        for (const char* bad :
             {"", "MOVED", "MOVED 1", "MOVED 16384 h:1", "MOVED x h:1", "MOVED 1 h", "MOVED 1 h:0",
              "MOVED 1 h:70000", "ASK 1 h:1 extra", "ERR unknown command", "moved 1 h:1",
              "CROSSSLOT Keys in request don't hash to the same slot"}) {
            QVERIFY2(!parseRedirect(bad), bad);
        }
    }

    void slotMapFromShards() {
        std::vector<Shard> shards(2);
        shards[0].slotRanges = {{0, 99}, {200, 200}};
        shards[0].nodes = {node("r0", 7001, false), node("p0", 7000, true)};
        shards[1].slotRanges = {{100, 199}, {201, 16383}};
        shards[1].nodes = {node("p1", 7002, true)};
        std::string error;
        const auto map = SlotMap::fromShards(shards, &error);
        QVERIFY2(map, error.c_str());
        QVERIFY(map->coversAllSlots());
        QCOMPARE(map->primaryFor(0)->id, std::string("p0"));
        QCOMPARE(map->primaryFor(99)->id, std::string("p0"));
        QCOMPARE(map->primaryFor(100)->id, std::string("p1"));
        QCOMPARE(map->primaryFor(200)->id, std::string("p0"));
        QCOMPARE(map->primaryFor(16383)->id, std::string("p1"));
        QCOMPARE(map->primaryFor(16384), nullptr);
        QCOMPARE(map->replicasFor(50).size(), std::size_t{1});
        QCOMPARE(map->replicasFor(50).front()->port, std::uint16_t{7001});
        QVERIFY(map->replicasFor(150).empty());
        QCOMPARE(map->nodes().size(), std::size_t{3});

        // A crashed primary still listed as one beside the replica that took over: the online
        // one serves the shard.
        auto failedOver = shards;
        auto dead = node("p0", 7000, true);
        dead.online = false;
        failedOver[0].nodes = {dead, node("r0", 7001, true)};
        const auto afterCrash = SlotMap::fromShards(failedOver, &error);
        QVERIFY2(afterCrash, error.c_str());
        QCOMPARE(afterCrash->primaryFor(0)->id, std::string("r0"));

        auto overlapping = shards;
        overlapping[1].slotRanges.push_back({50, 50});
        QVERIFY(!SlotMap::fromShards(overlapping, &error));
        QVERIFY(error.find("50") != std::string::npos);

        auto partial = shards;
        partial[1].slotRanges = {{100, 199}};
        const auto gaps = SlotMap::fromShards(partial, &error);
        QVERIFY(gaps);
        QVERIFY(!gaps->coversAllSlots());
        QCOMPARE(gaps->primaryFor(5000), nullptr);

        auto headless = shards;
        headless[0].nodes = {node("r0", 7001, false)};
        QVERIFY(!SlotMap::fromShards(headless, &error));
    }

    // Every state script call passes StateKeys' five keys: one slot per user and workspace,
    // and the events channel carries the same tag (for SPUBLISH on the slot's node later).
    void stateScriptKeysShareOneSlot() {
        for (const auto& [user, workspace] : std::vector<std::pair<std::string, std::string>>{
                 {kUserId, kOtherId}, {"u", "w"}, {"alice", "personal"}, {kOtherId, kUserId}}) {
            const auto stateKeys = deskboard::protocol::StateKeys::forScope(user, workspace);
            QVERIFY(stateKeys);
            const std::vector<std::string> keyList = {stateKeys->state(), stateKeys->version(),
                                                      stateKeys->modified(), stateKeys->checksum(),
                                                      stateKeys->history()};
            const auto slot = commonSlot(keyList);
            QVERIFY(slot);
            QCOMPARE(keySlot(stateKeys->eventsChannel()), *slot);
            QCOMPARE(*slot, keySlot(user + ":" + workspace));
        }
    }

    // The KEYS lists of the auth scripts as auth_service.cpp builds them. Every auth key carries
    // the tag {auth}, so each list is in one slot, the same for all: the scripts may also build
    // keys from ids they read (a cluster allows that only inside the declared keys' slot).
    void authScriptKeysShareOneSlot_data() {
        QTest::addColumn<std::vector<std::string>>("keyList");
        const std::string name = "alice";
        QTest::newRow("createUser (sign-up, admin add)")
            << std::vector<std::string>{keys::username(name),
                                        keys::user(kUserId),
                                        std::string(keys::kUsers),
                                        keys::workspace(kOtherId),
                                        keys::workspaceMembers(kOtherId),
                                        keys::userWorkspaces(kUserId)};
        QTest::newRow("loginBegin") << std::vector<std::string>{
            keys::failedLoginsOfUser(name), keys::failedLoginsOfAddress("127.0.0.1"),
            keys::username(name)};
        QTest::newRow("loginSucceeded") << std::vector<std::string>{
            keys::failedLoginsOfUser(name), keys::failedLoginsOfAddress("127.0.0.1"),
            keys::user(kUserId)};
        QTest::newRow("createLogin") << std::vector<std::string>{
            keys::user(kUserId), keys::login(kLoginId), keys::userLogins(kUserId),
            keys::accessToken(kHashA), keys::refreshToken(kHashB)};
        QTest::newRow("refresh") << std::vector<std::string>{
            keys::refreshToken(kHashA), keys::grace(kHashA), keys::accessToken(kHashB),
            keys::refreshToken(kHashC)};
        QTest::newRow("deleteUser (admin)")
            << std::vector<std::string>{keys::username(name), std::string(keys::kUsers)};
        QTest::newRow("createWorkspace") << std::vector<std::string>{
            keys::user(kUserId), keys::workspace(kOtherId), keys::workspaceMembers(kOtherId),
            keys::userWorkspaces(kUserId)};
        QTest::newRow("membership (grant/revoke)") << std::vector<std::string>{
            keys::username(name), keys::workspace(kOtherId), keys::workspaceMembers(kOtherId)};
        QTest::newRow("an odd workspace id with braces") << std::vector<std::string>{
            keys::workspace("a}b{c"), keys::workspaceMembers("{x}"), std::string(keys::kUsers)};
    }
    void authScriptKeysShareOneSlot() {
        QFETCH(std::vector<std::string>, keyList);
        QVERIFY(keyList.size() > 1);
        const auto slot = commonSlot(keyList);
        QVERIFY(slot);
        QCOMPARE(*slot, keySlot("auth"));
    }
};

QTEST_GUILESS_MAIN(ClusterSlotsTest)
#include "tst_cluster_slots.moc"
