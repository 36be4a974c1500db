// StateService against a real private redis-server per test case: every row of the save
// decision table through the Lua script, deletes that never let versions go back, reads with
// and without If-None-Match, the TTL on all five keys (set by writes, renewed by a read only once
// it has run down by ttlRefreshSeconds, so other reads write nothing),
// history capping and lookups, isolation of users and workspaces, the published events
// (watched with `redis-cli SUBSCRIBE`), a large unicode state byte for byte, Redis down or
// corrupt keys as storage_unavailable, and a randomized run of three clients compared with
// protocol::decideSave.
#include <algorithm>
#include <array>
#include <functional>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <QProcess>
#include <QRegularExpression>
#include <QTest>
#include <child_process.h>
#include <io_wait.h>
#include <nlohmann/json.hpp>
#include <qtest_json.h>
#include <redis_process.h>

#include <deskboard/protocol/canonical_json.h>
#include <deskboard/protocol/messages.h>
#include <deskboard/protocol/save_decision.h>
#include <deskboard/server/state/state_service.h>

using namespace deskboard::server;
using deskboard::protocol::ErrorCode;
using deskboard::protocol::Expected;
using deskboard::protocol::StateKeys;
using deskboard::testing::RedisProcess;
using deskboard::testing::runUntil;
using state::DeleteOutcome;
using state::HistoryEntry;
using state::ReadOutcome;
using state::SaveOutcome;
using state::StateOptions;
using state::StateService;
using state::StoredState;
using namespace std::chrono_literals;

namespace {

StateKeys scope(const char* user, const char* workspace) {
    return StateKeys::forScope(user, workspace).value();
}

std::string checksumOf(const std::string& json) {
    return deskboard::protocol::stateChecksum(nlohmann::json::parse(json));
}

bool isTimestamp(const std::string& text) {
    static const QRegularExpression pattern(
        QStringLiteral("^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z$"));
    return pattern.match(QString::fromStdString(text)).hasMatch();
}

// One redis-server, one client and one service; the operations run to completion.
class Harness {
  public:
    explicit Harness(StateOptions options = {})
        : client_(io_, *redis::parseEndpoint(redis.url().toStdString()).endpoint, clientOptions()),
          service(client_, options) {
        client_.start();
    }

    QByteArray cli(std::initializer_list<std::string> arguments) const {
        QStringList list;
        for (const auto& argument : arguments) {
            list << QString::fromStdString(argument);
        }
        return redis.cli(list);
    }
    long long ttl(const std::string& key) const { return cli({"TTL", key}).toLongLong(); }

    // A number from INFO: "cmdstat_expire" (the calls of a command, 0 when never called) or a
    // plain field such as "rdb_changes_since_last_save" (every write to the dataset counts).
    long long info(const std::string& field) const {
        const auto text = QString::fromUtf8(cli({"INFO", "all"}));
        const QRegularExpression pattern(QStringLiteral("(?:^|\\n)") +
                                         QRegularExpression::escape(QString::fromStdString(field)) +
                                         QStringLiteral(":(?:calls=)?(\\d+)"));
        const auto match = pattern.match(text);
        return match.hasMatch() ? match.captured(1).toLongLong() : 0;
    }
    // The writes Redis made, counted two ways: EXPIRE/PEXPIRE calls and the dataset's changes.
    std::pair<long long, long long> writes() const {
        return {info("cmdstat_expire") + info("cmdstat_pexpire"),
                info("rdb_changes_since_last_save")};
    }

    Expected<ReadOutcome> read(const StateKeys& keys,
                               std::optional<std::int64_t> ifNoneMatch = {}) {
        return await<ReadOutcome>([&](auto done) { service.read(keys, ifNoneMatch, done); });
    }
    Expected<SaveOutcome> save(const StateKeys& keys, std::int64_t version, const std::string& json,
                               const std::string& deviceId = {}) {
        return await<SaveOutcome>([&](auto done) {
            service.save(keys, version, json, checksumOf(json), deviceId, done);
        });
    }
    Expected<DeleteOutcome> remove(const StateKeys& keys, const std::string& deviceId = {}) {
        return await<DeleteOutcome>([&](auto done) { service.remove(keys, deviceId, done); });
    }
    Expected<std::vector<HistoryEntry>> history(const StateKeys& keys) {
        return await<std::vector<HistoryEntry>>([&](auto done) { service.history(keys, done); });
    }
    Expected<std::optional<StoredState>> historyVersion(const StateKeys& keys,
                                                        std::int64_t version) {
        return await<std::optional<StoredState>>(
            [&](auto done) { service.historyVersion(keys, version, done); });
    }
    Expected<std::optional<StoredState>> current(const StateKeys& keys) {
        return await<std::optional<StoredState>>(
            [&](auto done) { service.currentVersion(keys, done); });
    }

    // Runs the io_context until `done` holds (ready handlers only, no sleeping).
    template <typename Predicate>
    bool runUntil(Predicate done) {
        return deskboard::testing::runUntil(io_, done);
    }

    redis::Client& client() { return client_; }

    RedisProcess redis;

  private:
    static redis::ClientOptions clientOptions() {
        redis::ClientOptions options;
        options.commandTimeout = 1000ms;
        return options;
    }

    template <typename T, typename Start>
    Expected<T> await(Start start) {
        std::optional<Expected<T>> outcome;
        start([&](Expected<T> result) { outcome.emplace(std::move(result)); });
        if (!deskboard::testing::runUntil(io_, [&] { return outcome.has_value(); })) {
            return deskboard::protocol::ApiError{ErrorCode::NotFound, "test: no answer"};
        }
        return std::move(*outcome);
    }

    boost::asio::io_context io_;
    redis::Client client_;

  public:
    StateService service;
};

std::vector<std::string> allKeys(const StateKeys& keys) {
    return {keys.state(), keys.version(), keys.modified(), keys.checksum(), keys.history()};
}

// `redis-cli SUBSCRIBE channel`, read line by line with a deadline. Without a terminal redis-cli
// prints every reply element on its own line: "message", the channel, the payload.
class Subscriber {
  public:
    Subscriber(const RedisProcess& redis, const std::string& channel) {
        deskboard::testing::killWithTest(process_);
        process_.start(QStringLiteral("redis-cli"),
                       {QStringLiteral("-h"), QStringLiteral("127.0.0.1"), QStringLiteral("-p"),
                        QString::number(redis.port()), QStringLiteral("SUBSCRIBE"),
                        QString::fromStdString(channel)});
        // The confirmation: "subscribe", the channel, the count 1.
        started_ = process_.waitForStarted(5000) && nextLine() == "subscribe" &&
                   nextLine() == channel && nextLine() == "1";
    }
    ~Subscriber() {
        process_.kill();
        process_.waitForFinished(5000);
    }
    bool started() const { return started_; }

    // The next published payload, or nothing within the deadline.
    std::optional<std::string> nextMessage() {
        for (;;) {
            const auto line = nextLine();
            if (!line) {
                return std::nullopt;
            }
            if (*line == "message" && nextLine()) {
                return nextLine();
            }
        }
    }

  private:
    std::optional<std::string> nextLine() {
        const QDeadlineTimer deadline(5000);
        while (!process_.canReadLine()) {
            if (deadline.hasExpired()) {
                return std::nullopt;
            }
            process_.waitForReadyRead(100);
        }
        return process_.readLine().chopped(1).toStdString();
    }

    QProcess process_;
    bool started_ = false;
};

}  // namespace

class StateServiceTest : public QObject {
    Q_OBJECT

  private slots:
    void firstSaveWithAHighVersionIsAccepted() {
        Harness h;
        const auto keys = scope("u1", "w1");
        QCOMPARE(h.read(keys).value().kind, ReadOutcome::Kind::NotFound);
        QVERIFY(!h.current(keys).value().has_value());
        QVERIFY(h.history(keys).value().empty());

        const std::string json = R"({"widgets":[{"id":"a","x":1}],"theme":"dark"})";
        const auto saved = h.save(keys, 1000, json).value();
        QCOMPARE(saved.kind, SaveOutcome::Kind::Accepted);
        QCOMPARE(saved.serverVersion, std::int64_t{1000});

        const auto read = h.read(keys).value();
        QCOMPARE(read.kind, ReadOutcome::Kind::Found);
        QCOMPARE(read.stored.version, std::int64_t{1000});
        QCOMPARE(read.stored.stateJson, json);
        QVERIFY2(isTimestamp(read.stored.lastModified), read.stored.lastModified.c_str());
        QCOMPARE(h.cli({"GET", keys.checksum()}).toStdString(), checksumOf(json));
        QCOMPARE(h.cli({"GET", keys.version()}), QByteArray("1000"));

        const auto current = h.current(keys).value();
        QVERIFY(current.has_value());
        QCOMPARE(current->version, std::int64_t{1000});
        QCOMPARE(current->lastModified, read.stored.lastModified);
        QVERIFY(current->stateJson.empty());
    }

    void decisionTableThroughTheScript() {
        Harness h;
        const auto keys = scope("u1", "w1");
        const std::string a = R"({"n":"a"})";
        const std::string b = R"({"n":"b"})";
        const std::string c = R"({"n":"c"})";

        QCOMPARE(h.save(keys, 1, a).value().kind, SaveOutcome::Kind::Accepted);
        const auto modifiedAfterFirst = h.cli({"GET", keys.modified()});

        // Idempotent retry: same version, same checksum (even with other whitespace): nothing
        // written, the history unchanged.
        for (const std::string& retry : {a, std::string(R"({ "n" : "a" })")}) {
            const auto again = h.save(keys, 1, retry).value();
            QCOMPARE(again.kind, SaveOutcome::Kind::Idempotent);
            QCOMPARE(again.serverVersion, std::int64_t{1});
            QVERIFY(!again.serverStateJson);
        }
        QCOMPARE(h.history(keys).value().size(), std::size_t{1});
        QCOMPARE(h.cli({"GET", keys.modified()}), modifiedAfterFirst);
        QCOMPARE(h.cli({"GET", keys.state()}).toStdString(), a);

        // Same version, other content: a conflict with the server's copy.
        const auto same = h.save(keys, 1, b).value();
        QCOMPARE(same.kind, SaveOutcome::Kind::Conflict);
        QCOMPARE(same.serverVersion, std::int64_t{1});
        QCOMPARE(same.serverStateJson.value(), a);
        QCOMPARE(same.lastModified.value(), modifiedAfterFirst.toStdString());

        // Newer: written.
        const auto newer = h.save(keys, 2, b).value();
        QCOMPARE(newer.kind, SaveOutcome::Kind::Accepted);
        QCOMPARE(newer.serverVersion, std::int64_t{2});
        const auto stored = h.read(keys).value().stored;

        // Older: a conflict, whatever the content (also the content stored now).
        for (const auto& json : {c, b, a}) {
            const auto older = h.save(keys, 1, json).value();
            QCOMPARE(older.kind, SaveOutcome::Kind::Conflict);
            QCOMPARE(older.serverVersion, std::int64_t{2});
            QCOMPARE(older.serverStateJson.value(), b);
            QCOMPARE(older.lastModified.value(), stored.lastModified);
        }
        // Same version as stored, content of an older version: a conflict.
        QCOMPARE(h.save(keys, 2, a).value().kind, SaveOutcome::Kind::Conflict);
        QCOMPARE(h.save(keys, 2, b).value().kind, SaveOutcome::Kind::Idempotent);
        QCOMPARE(h.history(keys).value().size(), std::size_t{2});
        QCOMPARE(h.read(keys).value().stored.stateJson, b);
    }

    void deleteKeepsTheCounterAndTheHistory() {
        Harness h;
        const auto keys = scope("u1", "w1");
        const std::string a = R"({"n":"a"})";
        QCOMPARE(h.save(keys, 3, a).value().kind, SaveOutcome::Kind::Accepted);

        const auto deleted = h.remove(keys).value();
        QVERIFY(deleted.deleted);
        QCOMPARE(deleted.version, std::int64_t{4});
        for (const auto& key : {keys.state(), keys.modified(), keys.checksum()}) {
            QCOMPARE(h.cli({"EXISTS", key}), QByteArray("0"));
        }
        QCOMPARE(h.cli({"GET", keys.version()}), QByteArray("4"));
        QCOMPARE(h.history(keys).value().size(), std::size_t{1});
        QCOMPARE(h.read(keys).value().kind, ReadOutcome::Kind::NotFound);
        QCOMPARE(h.read(keys, 4).value().kind, ReadOutcome::Kind::NotFound);
        // The delete's version is still current (reconnecting event streams learn of it).
        const auto current = h.current(keys).value();
        QVERIFY(current.has_value());
        QCOMPARE(current->version, std::int64_t{4});
        QVERIFY(current->lastModified.empty());

        // Nothing stored: nothing changes.
        const auto again = h.remove(keys).value();
        QVERIFY(!again.deleted);
        QCOMPARE(again.version, std::int64_t{0});
        QCOMPARE(h.cli({"GET", keys.version()}), QByteArray("4"));

        // Versions up to the counter conflict with an empty server copy, also the content
        // and version that were stored before the delete.
        for (const auto& [version, json] : std::vector<std::pair<std::int64_t, std::string>>{
                 {4, a}, {3, a}, {1, R"({"n":"old"})"}}) {
            const auto stale = h.save(keys, version, json).value();
            QCOMPARE(stale.kind, SaveOutcome::Kind::Conflict);
            QCOMPARE(stale.serverVersion, std::int64_t{4});
            QVERIFY(!stale.serverStateJson.has_value());
            QVERIFY(!stale.lastModified.has_value());
        }
        const auto revived = h.save(keys, 5, a).value();
        QCOMPARE(revived.kind, SaveOutcome::Kind::Accepted);
        QCOMPARE(revived.serverVersion, std::int64_t{5});
        const auto history = h.history(keys).value();
        QCOMPARE(history.size(), std::size_t{2});
        QCOMPARE(history[0].version, std::int64_t{5});
        QCOMPARE(history[1].version, std::int64_t{3});
        // The undo path: the version before the delete is still readable.
        QCOMPARE(h.historyVersion(keys, 3).value().value().stateJson, a);

        // A second delete moves on from 5.
        QCOMPARE(h.remove(keys).value().version, std::int64_t{6});
        QCOMPARE(h.save(keys, 6, a).value().serverVersion, std::int64_t{6});
        QCOMPARE(h.save(keys, 7, a).value().kind, SaveOutcome::Kind::Accepted);
    }

    void readAnswersNotModified() {
        Harness h;
        const auto keys = scope("u1", "w1");
        QCOMPARE(h.read(keys, 1).value().kind, ReadOutcome::Kind::NotFound);
        h.save(keys, 7, R"({"a":1})");
        const auto notModified = h.read(keys, 7).value();
        QCOMPARE(notModified.kind, ReadOutcome::Kind::NotModified);
        QCOMPARE(notModified.stored.version, std::int64_t{7});
        QVERIFY(notModified.stored.stateJson.empty());
        for (const std::int64_t other : {std::int64_t{6}, std::int64_t{8},
                                         deskboard::protocol::kMaxVersion, std::int64_t{-7}}) {
            const auto changed = h.read(keys, other).value();
            QCOMPARE(changed.kind, ReadOutcome::Kind::Found);
            QCOMPARE(changed.stored.version, std::int64_t{7});
            QCOMPARE(changed.stored.stateJson, std::string(R"({"a":1})"));
        }
        QCOMPARE(h.remove(keys).value().version, std::int64_t{8});
        QCOMPARE(h.read(keys, 8).value().kind, ReadOutcome::Kind::NotFound);
        QCOMPARE(h.read(keys, 7).value().kind, ReadOutcome::Kind::NotFound);
    }

    // With ttlRefreshSeconds 0 every read renews the TTL (the behaviour before the threshold).
    void writesSetTheTtlOnAllKeysAndReadsRefreshIt() {
        StateOptions options;
        options.ttlSeconds = 100;
        options.ttlRefreshSeconds = 0;
        Harness h(options);
        const auto keys = scope("u1", "w1");
        const std::string json = R"({"a":1})";
        h.save(keys, 1, json);
        for (const auto& key : allKeys(keys)) {
            const auto ttl = h.ttl(key);
            QVERIFY2(ttl > 0 && ttl <= 100, key.c_str());
        }
        const auto lowerAll = [&] {
            for (const auto& key : allKeys(keys)) {
                QCOMPARE(h.cli({"EXPIRE", key, "5"}), QByteArray("1"));
            }
        };
        const auto refreshed = [&](const std::vector<std::string>& keyList) {
            for (const auto& key : keyList) {
                if (h.ttl(key) <= 50) {
                    return false;
                }
            }
            return true;
        };
        const std::vector<std::pair<const char*, std::function<bool()>>> reads{
            {"GET", [&] { return h.read(keys).value().kind == ReadOutcome::Kind::Found; }},
            {"304", [&] { return h.read(keys, 1).value().kind == ReadOutcome::Kind::NotModified; }},
            {"history", [&] { return h.history(keys).value().size() == 1; }},
            {"history version", [&] { return h.historyVersion(keys, 1).value().has_value(); }},
            {"missing history version",
             [&] { return !h.historyVersion(keys, 9).value().has_value(); }},
            {"current version", [&] { return h.current(keys).value().has_value(); }},
            {"conflict",
             [&] {
                 return h.save(keys, 1, R"({"a":2})").value().kind == SaveOutcome::Kind::Conflict;
             }},
            {"idempotent",
             [&] { return h.save(keys, 1, json).value().kind == SaveOutcome::Kind::Idempotent; }},
        };
        for (const auto& [name, run] : reads) {
            lowerAll();
            QVERIFY2(!refreshed(allKeys(keys)), name);
            QVERIFY2(run(), name);
            QVERIFY2(refreshed(allKeys(keys)), name);
        }
        // Each accepted write sets it again.
        lowerAll();
        h.save(keys, 2, json);
        QVERIFY(refreshed(allKeys(keys)));

        // A delete refreshes what remains; reads after it refresh the counter and the history.
        lowerAll();
        QVERIFY(h.remove(keys).value().deleted);
        QVERIFY(refreshed({keys.version(), keys.history()}));
        for (const auto& key : {keys.state(), keys.modified(), keys.checksum()}) {
            QCOMPARE(h.ttl(key), -2LL);  // gone
        }
        QCOMPARE(h.cli({"EXPIRE", keys.version(), "5"}), QByteArray("1"));
        QCOMPARE(h.read(keys).value().kind, ReadOutcome::Kind::NotFound);
        QVERIFY(refreshed({keys.version(), keys.history()}));
    }

    // The default: reads of a state whose TTL has not run down write nothing at all; once it has
    // run down by more than ttlRefreshSeconds, one read renews it on all five keys.
    void readsWriteNothingUntilTheTtlRanDown() {
        StateOptions options;
        options.ttlSeconds = 100;
        options.ttlRefreshSeconds = 30;  // renew at or below 70 s left
        Harness h(options);
        const auto keys = scope("u1", "w1");
        const auto empty = scope("u2", "w1");
        const std::string json = R"({"a":1})";
        QCOMPARE(h.save(keys, 1, json).value().kind, SaveOutcome::Kind::Accepted);
        const std::vector<std::pair<const char*, std::function<bool()>>> reads{
            {"GET", [&] { return h.read(keys).value().kind == ReadOutcome::Kind::Found; }},
            {"304", [&] { return h.read(keys, 1).value().kind == ReadOutcome::Kind::NotModified; }},
            {"history", [&] { return h.history(keys).value().size() == 1; }},
            {"history version", [&] { return h.historyVersion(keys, 1).value().has_value(); }},
            {"missing history version",
             [&] { return !h.historyVersion(keys, 9).value().has_value(); }},
            {"current version", [&] { return h.current(keys).value().has_value(); }},
            {"nothing stored",
             [&] { return h.read(empty).value().kind == ReadOutcome::Kind::NotFound; }},
        };
        const auto setAll = [&](const char* seconds) {
            for (const auto& key : allKeys(keys)) {
                QCOMPARE(h.cli({"EXPIRE", key, seconds}), QByteArray("1"));
            }
        };
        const auto allWithin = [&](long long low, long long high) {
            for (const auto& key : allKeys(keys)) {
                const auto ttl = h.ttl(key);
                if (ttl < low || ttl > high) {
                    return false;
                }
            }
            return true;
        };
        // A fresh state: many reads of every kind, not one write.
        auto before = h.writes();
        for (int round = 0; round < 50; ++round) {
            for (const auto& [name, run] : reads) {
                QVERIFY2(run(), name);
            }
        }
        QCOMPARE(h.writes(), before);
        QVERIFY(allWithin(90, 100));

        // Run down, but by less than the threshold (75 s left): still nothing written.
        setAll("75");
        before = h.writes();
        for (const auto& [name, run] : reads) {
            QVERIFY2(run(), name);
        }
        QCOMPARE(h.writes(), before);
        QVERIFY(allWithin(1, 75));

        // Run down past it: the first read renews all five keys, the next ones write nothing.
        for (const auto& [name, run] : reads) {
            if (std::string_view(name) == "nothing stored") {
                continue;
            }
            setAll("60");
            QVERIFY2(!allWithin(90, 100), name);
            before = h.writes();
            QVERIFY2(run(), name);
            const auto after = h.writes();
            QVERIFY2(after.first == before.first + 5, name);  // one EXPIRE per key
            QVERIFY2(after.second > before.second, name);
            QVERIFY2(allWithin(99, 100), name);
            QVERIFY2(run(), name);
            QVERIFY2(h.writes() == after, name);
        }

        // After a delete the counter and the history are renewed the same way.
        QVERIFY(h.remove(keys).value().deleted);
        for (const auto& key : {keys.version(), keys.history()}) {
            QCOMPARE(h.cli({"EXPIRE", key, "60"}), QByteArray("1"));
        }
        QCOMPARE(h.read(keys).value().kind, ReadOutcome::Kind::NotFound);
        for (const auto& key : {keys.version(), keys.history()}) {
            QVERIFY2(h.ttl(key) >= 99, key.c_str());
        }
        before = h.writes();
        QCOMPARE(h.read(keys).value().kind, ReadOutcome::Kind::NotFound);
        QCOMPARE(h.writes(), before);
    }

    // A refresh interval of 0 renews on every read: the EXPIRE counter sees each of them.
    void aZeroRefreshIntervalRenewsOnEveryRead() {
        StateOptions options;
        options.ttlSeconds = 100;
        options.ttlRefreshSeconds = 0;
        Harness h(options);
        const auto keys = scope("u1", "w1");
        h.save(keys, 1, R"({"a":1})");
        const auto before = h.writes();
        for (int round = 0; round < 10; ++round) {
            QCOMPARE(h.read(keys).value().kind, ReadOutcome::Kind::Found);
        }
        QCOMPARE(h.writes().first, before.first + 50);
    }

    void expiryForgetsTheScope() {
        StateOptions options;
        options.ttlSeconds = 1;
        Harness h(options);
        const auto keys = scope("u1", "w1");
        h.save(keys, 5, R"({"a":1})");
        QCOMPARE(h.cli({"EXISTS", keys.state(), keys.version(), keys.modified(), keys.checksum(),
                        keys.history()}),
                 QByteArray("5"));
        // Poll with EXISTS (not through the service: its reads would refresh the TTL).
        const QDeadlineTimer deadline(5000);
        while (h.cli({"EXISTS", keys.state(), keys.version(), keys.modified(), keys.checksum(),
                      keys.history()}) != "0") {
            QVERIFY2(!deadline.hasExpired(), "the keys did not expire");
            QTest::qWait(20);
        }
        QCOMPARE(h.read(keys).value().kind, ReadOutcome::Kind::NotFound);
        QVERIFY(h.history(keys).value().empty());
    }

    void historyIsCappedNewestFirst() {
        StateOptions options;
        options.historyDepth = 5;
        Harness h(options);
        const auto keys = scope("u1", "w1");
        std::vector<std::string> states;
        for (int version = 1; version <= options.historyDepth + 5; ++version) {
            states.push_back("{\"v\":" + std::to_string(version) + ",\"pad\":\"" +
                             std::string(static_cast<std::size_t>(version) * 13, 'x') + "\"}");
            QCOMPARE(h.save(keys, version, states.back()).value().kind,
                     SaveOutcome::Kind::Accepted);
        }
        const auto history = h.history(keys).value();
        QCOMPARE(history.size(), std::size_t{5});
        // Each entry is two elements, its header and its state.
        QCOMPARE(h.cli({"LLEN", keys.history()}), QByteArray("10"));
        QCOMPARE(h.cli({"LINDEX", keys.history(), "1"}), QByteArray::fromStdString(states[9]));
        for (std::size_t i = 0; i < history.size(); ++i) {
            const auto version = static_cast<std::int64_t>(10 - i);
            QCOMPARE(history[i].version, version);
            QCOMPARE(history[i].bytes, static_cast<std::int64_t>(
                                           states[static_cast<std::size_t>(version - 1)].size()));
            QVERIFY(isTimestamp(history[i].lastModified));
        }
        const auto eight = h.historyVersion(keys, 8).value();
        QVERIFY(eight.has_value());
        QCOMPARE(eight->version, std::int64_t{8});
        QCOMPARE(eight->stateJson, states[7]);
        QCOMPARE(eight->lastModified, history[2].lastModified);
        const auto newest = h.historyVersion(keys, 10).value();
        QCOMPARE(newest->stateJson, h.read(keys).value().stored.stateJson);
        QCOMPARE(newest->lastModified, h.read(keys).value().stored.lastModified);
        for (const std::int64_t missing :
             {std::int64_t{5}, std::int64_t{3}, std::int64_t{11}, std::int64_t{0}, std::int64_t{-1},
              deskboard::protocol::kMaxVersion + 1}) {
            QVERIFY(!h.historyVersion(keys, missing).value().has_value());
        }
        QVERIFY(h.history(scope("u1", "other")).value().empty());

        // A depth lowered by configuration applies to the listing at once.
        StateOptions shallow = options;
        shallow.historyDepth = 2;
        std::optional<Expected<std::vector<HistoryEntry>>> listed;
        StateService shallowService(h.client(), shallow);
        shallowService.history(keys, [&](auto result) { listed.emplace(std::move(result)); });
        QVERIFY(h.runUntil([&] { return listed.has_value(); }));
        QCOMPARE(listed->value().size(), std::size_t{2});
        QCOMPARE(listed->value()[1].version, std::int64_t{9});
    }

    // A history written by 0.1 holds "<header>\n<state>" in one element; after an upgrade the
    // new versions are pairs in front of it, and both read back until the old ones age out.
    void historyOfTheOldFormatStillReads() {
        StateOptions options;
        options.historyDepth = 3;
        Harness h(options);
        const auto keys = scope("u1", "legacy");
        const std::string old1 = R"({"v":1})";
        const std::string old2 = R"({"v":2,"pad":"yy"})";
        QCOMPARE(h.cli({"RPUSH", keys.history(),
                        "2 2026-01-02T00:00:00.000Z " + std::to_string(old2.size()) + "\n" + old2,
                        "1 2026-01-01T00:00:00.000Z " + std::to_string(old1.size()) + "\n" + old1}),
                 QByteArray("2"));
        QCOMPARE(h.cli({"SET", keys.version(), "2"}), QByteArray("OK"));
        const std::string new3 = R"({"v":3})";
        QCOMPARE(h.save(keys, 3, new3).value().kind, SaveOutcome::Kind::Accepted);

        auto history = h.history(keys).value();
        QCOMPARE(history.size(), std::size_t{3});
        QCOMPARE(history[0].version, std::int64_t{3});
        QCOMPARE(history[1].version, std::int64_t{2});
        QCOMPARE(history[1].lastModified, std::string("2026-01-02T00:00:00.000Z"));
        QCOMPARE(history[1].bytes, static_cast<std::int64_t>(old2.size()));
        QCOMPARE(history[2].version, std::int64_t{1});
        QCOMPARE(h.historyVersion(keys, 3).value()->stateJson, new3);
        const auto two = h.historyVersion(keys, 2).value();
        QVERIFY(two.has_value());
        QCOMPARE(two->stateJson, old2);
        QCOMPARE(two->lastModified, std::string("2026-01-02T00:00:00.000Z"));
        QCOMPARE(h.historyVersion(keys, 1).value()->stateJson, old1);

        // Three more versions: the listing keeps the depth, and the old entries are trimmed.
        for (int version = 4; version <= 6; ++version) {
            QCOMPARE(h.save(keys, version, "{\"v\":" + std::to_string(version) + "}").value().kind,
                     SaveOutcome::Kind::Accepted);
        }
        history = h.history(keys).value();
        QCOMPARE(history.size(), std::size_t{3});
        QCOMPARE(history[2].version, std::int64_t{4});
        QCOMPARE(h.cli({"LLEN", keys.history()}), QByteArray("6"));
        QVERIFY(!h.historyVersion(keys, 2).value().has_value());
        QCOMPARE(h.historyVersion(keys, 4).value()->stateJson, std::string(R"({"v":4})"));
    }

    void usersAndWorkspacesAreIsolated() {
        Harness h;
        const std::vector<StateKeys> scopes{scope("alice", "w1"), scope("alice", "w2"),
                                            scope("bob", "w1"), scope("bob", "w2")};
        for (std::size_t i = 0; i < scopes.size(); ++i) {
            const auto saved =
                h.save(scopes[i], 1, "{\"owner\":" + std::to_string(i) + "}").value();
            QCOMPARE(saved.kind, SaveOutcome::Kind::Accepted);
        }
        QCOMPARE(h.save(scopes[0], 2, R"({"owner":0,"more":true})").value().kind,
                 SaveOutcome::Kind::Accepted);
        QVERIFY(h.remove(scopes[3]).value().deleted);
        for (std::size_t i = 0; i < 3; ++i) {
            const auto read = h.read(scopes[i]).value();
            QCOMPARE(read.kind, ReadOutcome::Kind::Found);
            QCOMPARE(read.stored.version, std::int64_t{i == 0 ? 2 : 1});
            QVERIFY(read.stored.stateJson.find("\"owner\":" + std::to_string(i)) !=
                    std::string::npos);
            QCOMPARE(h.history(scopes[i]).value().size(), std::size_t{i == 0 ? 2u : 1u});
        }
        QCOMPARE(h.read(scopes[3]).value().kind, ReadOutcome::Kind::NotFound);
        QVERIFY(scopes[0].eventsChannel() != scopes[1].eventsChannel());
        QVERIFY(scopes[0].eventsChannel() != scopes[2].eventsChannel());
    }

    void acceptedWritesAndDeletesArePublished() {
        Harness h;
        const auto keys = scope("u1", "w1");
        Subscriber events(h.redis, keys.eventsChannel());
        QVERIFY(events.started());
        Subscriber otherScope(h.redis, scope("u2", "w1").eventsChannel());
        QVERIFY(otherScope.started());

        const std::string hostile = "dev \"quoted\" \\ back\nline";
        h.save(keys, 1, R"({"a":1})", hostile);
        auto message = events.nextMessage();
        QVERIFY(message.has_value());
        auto event = nlohmann::json::parse(*message);
        QCOMPARE(event.size(), std::size_t{3});
        QCOMPARE(event.at("version").get<std::int64_t>(), std::int64_t{1});
        QCOMPARE(event.at("lastModified").get<std::string>(),
                 h.read(keys).value().stored.lastModified);
        QCOMPARE(event.at("deviceId").get<std::string>(), hostile);

        // A conflict and an idempotent retry publish nothing: the next event is version 2.
        QCOMPARE(h.save(keys, 1, R"({"a":2})").value().kind, SaveOutcome::Kind::Conflict);
        QCOMPARE(h.save(keys, 1, R"({"a":1})").value().kind, SaveOutcome::Kind::Idempotent);
        h.save(keys, 2, R"({"a":2})");
        message = events.nextMessage();
        QVERIFY(message.has_value());
        event = nlohmann::json::parse(*message);
        QCOMPARE(event.at("version").get<std::int64_t>(), std::int64_t{2});
        QVERIFY(event.at("deviceId").is_null());

        QVERIFY(h.remove(keys, "laptop-1").value().deleted);
        message = events.nextMessage();
        QVERIFY(message.has_value());
        event = nlohmann::json::parse(*message);
        QCOMPARE(event.at("version").get<std::int64_t>(), std::int64_t{3});
        QVERIFY(isTimestamp(event.at("lastModified").get<std::string>()));
        QCOMPARE(event.at("deviceId").get<std::string>(), std::string("laptop-1"));

        QVERIFY(h.remove(keys, "x\"y").value().deleted == false);
        h.save(keys, 4, R"({"a":4})", "x\"}\\");
        message = events.nextMessage();
        QVERIFY(message.has_value());
        event = nlohmann::json::parse(*message);
        QCOMPARE(event.at("version").get<std::int64_t>(), std::int64_t{4});
        QCOMPARE(event.at("deviceId").get<std::string>(), std::string("x\"}\\"));

        // Another scope's channel heard nothing of this; its own save comes through.
        h.save(scope("u2", "w1"), 9, R"({"b":1})");
        message = otherScope.nextMessage();
        QVERIFY(message.has_value());
        QCOMPARE(nlohmann::json::parse(*message).at("version").get<std::int64_t>(),
                 std::int64_t{9});
    }

    void largeUnicodeStateRoundTripsByteForByte() {
        Harness h;
        const auto keys = scope("u1", "w1");
        std::string text;
        while (text.size() < 200 * 1024) {
            text += "Grüße, 世界! 😀 \\\"quoted\\\" ✓ \\u2028 line ";
        }
        // Whitespace and key order as the client sent them: stored as given.
        const std::string json = "{\n  \"title\": \"Σ dashboard\",\n  \"notes\": \"" + text +
                                 "\",\n  \"a\": [1, 2.50, -0, 1e300]\n}";
        QVERIFY(json.size() > 200 * 1024);
        QCOMPARE(h.save(keys, 1, json).value().kind, SaveOutcome::Kind::Accepted);
        const auto read = h.read(keys).value();
        QCOMPARE(read.kind, ReadOutcome::Kind::Found);
        QVERIFY(read.stored.stateJson == json);
        QCOMPARE(h.history(keys).value().at(0).bytes, static_cast<std::int64_t>(json.size()));
        QVERIFY(h.historyVersion(keys, 1).value().value().stateJson == json);
        const auto conflict = h.save(keys, 1, R"({"other":true})").value();
        QCOMPARE(conflict.kind, SaveOutcome::Kind::Conflict);
        QVERIFY(conflict.serverStateJson.value() == json);
        QCOMPARE(h.save(keys, 1, json).value().kind, SaveOutcome::Kind::Idempotent);
    }

    void scriptsAreLoadedOnceAndRunWithEvalsha() {
        Harness h;
        const auto keys = scope("u1", "w1");
        for (int round = 1; round <= 3; ++round) {
            h.save(keys, round, R"({"a":1})");
            h.read(keys);
            h.history(keys);
            h.historyVersion(keys, 1);
            h.current(keys);
            h.remove(keys);
        }
        const auto stats = QString::fromUtf8(h.cli({"INFO", "commandstats"}));
        const auto calls = [&](const QString& command) {
            const QRegularExpression pattern(QStringLiteral("cmdstat_") +
                                             QRegularExpression::escape(command) +
                                             QStringLiteral(":calls=(\\d+)"));
            const auto match = pattern.match(stats);
            return match.hasMatch() ? match.captured(1).toInt() : 0;
        };
        // Five scripts (save, delete, history, history version, current version): the state read
        // is no script (its TTL refresh script does not run here: the TTL is fresh).
        QCOMPARE(calls(QStringLiteral("script|load")), 5);
        QCOMPARE(calls(QStringLiteral("eval")), 5);
        QCOMPARE(calls(QStringLiteral("evalsha")), 10);
    }

    // Issue 15: the state read is plain commands, pipelined: MGET of version, state and modified
    // plus a PTTL of the version key; with If-None-Match GET version, EXISTS state and PTTL (the
    // state never leaves Redis), and the MGET only when the version changed. No script runs and
    // nothing is written until the TTL ran down past the threshold; then the refresh script
    // renews all five keys once.
    void theStateReadIsPlainCommands() {
        StateOptions options;
        options.ttlSeconds = 100;
        options.ttlRefreshSeconds = 30;  // renew at or below 70 s left
        Harness h(options);
        const auto keys = scope("u1", "w1");
        const auto empty = scope("u2", "w1");
        const std::string json = R"({"a":1})";
        QCOMPARE(h.save(keys, 1, json).value().kind, SaveOutcome::Kind::Accepted);
        const auto calls = [&](const char* command) {
            return h.info(std::string("cmdstat_") + command);
        };
        const auto scripts = [&] { return calls("eval") + calls("evalsha"); };
        const auto setAll = [&](const char* seconds) {
            for (const auto& key : allKeys(keys)) {
                QCOMPARE(h.cli({"EXPIRE", key, seconds}), QByteArray("1"));
            }
        };
        const auto allRenewed = [&] {
            for (const auto& key : allKeys(keys)) {
                if (h.ttl(key) < 99) {
                    return false;
                }
            }
            return true;
        };

        // Plain reads: one MGET and one PTTL each.
        auto changes = h.writes().second;
        h.cli({"CONFIG", "RESETSTAT"});
        for (int round = 0; round < 10; ++round) {
            const auto read = h.read(keys).value();
            QCOMPARE(read.kind, ReadOutcome::Kind::Found);
            QCOMPARE(read.stored.stateJson, json);
        }
        QCOMPARE(calls("mget"), 10LL);
        QCOMPARE(calls("pttl"), 10LL);
        QCOMPARE(calls("get") + calls("exists") + calls("expire") + scripts(), 0LL);

        // Not modified: GET, EXISTS and PTTL, never the MGET that would copy the state.
        h.cli({"CONFIG", "RESETSTAT"});
        for (int round = 0; round < 10; ++round) {
            QCOMPARE(h.read(keys, 1).value().kind, ReadOutcome::Kind::NotModified);
        }
        QCOMPARE(calls("get"), 10LL);
        QCOMPARE(calls("exists"), 10LL);
        QCOMPARE(calls("pttl"), 10LL);
        QCOMPARE(calls("mget") + calls("expire") + scripts(), 0LL);

        // A stale If-None-Match: the same three, then the MGET.
        h.cli({"CONFIG", "RESETSTAT"});
        const auto changed = h.read(keys, 2).value();
        QCOMPARE(changed.kind, ReadOutcome::Kind::Found);
        QCOMPARE(changed.stored.version, std::int64_t{1});
        QCOMPARE(changed.stored.stateJson, json);
        QCOMPARE(calls("get") + calls("exists") + calls("pttl") + calls("mget"), 4LL);
        QCOMPARE(h.read(empty).value().kind, ReadOutcome::Kind::NotFound);
        QCOMPARE(h.read(empty, 1).value().kind, ReadOutcome::Kind::NotFound);
        QCOMPARE(calls("expire") + scripts(), 0LL);
        QCOMPARE(h.writes().second, changes);  // not one write to the dataset

        // Run down past the threshold: the next read (of either kind) runs the refresh script
        // once, which renews all five keys; the read after it writes nothing again.
        for (const std::optional<std::int64_t> match :
             {std::optional<std::int64_t>{}, std::optional<std::int64_t>{1},
              std::optional<std::int64_t>{2}}) {
            setAll("60");
            h.cli({"CONFIG", "RESETSTAT"});
            changes = h.writes().second;
            const auto read = h.read(keys, match).value();
            QCOMPARE(read.kind,
                     match == 1 ? ReadOutcome::Kind::NotModified : ReadOutcome::Kind::Found);
            QCOMPARE(calls("expire"), 5LL);
            QCOMPARE(scripts(), 1LL);
            QVERIFY(h.writes().second > changes);
            QVERIFY(allRenewed());
            changes = h.writes().second;
            QCOMPARE(h.read(keys, match).value().kind, read.kind);
            QCOMPARE(calls("expire"), 5LL);
            QCOMPARE(scripts(), 1LL);
            QCOMPARE(h.writes().second, changes);
        }

        // Keys without a TTL count as run down (kRefresh's rule), and get it back.
        for (const auto& key : allKeys(keys)) {
            QCOMPARE(h.cli({"PERSIST", key}), QByteArray("1"));
        }
        QCOMPARE(h.read(keys).value().kind, ReadOutcome::Kind::Found);
        QVERIFY(allRenewed());
    }

    void redisDownIsStorageUnavailable() {
        Harness h;
        const auto keys = scope("u1", "w1");
        QCOMPARE(h.save(keys, 1, R"({"a":1})").value().kind, SaveOutcome::Kind::Accepted);
        h.redis.stop();
        const auto unavailable = [](const auto& result) {
            return !result.hasValue() && result.error().code == ErrorCode::StorageUnavailable &&
                   !result.error().message.empty();
        };
        QVERIFY(unavailable(h.read(keys)));
        QVERIFY(unavailable(h.read(keys, 1)));
        QVERIFY(unavailable(h.save(keys, 2, R"({"a":2})")));
        QVERIFY(unavailable(h.remove(keys)));
        QVERIFY(unavailable(h.history(keys)));
        QVERIFY(unavailable(h.historyVersion(keys, 1)));
        QVERIFY(unavailable(h.current(keys)));
    }

    void corruptKeysAreStorageUnavailable() {
        Harness h;
        const auto keys = scope("u1", "w1");
        const auto unavailable = [](const auto& result) {
            return !result.hasValue() && result.error().code == ErrorCode::StorageUnavailable;
        };
        // The history key of the wrong type: the save fails before it writes anything.
        h.cli({"SET", keys.history(), "not a list"});
        QVERIFY(unavailable(h.save(keys, 1, R"({"a":1})")));
        QCOMPARE(h.cli({"EXISTS", keys.state(), keys.version(), keys.modified(), keys.checksum()}),
                 QByteArray("0"));
        QVERIFY(unavailable(h.history(keys)));

        // A history entry without a header: the listing refuses it, lookups skip it.
        h.cli({"DEL", keys.history()});
        h.cli({"RPUSH", keys.history(), "garbage"});
        QVERIFY(unavailable(h.history(keys)));
        QVERIFY(!h.historyVersion(keys, 1).value().has_value());

        // A version counter that is not a number.
        h.cli({"SET", keys.version(), "abc"});
        QVERIFY(unavailable(h.save(keys, 1, R"({"a":1})")));
        h.cli({"SET", keys.state(), "{}"});
        QVERIFY(unavailable(h.read(keys)));
        QVERIFY(unavailable(h.current(keys)));
        QVERIFY(unavailable(h.remove(keys)));
        QCOMPARE(h.cli({"EXISTS", keys.state()}), QByteArray("1"));  // the delete changed nothing

        // A version the HTTP layer would refuse never reaches Lua.
        const auto outOfRange = h.save(keys, deskboard::protocol::kMaxVersion + 1, "{}");
        QVERIFY(!outOfRange.hasValue());
        QCOMPARE(outOfRange.error().code, ErrorCode::InvalidBody);
    }

    // Three clients, each proposing lastSyncedVersion + 1, sometimes retrying, sometimes stale,
    // rarely deleting; each round's attempts are pipelined so they race. Every answer must be
    // protocol::decideSave's, and no accepted write may be lost.
    void randomizedClientsAgreeWithDecideSave() {
        StateOptions options;
        options.historyDepth = 1000;
        Harness h(options);
        const auto keys = scope("u1", "w1");
        std::mt19937_64 rng(20261125);
        const auto chance = [&](int percent) {
            return std::uniform_int_distribution<int>(0, 99)(rng) < percent;
        };

        struct Client {
            std::int64_t known = 0;
            std::int64_t lastVersion = 0;
            std::string lastJson;
        };
        struct Attempt {
            bool isDelete = false;
            std::int64_t version = 0;
            std::string json;
            std::string checksum;
            std::optional<Expected<SaveOutcome>> saved;
            std::optional<Expected<DeleteOutcome>> deleted;
        };
        std::array<Client, 3> clients;
        // The model: what Redis must hold.
        std::int64_t current = 0;
        std::optional<std::string> storedJson;
        std::optional<std::string> storedChecksum;
        std::vector<std::pair<std::int64_t, std::string>> acceptedSaves;
        std::int64_t maxAccepted = 0;
        int counts[5] = {};  // accepted, idempotent, conflict, conflict after delete, deletes
        int serial = 0;

        for (int round = 0; round < 100; ++round) {
            std::vector<Attempt> attempts(clients.size());
            for (std::size_t c = 0; c < clients.size(); ++c) {
                auto& client = clients[c];
                auto& attempt = attempts[c];
                if (chance(4)) {
                    attempt.isDelete = true;
                    continue;
                }
                if (client.lastVersion > 0 && chance(15)) {
                    // A retry of the last attempt, sometimes re-serialized (same checksum).
                    attempt.version = client.lastVersion;
                    attempt.json = client.lastJson;
                    if (chance(30)) {
                        attempt.json = nlohmann::json::parse(client.lastJson).dump(1);
                    }
                } else {
                    attempt.version = client.known + 1;
                    if (chance(10)) {
                        attempt.version = std::max<std::int64_t>(
                            1, client.known - std::uniform_int_distribution<int>(0, 2)(rng));
                    }
                    nlohmann::json state{{"client", c}, {"serial", ++serial}};
                    if (chance(50)) {
                        state["notes"] = std::string(
                            std::uniform_int_distribution<std::size_t>(0, 300)(rng), 'n');
                    }
                    attempt.json = state.dump();
                }
                attempt.checksum = checksumOf(attempt.json);
                client.lastVersion = attempt.version;
                client.lastJson = attempt.json;
            }
            for (auto& attempt : attempts) {
                if (attempt.isDelete) {
                    h.service.remove(keys, "", [&attempt](Expected<DeleteOutcome> result) {
                        attempt.deleted.emplace(std::move(result));
                    });
                } else {
                    h.service.save(keys, attempt.version, attempt.json, attempt.checksum, "",
                                   [&attempt](Expected<SaveOutcome> result) {
                                       attempt.saved.emplace(std::move(result));
                                   });
                }
            }
            QVERIFY(h.runUntil([&] {
                return std::all_of(attempts.begin(), attempts.end(), [](const Attempt& a) {
                    return a.saved.has_value() || a.deleted.has_value();
                });
            }));
            // Redis ran them in the order they were sent.
            for (std::size_t c = 0; c < attempts.size(); ++c) {
                auto& attempt = attempts[c];
                auto& client = clients[c];
                if (attempt.isDelete) {
                    const auto outcome = attempt.deleted->value();
                    QCOMPARE(outcome.deleted, storedJson.has_value());
                    if (outcome.deleted) {
                        ++current;
                        QCOMPARE(outcome.version, current);
                        maxAccepted = current;
                        storedJson.reset();
                        storedChecksum.reset();
                        client.known = current;
                        ++counts[4];
                    }
                    continue;
                }
                const auto outcome = attempt.saved->value();
                const auto expected = deskboard::protocol::decideSave(
                    current,
                    storedChecksum ? std::optional<std::string_view>(*storedChecksum)
                                   : std::nullopt,
                    attempt.version, attempt.checksum);
                switch (expected) {
                    case deskboard::protocol::SaveOutcome::Accept:
                        QCOMPARE(outcome.kind, SaveOutcome::Kind::Accepted);
                        QCOMPARE(outcome.serverVersion, attempt.version);
                        current = attempt.version;
                        maxAccepted = std::max(maxAccepted, current);
                        storedJson = attempt.json;
                        storedChecksum = attempt.checksum;
                        acceptedSaves.emplace_back(attempt.version, attempt.json);
                        client.known = attempt.version;
                        ++counts[0];
                        break;
                    case deskboard::protocol::SaveOutcome::Idempotent:
                        QCOMPARE(outcome.kind, SaveOutcome::Kind::Idempotent);
                        QCOMPARE(outcome.serverVersion, current);
                        client.known = current;
                        ++counts[1];
                        break;
                    case deskboard::protocol::SaveOutcome::Conflict:
                        QCOMPARE(outcome.kind, SaveOutcome::Kind::Conflict);
                        QCOMPARE(outcome.serverVersion, current);
                        QVERIFY(outcome.serverStateJson == storedJson);
                        QCOMPARE(outcome.lastModified.has_value(), storedJson.has_value());
                        // The client merges and goes on from the server's version.
                        client.known = outcome.serverVersion;
                        ++counts[storedJson ? 2 : 3];
                        break;
                }
            }
        }
        qInfo("accepted %d, idempotent %d, conflicts %d (%d after a delete), deletes %d", counts[0],
              counts[1], counts[2], counts[3], counts[4]);
        for (const int count : counts) {
            QVERIFY(count > 0);
        }

        // The final version is the greatest accepted one; versions only ever went up.
        QCOMPARE(h.cli({"GET", keys.version()}).toLongLong(), maxAccepted);
        const auto read = h.read(keys).value();
        if (storedJson) {
            QCOMPARE(read.kind, ReadOutcome::Kind::Found);
            QCOMPARE(read.stored.version, current);
            QCOMPARE(read.stored.stateJson, *storedJson);
        } else {
            QCOMPARE(read.kind, ReadOutcome::Kind::NotFound);
        }
        // No accepted write was lost: the history holds every one, newest first.
        const auto history = h.history(keys).value();
        QCOMPARE(history.size(), acceptedSaves.size());
        for (std::size_t i = 0; i < history.size(); ++i) {
            const auto& [version, json] = acceptedSaves[acceptedSaves.size() - 1 - i];
            QCOMPARE(history[i].version, version);
            QCOMPARE(history[i].bytes, static_cast<std::int64_t>(json.size()));
            if (i % 10 == 0) {
                QCOMPARE(h.historyVersion(keys, version).value().value().stateJson, json);
            }
        }
        for (std::size_t i = 1; i < acceptedSaves.size(); ++i) {
            QVERIFY(acceptedSaves[i].first > acceptedSaves[i - 1].first);
        }
    }
};

QTEST_GUILESS_MAIN(StateServiceTest)
#include "tst_state_service.moc"
