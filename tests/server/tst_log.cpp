// The request log: one line per request, valid JSON with the fields operators rely on (or plain
// text), whatever bytes a client managed to put into the logged fields.
#include <QTest>
#include <nlohmann/json.hpp>
#include <qtest_json.h>
#include <unistd.h>

#include <deskboard/server/log.h>

using deskboard::server::Log;
using deskboard::server::LogFormat;
using deskboard::server::http::ExchangeRecord;

namespace {

// Runs `write` against a Log on a pipe and returns what it wrote.
std::string captured(LogFormat format, const std::function<void(const Log&)>& write) {
    int fds[2];
    if (::pipe(fds) != 0) {
        qFatal("pipe failed");
    }
    {
        const Log log(format, fds[1]);
        write(log);
    }
    ::close(fds[1]);
    std::string text;
    char buffer[4096];
    ssize_t n = 0;
    while ((n = ::read(fds[0], buffer, sizeof buffer)) > 0) {
        text.append(buffer, static_cast<std::size_t>(n));
    }
    ::close(fds[0]);
    return text;
}

ExchangeRecord record() {
    return ExchangeRecord{
        "POST",     "/api/dashboard/state", 409, std::chrono::microseconds(1234), "user_1", "req-1",
        "127.0.0.1"};
}

}  // namespace

class LogTest : public QObject {
    Q_OBJECT

  private slots:
    void requestLineIsJson() {
        const std::string text =
            captured(LogFormat::Json, [](const Log& log) { log.request(record()); });
        QVERIFY(!text.empty() && text.back() == '\n');
        const auto line = nlohmann::json::parse(text);
        QCOMPARE(line["method"].get<std::string>(), std::string("POST"));
        QCOMPARE(line["route"].get<std::string>(), std::string("/api/dashboard/state"));
        QCOMPARE(line["status"].get<int>(), 409);
        QCOMPARE(line["userId"].get<std::string>(), std::string("user_1"));
        QCOMPARE(line["requestId"].get<std::string>(), std::string("req-1"));
        QCOMPARE(line["remote"].get<std::string>(), std::string("127.0.0.1"));
        QCOMPARE(line["durationMs"].get<double>(), 1.234);
        QVERIFY(line["time"].get<std::string>().back() == 'Z');
    }

    void oddBytesStayValidJson() {
        ExchangeRecord odd = record();
        odd.method = "G\"E\\T\n\x01\xff";
        odd.userId.clear();
        const std::string text =
            captured(LogFormat::Json, [&](const Log& log) { log.request(odd); });
        const auto line = nlohmann::json::parse(text);
        QVERIFY(line["userId"].is_null());
        QCOMPARE(line["method"].get<std::string>(), std::string("G\"E\\T\n\x01?"));
    }

    void eventsAndTextFormat() {
        const std::string json = captured(LogFormat::Json, [](const Log& log) {
            log.info("started");
            log.error("broke \"badly\"");
        });
        const auto newline = json.find('\n');
        QCOMPARE(nlohmann::json::parse(json.substr(0, newline))["level"].get<std::string>(),
                 std::string("info"));
        QCOMPARE(nlohmann::json::parse(json.substr(newline + 1))["message"].get<std::string>(),
                 std::string("broke \"badly\""));
        const std::string text =
            captured(LogFormat::Text, [](const Log& log) { log.request(record()); });
        QVERIFY(text.find(" req-1 POST /api/dashboard/state 409 1.234ms user=user_1") !=
                std::string::npos);
    }
};

QTEST_APPLESS_MAIN(LogTest)
#include "tst_log.moc"
