// The asynchronous Redis client against a real redis-server: binary-safe commands, pipelining,
// scripts (also after the script cache is flushed), AUTH and SELECT, and the failure paths: no
// server, a hung server (SIGSTOP) answered by the deadline, and a restart healed by reconnecting.
#include <optional>

#include <QTest>
#include <io_wait.h>
#include <qtest_json.h>
#include <redis_process.h>

#include <deskboard/server/redis/redis_client.h>

using namespace deskboard::server::redis;
using deskboard::testing::RedisProcess;
using deskboard::testing::runUntil;
using namespace std::chrono_literals;

namespace {

Endpoint endpointOf(const RedisProcess& redis) {
    return *parseEndpoint(redis.url().toStdString()).endpoint;
}

// Runs one command to completion.
std::optional<Result> runCommand(boost::asio::io_context& io, Client& client,
                                 std::vector<std::string> argv,
                                 std::chrono::milliseconds timeout = 10s) {
    std::optional<Result> outcome;
    client.command(std::move(argv), [&](Result result) { outcome = std::move(result); });
    runUntil(
        io, [&] { return outcome.has_value(); }, timeout);
    return outcome;
}

// Polls with PING until the client answers again (after a restart or a pause).
bool recovers(boost::asio::io_context& io, Client& client) {
    const auto deadline = std::chrono::steady_clock::now() + 15s;
    while (std::chrono::steady_clock::now() < deadline) {
        const auto result = runCommand(io, client, {"PING"}, 3s);
        if (result && result->succeeded()) {
            return true;
        }
        runUntil(
            io, [] { return false; }, 50ms);
    }
    return false;
}

}  // namespace

class RedisClientTest : public QObject {
    Q_OBJECT

  private slots:
    void parsesUrls() {
        const auto plain = parseEndpoint("redis://127.0.0.1:6380");
        QVERIFY(plain.endpoint);
        QCOMPARE(plain.endpoint->host, std::string("127.0.0.1"));
        QCOMPARE(plain.endpoint->port, std::uint16_t{6380});
        QCOMPARE(plain.endpoint->database, 0);
        const auto full = parseEndpoint("redis://app:p%40ss@cache.local:7000/3");
        QVERIFY(full.endpoint);
        QCOMPARE(full.endpoint->username, std::string("app"));
        QCOMPARE(full.endpoint->password, std::string("p@ss"));
        QCOMPARE(full.endpoint->host, std::string("cache.local"));
        QCOMPARE(full.endpoint->database, 3);
        const auto passwordOnly = parseEndpoint("redis://:secret@localhost");
        QVERIFY(passwordOnly.endpoint);
        QCOMPARE(passwordOnly.endpoint->password, std::string("secret"));
        QCOMPARE(passwordOnly.endpoint->port, std::uint16_t{6379});
        const auto ipv6 = parseEndpoint("redis://[::1]:7001/1");
        QVERIFY(ipv6.endpoint);
        QCOMPARE(ipv6.endpoint->host, std::string("::1"));
        QCOMPARE(ipv6.endpoint->port, std::uint16_t{7001});
        for (const char* bad :
             {"http://localhost", "redis://", "redis://host:0", "redis://host:99999",
              "redis://host:12ab", "redis://host/x", "redis://[::1"}) {
            const auto parsed = parseEndpoint(bad);
            QVERIFY2(!parsed.endpoint, bad);
            QVERIFY(!parsed.error.empty());
        }
    }

    void commandsAreBinarySafe() {
        RedisProcess redis;
        boost::asio::io_context io;
        Client client(io, endpointOf(redis));
        client.start();
        const std::string key("key with spaces\0and nul", 23);
        const std::string value("value\r\n\0%s", 10);
        const auto set = runCommand(io, client, {"SET", key, value});
        QVERIFY(set && set->succeeded());
        const auto get = runCommand(io, client, {"GET", key});
        QVERIFY(get && get->succeeded());
        QCOMPARE(get->reply().text, value);
        const auto missing = runCommand(io, client, {"GET", "nothing"});
        QVERIFY(missing && missing->reply().isNil());
        const auto counter = runCommand(io, client, {"INCRBY", "n", "41"});
        QCOMPARE(counter->reply().asInteger(), std::optional<long long>(41));
        const auto wrongType = runCommand(io, client, {"LPUSH", key, "x"});
        QVERIFY(wrongType && wrongType->ok() && wrongType->reply().isError());
        QVERIFY(!wrongType->succeeded());
        runCommand(io, client, {"RPUSH", "list", "a", "b"});
        const auto list = runCommand(io, client, {"LRANGE", "list", "0", "-1"});
        QVERIFY(list->reply().isArray());
        QCOMPARE(list->reply().elements.size(), std::size_t{2});
        QCOMPARE(list->reply().elements[1].text, std::string("b"));
    }

    void pipelinedCommandsAnswerInOrder() {
        RedisProcess redis;
        boost::asio::io_context io;
        Client client(io, endpointOf(redis));
        client.start();
        std::vector<long long> answers;
        for (int i = 0; i < 2000; ++i) {
            client.command({"INCR", "counter"}, [&](Result result) {
                answers.push_back(result.reply().asInteger().value_or(-1));
            });
        }
        QVERIFY(runUntil(io, [&] { return answers.size() == 2000; }));
        for (std::size_t i = 0; i < answers.size(); ++i) {
            QCOMPARE(answers[i], static_cast<long long>(i + 1));
        }
        QVERIFY(client.isConnected());
    }

    void scriptsSurviveAFlushedCache() {
        RedisProcess redis;
        boost::asio::io_context io;
        Client client(io, endpointOf(redis));
        client.start();
        Script script("return {KEYS[1], ARGV[1], redis.call('INCR', KEYS[1])}");
        for (int round = 0; round < 3; ++round) {
            if (round == 2) {
                QCOMPARE(redis.cli({QStringLiteral("SCRIPT"), QStringLiteral("FLUSH")}),
                         QByteArray("OK"));
            }
            std::optional<Result> outcome;
            client.evalScript(script, {"k"}, {"arg"},
                              [&](Result result) { outcome = std::move(result); });
            QVERIFY(runUntil(io, [&] { return outcome.has_value(); }));
            QVERIFY2(outcome->succeeded(), outcome->describe().c_str());
            QCOMPARE(outcome->reply().elements.at(1).text, std::string("arg"));
            QCOMPARE(outcome->reply().elements.at(2).integer, round + 1LL);
        }
    }

    void authenticatesAndSelectsTheDatabase() {
        RedisProcess redis({QStringLiteral("--requirepass"), QStringLiteral("s3cret")});
        redis.setCliPassword(QStringLiteral("s3cret"));
        boost::asio::io_context io;
        auto endpoint =
            parseEndpoint("redis://:s3cret@127.0.0.1:" + std::to_string(redis.port()) + "/2");
        QVERIFY(endpoint.endpoint);
        Client client(io, *endpoint.endpoint);
        client.start();
        const auto set = runCommand(io, client, {"SET", "where", "db2"});
        QVERIFY2(set && set->succeeded(), set ? set->describe().c_str() : "no answer");
        QCOMPARE(redis.cli({QStringLiteral("-n"), QStringLiteral("2"), QStringLiteral("GET"),
                            QStringLiteral("where")}),
                 QByteArray("db2"));
    }

    void noServerFailsFast() {
        const quint16 port = deskboard::testing::freeLoopbackPort();
        boost::asio::io_context io;
        std::vector<std::string> logLines;
        ClientOptions options;
        options.onLog = [&](std::string_view line) { logLines.emplace_back(line); };
        Client client(io, *parseEndpoint("redis://127.0.0.1:" + std::to_string(port)).endpoint,
                      options);
        client.start();
        runUntil(io, [&] { return !logLines.empty(); });
        const auto result = runCommand(io, client, {"PING"});
        QVERIFY(result.has_value());
        QVERIFY(!result->ok());
        QVERIFY(result->failure() == Failure::NotConnected ||
                result->failure() == Failure::Disconnected);
        QVERIFY(!client.isConnected());
    }

    void hungServerAnswersWithTimeoutThenRecovers() {
        RedisProcess redis;
        boost::asio::io_context io;
        ClientOptions options;
        options.commandTimeout = 300ms;
        int failedCommands = 0;
        options.onCommand = [&](std::string_view, std::chrono::nanoseconds, bool failed) {
            failedCommands += failed ? 1 : 0;
        };
        Client client(io, endpointOf(redis), options);
        client.start();
        QVERIFY(runCommand(io, client, {"PING"})->succeeded());

        redis.pause();
        std::vector<Result> results;
        for (int i = 0; i < 5; ++i) {
            client.command({"PING"}, [&](Result result) { results.push_back(std::move(result)); });
        }
        // Every command is answered (by the deadline), none hangs.
        QVERIFY(runUntil(
            io, [&] { return results.size() == 5; }, 5s));
        for (const auto& result : results) {
            QVERIFY(!result.ok());
            QCOMPARE(result.failure(), Failure::Timeout);
        }
        QVERIFY(failedCommands >= 5);

        redis.resume();
        QVERIFY(recovers(io, client));
    }

    void restartedServerIsReconnected() {
        RedisProcess redis;
        boost::asio::io_context io;
        int reconnects = 0;
        ClientOptions options;
        options.reconnectMin = 20ms;
        options.onReconnect = [&] { ++reconnects; };
        Client client(io, endpointOf(redis), options);
        client.start();
        QVERIFY(runCommand(io, client, {"SET", "a", "1"})->succeeded());

        redis.restart();
        QVERIFY(recovers(io, client));
        QVERIFY(client.isConnected());
        QCOMPARE(reconnects, 1);
    }

    void stopFailsPendingCommands() {
        RedisProcess redis;
        boost::asio::io_context io;
        Client client(io, endpointOf(redis));
        client.start();
        QVERIFY(runCommand(io, client, {"PING"})->succeeded());
        std::optional<Result> outcome;
        client.command({"BLPOP", "never", "5"},
                       [&](Result result) { outcome = std::move(result); });
        runUntil(
            io, [] { return false; }, 50ms);
        client.stop();
        QVERIFY(runUntil(
            io, [&] { return outcome.has_value(); }, 2s));
        QVERIFY(!outcome->ok());
        QVERIFY(!client.isConnected());
    }
};

QTEST_GUILESS_MAIN(RedisClientTest)
#include "tst_redis_client.moc"
