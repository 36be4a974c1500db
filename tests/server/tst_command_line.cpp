// deskboard-server's command line: --version, --help listing every variable with its
// default, and exit code 2 for bad usage and bad configuration, through the library and
// through the real executable.
#include <map>
#include <sstream>
#include <vector>

#include <QTest>
#include <executable_run.h>
#include <qtest_json.h>

#include <deskboard/server/command_line.h>
#include <deskboard/server/config.h>
#include <deskboard/version.h>

using deskboard::server::runCommandLine;
using deskboard::testing::runExecutable;

namespace {

struct Outcome {
    int code;
    std::string out;
    std::string err;
};

Outcome run(std::vector<std::string_view> args, std::map<std::string, std::string> env = {}) {
    std::istringstream in;
    std::ostringstream out;
    std::ostringstream err;
    const auto lookup = [&env](const char* name) -> const char* {
        const auto it = env.find(name);
        return it == env.end() ? nullptr : it->second.c_str();
    };
    const int code = runCommandLine(args, lookup, in, out, err);
    return {code, out.str(), err.str()};
}

}  // namespace

class ServerCommandLineTest : public QObject {
    Q_OBJECT

  private slots:
    void version() {
        const auto outcome = run({"--version"});
        QCOMPARE(outcome.code, 0);
        QCOMPARE(outcome.out, std::string("deskboard-server ") + deskboard::kVersion + "\n");
    }

    void helpListsEveryVariableWithItsDefault() {
        const auto outcome = run({"--help"});
        QCOMPARE(outcome.code, 0);
        QVERIFY(outcome.out.find("Usage: deskboard-server") != std::string::npos);
        QVERIFY(outcome.err.empty());
        for (const auto& variable : deskboard::server::configVariables()) {
            const std::string line =
                std::string(variable.name) + " [" + std::string(variable.defaultValue) + "]";
            QVERIFY2(outcome.out.find(line) != std::string::npos, line.c_str());
        }
        for (const char* name :
             {"DESKBOARD_LISTEN", "REDIS_URL", "REDIS_STATE_TTL", "DESKBOARD_TTL_REFRESH_SECONDS",
              "DESKBOARD_LOG_FORMAT", "DESKBOARD_MAX_JSON_DEPTH", "DESKBOARD_MAX_STATE_BYTES",
              "DESKBOARD_REDIS_TIMEOUT_MS", "DESKBOARD_ALLOW_SIGNUP",
              "DESKBOARD_LOGIN_MAX_FAILURES", "DESKBOARD_LOGIN_WINDOW_SECONDS",
              "DESKBOARD_REFRESH_GRACE_SECONDS", "DESKBOARD_ACCESS_TOKEN_TTL",
              "DESKBOARD_REFRESH_TOKEN_TTL", "DESKBOARD_HISTORY_DEPTH",
              "DESKBOARD_SSE_HEARTBEAT_SECONDS", "DESKBOARD_MAX_STREAMS_PER_USER",
              "DESKBOARD_SHUTDOWN_GRACE_SECONDS", "DESKBOARD_WORKERS"}) {
            QVERIFY2(outcome.out.find(name) != std::string::npos, name);
        }
    }

    void badConfigurationExitsTwoNamingTheVariable_data() {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("value");
        QTest::newRow("workers zero") << "DESKBOARD_WORKERS"
                                      << "0";
        QTest::newRow("workers text") << "DESKBOARD_WORKERS"
                                      << "two";
        QTest::newRow("listen without port") << "DESKBOARD_LISTEN"
                                             << "127.0.0.1";
        QTest::newRow("listen port too big") << "DESKBOARD_LISTEN"
                                             << "127.0.0.1:70000";
        QTest::newRow("redis scheme") << "REDIS_URL"
                                      << "http://localhost:6379";
        QTest::newRow("ttl negative") << "REDIS_STATE_TTL"
                                      << "-5";
        QTest::newRow("ttl refresh negative") << "DESKBOARD_TTL_REFRESH_SECONDS"
                                              << "-1";
        QTest::newRow("ttl refresh over half the ttl") << "DESKBOARD_TTL_REFRESH_SECONDS"
                                                       << "2592000";
        QTest::newRow("log format") << "DESKBOARD_LOG_FORMAT"
                                    << "xml";
        QTest::newRow("boolean") << "DESKBOARD_ALLOW_SIGNUP"
                                 << "yes";
        QTest::newRow("timeout") << "DESKBOARD_REDIS_TIMEOUT_MS"
                                 << "2s";
        QTest::newRow("empty") << "DESKBOARD_HISTORY_DEPTH"
                               << "";
    }

    void badConfigurationExitsTwoNamingTheVariable() {
        QFETCH(QString, name);
        QFETCH(QString, value);
        const auto outcome = run({}, {{name.toStdString(), value.toStdString()}});
        QCOMPARE(outcome.code, 2);
        QVERIFY2(outcome.err.find(name.toStdString()) != std::string::npos, outcome.err.c_str());
    }

    void configDefaultsMatchTheProduct() {
        const auto loaded =
            deskboard::server::loadConfig([](const char*) -> const char* { return nullptr; });
        QVERIFY(loaded.config.has_value());
        const auto& config = *loaded.config;
        QCOMPARE(config.listenHost, std::string("127.0.0.1"));
        QCOMPARE(config.listenPort, std::uint16_t{8080});
        QCOMPARE(config.redis.port, std::uint16_t{6379});
        QCOMPARE(config.stateTtlSeconds, 2592000LL);
        QCOMPARE(config.ttlRefreshSeconds, 86400LL);
        QCOMPARE(config.maxJsonDepth, 64);
        QCOMPARE(config.maxStateBytes, std::size_t{1048576});
        QCOMPARE(config.redisTimeoutMs, 2000);
        QCOMPARE(config.allowSignup, false);
        QCOMPARE(config.loginMaxFailures, 10);
        QCOMPARE(config.loginWindowSeconds, 900LL);
        QCOMPARE(config.refreshGraceSeconds, 10LL);
        QCOMPARE(config.accessTokenTtl, 900LL);
        QCOMPARE(config.refreshTokenTtl, 2592000LL);
        QCOMPARE(config.historyDepth, 20);
        QCOMPARE(config.sseHeartbeatSeconds, 15);
        QCOMPARE(config.maxStreamsPerUser, 8);
        QCOMPARE(config.shutdownGraceSeconds, 10);
        QCOMPARE(config.workers, 1);
    }

    // Unset, the refresh interval is at most half of a short REDIS_STATE_TTL; set, it is taken
    // as given, but may not be more than half of the TTL.
    void ttlRefreshFollowsTheStateTtl() {
        const auto load = [](const char* ttl, const char* refresh) {
            return deskboard::server::loadConfig([=](const char* name) -> const char* {
                const std::string_view variable(name);
                if (variable == "REDIS_STATE_TTL") {
                    return ttl;
                }
                return variable == "DESKBOARD_TTL_REFRESH_SECONDS" ? refresh : nullptr;
            });
        };
        QCOMPARE(load("3600", nullptr).config.value().ttlRefreshSeconds, 1800LL);
        QCOMPARE(load("172800", nullptr).config.value().ttlRefreshSeconds, 86400LL);
        QCOMPARE(load("3600", "0").config.value().ttlRefreshSeconds, 0LL);
        QCOMPARE(load("3600", "1800").config.value().ttlRefreshSeconds, 1800LL);
        const auto tooLong = load("3600", "1801");
        QVERIFY(!tooLong.config.has_value());
        QVERIFY2(tooLong.error.find("DESKBOARD_TTL_REFRESH_SECONDS") != std::string::npos &&
                     tooLong.error.find("REDIS_STATE_TTL") != std::string::npos,
                 tooLong.error.c_str());
    }

    void listenAcceptsIpv6() {
        const auto loaded = deskboard::server::loadConfig([](const char* name) -> const char* {
            return std::string_view(name) == "DESKBOARD_LISTEN" ? "[::1]:9000" : nullptr;
        });
        QVERIFY(loaded.config.has_value());
        QCOMPARE(loaded.config->listenHost, std::string("::1"));
        QCOMPARE(loaded.config->listenPort, std::uint16_t{9000});
    }

    void badUsageExitsTwo() {
        const auto outcome = run({"--frobnicate"});
        QCOMPARE(outcome.code, 2);
        QVERIFY(outcome.err.find("--frobnicate") != std::string::npos);
        QCOMPARE(run({"--version", "--help"}).code, 2);
        QCOMPARE(run({"user"}).code, 2);
        QCOMPARE(run({"user", "add"}).code, 2);
        QCOMPARE(run({"user", "add", "bad name"}).code, 2);
        QCOMPARE(run({"workspace", "frob"}).code, 2);
    }

    void executableAnswersVersion() {
        const auto result =
            runExecutable(QStringLiteral(DESKBOARD_SERVER), {QStringLiteral("--version")});
        QVERIFY2(result.finished, qPrintable(result.err));
        QCOMPARE(result.exitCode, 0);
        QCOMPARE(result.out.trimmed(),
                 QStringLiteral("deskboard-server ") + QString::fromLatin1(deskboard::kVersion));
    }
};

QTEST_GUILESS_MAIN(ServerCommandLineTest)
#include "tst_command_line.moc"
