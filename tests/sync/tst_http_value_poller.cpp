// HttpValuePoller against a real HTTP responder on 127.0.0.1 (a QTcpServer in this test with
// canned answers): a JSON value at a pointer, the whole body as text, a missing pointer, a 404,
// an answer that never comes (the timeout), a body that is not JSON, one request at a time,
// and stop() cancelling quietly. Also the pure extract() on fixed bodies.
#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

#include <deskboard/sync/http_value_poller.h>

using deskboard::sync::HttpValuePoller;

namespace {

// Answers GET requests by path; "/slow" never answers. Counts requests and the most that were
// open at once.
class Responder : public QObject {
  public:
    Responder() {
        if (!server_.listen(QHostAddress::LocalHost)) {
            qFatal("cannot listen on 127.0.0.1");
        }
        connect(&server_, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket* socket = server_.nextPendingConnection()) {
                socket->setParent(this);
                ++open_;
                maxOpen_ = std::max(maxOpen_, open_);
                connect(socket, &QTcpSocket::disconnected, this, [this, socket] {
                    --open_;
                    socket->deleteLater();
                });
                connect(socket, &QTcpSocket::readyRead, this, [this, socket] { serve(socket); });
            }
        });
    }

    QUrl url(const QString& path) const {
        return QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(server_.serverPort()).arg(path));
    }
    int requests() const { return requests_; }
    int maxOpen() const { return maxOpen_; }
    int counter = 0;

  private:
    void serve(QTcpSocket* socket) {
        QByteArray& buffer = buffers_[socket];
        buffer += socket->readAll();
        const qsizetype end = buffer.indexOf("\r\n\r\n");
        if (end < 0) {
            return;
        }
        const QByteArray path = buffer.split(' ').value(1);
        buffer.remove(0, end + 4);
        ++requests_;
        if (path == "/slow") {
            return;
        }
        QByteArray status = "200 OK";
        QByteArray type = "application/json";
        QByteArray body;
        if (path == "/json") {
            body = R"({"data": {"price": 42.5, "name": "ACME", "list": [1, 2]}})";
        } else if (path == "/counter") {
            body = R"({"n": )" + QByteArray::number(++counter) + "}";
        } else if (path == "/text") {
            type = "text/plain";
            body = "  hello world\n";
        } else {
            status = "404 Not Found";
            type = "text/plain";
            body = "nothing here";
        }
        socket->write("HTTP/1.1 " + status + "\r\nContent-Type: " + type + "\r\nContent-Length: " +
                      QByteArray::number(body.size()) + "\r\nConnection: close\r\n\r\n" + body);
        socket->disconnectFromHost();
    }

    QTcpServer server_;
    QHash<QTcpSocket*, QByteArray> buffers_;
    int requests_ = 0;
    int open_ = 0;
    int maxOpen_ = 0;
};

// Polls once and waits for the one signal the answer ends in.
struct Outcome {
    QString value;
    std::optional<double> number;
    QString failure;
};
Outcome pollOnce(HttpValuePoller& poller) {
    Outcome outcome;
    int answers = 0;
    QObject context;
    QObject::connect(&poller, &HttpValuePoller::valueChanged, &context,
                     [&](const QString& value, std::optional<double> number) {
                         outcome.value = value;
                         outcome.number = number;
                         ++answers;
                     });
    QObject::connect(&poller, &HttpValuePoller::failed, &context, [&](const QString& problem) {
        outcome.failure = problem;
        ++answers;
    });
    poller.pollNow();
    if (!QTest::qWaitFor([&] { return answers > 0; }, 15000)) {
        qFatal("no answer within 15 s");
    }
    // Exactly one signal per answer.
    QTest::qWait(0);
    if (answers != 1) {
        qFatal("%d signals for one answer", answers);
    }
    return outcome;
}

}  // namespace

class HttpValuePollerTest : public QObject {
    Q_OBJECT

  private slots:
    void extractsFromFixedBodies() {
        const QByteArray body = R"({"a": {"b": [10, "7.5", true, null, {"c": "x"}]}, "s": "hi"})";
        auto value = [&](const QString& pointer) {
            const auto result = HttpValuePoller::extract(body, pointer);
            const auto* found = std::get_if<HttpValuePoller::Value>(&result);
            return found ? *found : HttpValuePoller::Value{QStringLiteral("<failed>"), {}};
        };
        QCOMPARE(value(QStringLiteral("/a/b/0")).text, QStringLiteral("10"));
        QCOMPARE(value(QStringLiteral("/a/b/0")).number, std::optional<double>(10));
        QCOMPARE(value(QStringLiteral("/a/b/1")).number, std::optional<double>(7.5));
        QCOMPARE(value(QStringLiteral("/a/b/2")).text, QStringLiteral("true"));
        QVERIFY(!value(QStringLiteral("/a/b/2")).number);
        QCOMPARE(value(QStringLiteral("/a/b/4")).text, QStringLiteral(R"({"c":"x"})"));
        QCOMPARE(value(QStringLiteral("/s")).text, QStringLiteral("hi"));
        QCOMPARE(value(QString()).text, QString::fromUtf8(body));

        const auto missing = HttpValuePoller::extract(body, QStringLiteral("/a/zz"));
        QCOMPARE(std::get<QString>(missing), QStringLiteral("No value at /a/zz"));
        const auto outOfRange = HttpValuePoller::extract(body, QStringLiteral("/a/b/9"));
        QCOMPARE(std::get<QString>(outOfRange), QStringLiteral("No value at /a/b/9"));
        const auto badPointer = HttpValuePoller::extract(body, QStringLiteral("a/b"));
        QVERIFY(std::get<QString>(badPointer).startsWith(QStringLiteral("Not a JSON pointer")));
        const auto notJson = HttpValuePoller::extract("<html>", QStringLiteral("/a"));
        QVERIFY(std::get<QString>(notJson).startsWith(QStringLiteral("The answer is not JSON")));
    }

    void valueAtPointer() {
        Responder responder;
        HttpValuePoller poller;
        poller.setUrl(responder.url(QStringLiteral("/json")));
        poller.setPointer(QStringLiteral("/data/price"));
        const Outcome price = pollOnce(poller);
        QCOMPARE(price.failure, QString());
        QCOMPARE(price.value, QStringLiteral("42.5"));
        QCOMPARE(price.number, std::optional<double>(42.5));

        poller.setPointer(QStringLiteral("/data/name"));
        const Outcome name = pollOnce(poller);
        QCOMPARE(name.value, QStringLiteral("ACME"));
        QVERIFY(!name.number);
    }

    void wholeBodyAsText() {
        Responder responder;
        HttpValuePoller poller;
        poller.setUrl(responder.url(QStringLiteral("/text")));
        const Outcome text = pollOnce(poller);
        QCOMPARE(text.failure, QString());
        QCOMPARE(text.value, QStringLiteral("hello world"));
    }

    void failuresInWords() {
        Responder responder;
        HttpValuePoller poller;
        poller.setUrl(responder.url(QStringLiteral("/nope")));
        QCOMPARE(pollOnce(poller).failure, QStringLiteral("HTTP 404 Not Found"));

        poller.setUrl(responder.url(QStringLiteral("/json")));
        poller.setPointer(QStringLiteral("/data/volume"));
        QCOMPARE(pollOnce(poller).failure, QStringLiteral("No value at /data/volume"));

        poller.setUrl(responder.url(QStringLiteral("/text")));
        QCOMPARE(pollOnce(poller).failure,
                 QStringLiteral("The answer is not JSON, so /data/volume cannot be read"));
    }

    void timeoutInWords() {
        Responder responder;
        HttpValuePoller poller;
        poller.setTimeoutSeconds(1);
        poller.setUrl(responder.url(QStringLiteral("/slow")));
        QElapsedTimer clock;
        clock.start();
        QCOMPARE(pollOnce(poller).failure, QStringLiteral("Timed out after 1 s"));
        QVERIFY2(clock.elapsed() >= 900, qPrintable(QString::number(clock.elapsed())));
        QVERIFY(!poller.isRequestInFlight());
    }

    void refusedConnectionInWords() {
        quint16 port = 0;
        {
            QTcpServer probe;
            QVERIFY(probe.listen(QHostAddress::LocalHost));
            port = probe.serverPort();
        }
        HttpValuePoller poller;
        poller.setUrl(QUrl(QStringLiteral("http://127.0.0.1:%1/").arg(port)));
        QCOMPARE(pollOnce(poller).failure, QStringLiteral("127.0.0.1 refused the connection"));
    }

    void oneRequestAtATime() {
        Responder responder;
        HttpValuePoller poller;
        poller.setTimeoutSeconds(2);
        poller.setUrl(responder.url(QStringLiteral("/slow")));
        QSignalSpy failed(&poller, &HttpValuePoller::failed);
        poller.start();
        QVERIFY(poller.isRequestInFlight());
        poller.pollNow();
        poller.pollNow();
        QVERIFY(failed.wait(10000));
        QCOMPARE(responder.requests(), 1);
        QCOMPARE(responder.maxOpen(), 1);
        poller.stop();
    }

    void startPollsAtOnceAndStopIsQuiet() {
        Responder responder;
        HttpValuePoller poller;
        poller.setUrl(responder.url(QStringLiteral("/counter")));
        poller.setPointer(QStringLiteral("/n"));
        QSignalSpy values(&poller, &HttpValuePoller::valueChanged);
        QSignalSpy failed(&poller, &HttpValuePoller::failed);
        QVERIFY(!poller.isRunning());
        poller.start();
        QVERIFY(poller.isRunning());
        QVERIFY(values.wait(10000));
        QCOMPARE(values.at(0).at(0).toString(), QStringLiteral("1"));

        // A request cancelled by stop() reports nothing.
        poller.setUrl(responder.url(QStringLiteral("/slow")));
        QTRY_VERIFY(poller.isRequestInFlight());
        poller.stop();
        QVERIFY(!poller.isRunning());
        QVERIFY(!poller.isRequestInFlight());
        QVERIFY(!failed.wait(300));
        QCOMPARE(values.size(), 1);
        QCOMPARE(failed.size(), 0);
    }

    void stopRightAfterStartIsQuiet() {
        Responder responder;
        HttpValuePoller poller;
        poller.setUrl(responder.url(QStringLiteral("/json")));
        QSignalSpy values(&poller, &HttpValuePoller::valueChanged);
        QSignalSpy failed(&poller, &HttpValuePoller::failed);
        poller.start();
        poller.stop();
        // Started again, the next answer is the only one reported.
        poller.start();
        QVERIFY(values.wait(10000));
        poller.stop();
        QCoreApplication::processEvents();
        QCOMPARE(values.size(), 1);
        QCOMPARE(failed.size(), 0);
    }

    void intervalHasAFloor() {
        HttpValuePoller poller;
        poller.setIntervalSeconds(1);
        QCOMPARE(poller.intervalSeconds(), HttpValuePoller::kMinimumIntervalSeconds);
        poller.setIntervalSeconds(90);
        QCOMPARE(poller.intervalSeconds(), 90);
        poller.setTimeoutSeconds(0);
        QCOMPARE(poller.timeoutSeconds(), 1);
    }
};

QTEST_GUILESS_MAIN(HttpValuePollerTest)
#include "tst_http_value_poller.moc"
