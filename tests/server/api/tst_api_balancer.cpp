// Several deskboard-server instances behind one address (issue 15, part 2): a real Redis
// Cluster (3 primaries, one replica each), two instances on it, and HAProxy in front running
// packaging/haproxy/deskboard.cfg itself (copied with the addresses of this test substituted on
// its marked lines). A save through one instance reaches an event stream held through the
// other within 2 s, whether the clients talk to the instances directly or through the
// balancer; a stream held through the balancer survives the restart of its instance: the
// client reconnects with Last-Event-ID, catches up with what was saved meanwhile, and gets the
// live events after that. A logout through one instance ends the token the other remembered.
// Skipped when haproxy is not installed.
#include <optional>

#include <QDir>
#include <QFile>
#include <QLocalSocket>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <child_process.h>
#include <event_stream_reader.h>
#include <http_client.h>
#include <qtest_json.h>
#include <redis_cluster.h>
#include <server_process.h>

using namespace deskboard::testing;

namespace {

const QByteArray kPassword = "balancer-password";
const QString kStatePath = QStringLiteral("/api/dashboard/state");
constexpr int kEventDeadlineMs = 2000;  // a save reaches every stream of its user within this

// The example configuration with this test's addresses: the `bind` of the line marked
// `#@listen`, the address of each `server` line marked `#@instance` (lines beyond `instances`
// are commented out), the path of the `stats socket` marked `#@admin-socket`; lines marked
// `#@system` (chroot, user, daemon, syslog: they need root) are commented out. Empty, with
// `problem` set, when the example lacks a mark.
QByteArray balancerConfig(const QByteArray& example, quint16 listenPort,
                          const QList<quint16>& instances, const QString& socketPath,
                          QString& problem) {
    static const QRegularExpression bind(QStringLiteral("^(\\s*bind\\s+)\\S+"));
    static const QRegularExpression server(QStringLiteral("^(\\s*server\\s+\\S+\\s+)\\S+"));
    static const QRegularExpression socket(QStringLiteral("^(\\s*stats\\s+socket\\s+)\\S+"));
    QStringList out;
    int listens = 0;
    int servers = 0;
    int sockets = 0;
    for (QString line : QString::fromUtf8(example).split(QLatin1Char('\n'))) {
        if (line.contains(QLatin1String("#@system"))) {
            line.prepend(QStringLiteral("# "));
        } else if (line.contains(QLatin1String("#@listen")) && line.contains(bind)) {
            line.replace(bind, QStringLiteral("\\1127.0.0.1:%1").arg(listenPort));
            ++listens;
        } else if (line.contains(QLatin1String("#@instance")) && line.contains(server)) {
            if (servers < instances.size()) {
                line.replace(server, QStringLiteral("\\1127.0.0.1:%1").arg(instances[servers]));
            } else {
                line.prepend(QStringLiteral("# "));
            }
            ++servers;
        } else if (line.contains(QLatin1String("#@admin-socket")) && line.contains(socket)) {
            line.replace(socket, QStringLiteral("\\1") + socketPath);
            ++sockets;
        }
        out << line;
    }
    if (listens != 1 || sockets != 1 || servers < instances.size()) {
        problem = QStringLiteral(
                      "the example needs one `bind` marked #@listen (has %1), one "
                      "`stats socket` marked #@admin-socket (has %2) and at least %3 "
                      "`server` lines marked #@instance (has %4)")
                      .arg(listens)
                      .arg(sockets)
                      .arg(instances.size())
                      .arg(servers);
        return {};
    }
    return out.join(QLatin1Char('\n')).toUtf8();
}

// haproxy in the foreground (-db) with a configuration file, its output kept for diagnostics.
class Balancer {
  public:
    Balancer(QString executable, QString configPath)
        : executable_(std::move(executable)), configPath_(std::move(configPath)) {}
    ~Balancer() { stop(); }
    Balancer(const Balancer&) = delete;
    Balancer& operator=(const Balancer&) = delete;

    // `haproxy -c`: empty when the configuration is valid, else haproxy's complaint.
    QByteArray check() const {
        QProcess check;
        check.setProcessChannelMode(QProcess::MergedChannels);
        check.start(executable_, {QStringLiteral("-c"), QStringLiteral("-f"), configPath_});
        if (!check.waitForFinished(15000)) {
            check.kill();
            check.waitForFinished(1000);
            return "haproxy -c did not finish";
        }
        return check.exitCode() == 0 ? QByteArray() : check.readAll();
    }

    bool start() {
        process_.setProcessChannelMode(QProcess::MergedChannels);
        killWithTest(process_);
        process_.start(executable_, {QStringLiteral("-db"), QStringLiteral("-f"), configPath_});
        return process_.waitForStarted(10000);
    }
    bool running() const { return process_.state() == QProcess::Running; }
    QByteArray output() {
        output_ += process_.readAll();
        return output_;
    }
    void stop() {
        if (process_.state() != QProcess::NotRunning) {
            process_.terminate();
            if (!process_.waitForFinished(5000)) {
                process_.kill();
                process_.waitForFinished(5000);
            }
        }
    }

  private:
    QString executable_;
    QString configPath_;
    QProcess process_;
    QByteArray output_;
};

// The sum of the samples of one metric of an instance's GET /metrics whose labels contain
// every one of `labels` (e.g. `method="POST"`); -1 when the instance does not answer.
double metric(const ServerProcess& server, const QByteArray& name,
              const QList<QByteArray>& labels = {}) {
    HttpClient client(server.baseUrl());
    const auto answer = client.get(QStringLiteral("/metrics"));
    if (answer.status != 200) {
        return -1;
    }
    double sum = 0;
    for (const QByteArray& line : answer.body.split('\n')) {
        if (!line.startsWith(name) || line.size() <= name.size() ||
            (line[name.size()] != '{' && line[name.size()] != ' ')) {
            continue;
        }
        bool matches = true;
        for (const auto& label : labels) {
            matches = matches && line.contains(label);
        }
        if (matches) {
            sum += line.mid(line.lastIndexOf(' ') + 1).toDouble();
        }
    }
    return sum;
}

int openStreams(const ServerProcess& server) {
    return static_cast<int>(metric(server, "deskboard_event_streams_open"));
}

int savesServed(const ServerProcess& server) {
    return static_cast<int>(
        metric(server, "deskboard_http_requests_total",
               {"route=\"/api/dashboard/state\"", "method=\"POST\"", "status=\"200\""}));
}

int readsServed(const ServerProcess& server) {
    return static_cast<int>(metric(server, "deskboard_http_requests_total",
                                   {"route=\"/api/dashboard/state\"", "method=\"GET\""}));
}

}  // namespace

class ApiBalancerTest : public QObject {
    Q_OBJECT

  private:
    QTemporaryDir dir_;
    std::unique_ptr<RedisCluster> cluster_;
    std::unique_ptr<ServerProcess> first_;
    std::unique_ptr<ServerProcess> second_;
    std::unique_ptr<Balancer> balancer_;
    quint16 balancerPort_ = 0;
    std::int64_t version_ = 0;  // the version the server holds for alice

    QString balancerUrl() const { return QStringLiteral("http://127.0.0.1:%1").arg(balancerPort_); }

    QByteArray login(const QString& baseUrl) {
        HttpClient client(baseUrl);
        const auto answer =
            client.post(QStringLiteral("/api/auth/login"),
                        {{"username", "alice"}, {"password", kPassword.toStdString()}});
        if (answer.status != 200) {
            qFatal("login through %s failed: %d %s", qPrintable(baseUrl), answer.status,
                   answer.body.constData());
        }
        return QByteArray::fromStdString(answer.json()["accessToken"].get<std::string>());
    }

    // Saves the next version through `baseUrl`; its HTTP status.
    int saveNext(const QString& baseUrl, const QByteArray& token, const QByteArray& device) {
        HttpClient client(baseUrl);
        client.setToken(token);
        const auto answer = client.post(
            kStatePath,
            {{"version", version_ + 1}, {"state", {{"note", "v" + std::to_string(version_ + 1)}}}},
            {{"X-Device-Id", device}});
        if (answer.status == 200) {
            ++version_;
        } else {
            qWarning("save of version %lld through %s: %d %s", static_cast<long long>(version_ + 1),
                     qPrintable(baseUrl), answer.status, answer.body.constData());
        }
        return answer.status;
    }

    // Whether `stream` got the event of version `version` (from `device`) within 2 s. On a
    // cluster a stream catches up once its scope's sharded subscription is confirmed: when the
    // save came first, the version arrives as that catch-up, which names no device.
    static bool receives(const EventStreamReader& stream, std::int64_t version,
                         const QByteArray& device = {}) {
        const QByteArray id = QByteArray::number(static_cast<qint64>(version));
        return QTest::qWaitFor(
            [&] {
                for (const auto& event : stream.events()) {
                    if (event.id != id) {
                        continue;
                    }
                    const auto json = event.json();
                    const auto from = json.find("deviceId");
                    return device.isEmpty() || from == json.end() || from->is_null() ||
                           (from->is_string() && from->get<std::string>() == device.toStdString());
                }
                return false;
            },
            kEventDeadlineMs);
    }

    bool noStreamsOpen() {
        return QTest::qWaitFor(
            [&] { return openStreams(*first_) == 0 && openStreams(*second_) == 0; }, 5000);
    }

    // Opens a stream through the balancer and returns it with the instance holding it, or
    // without one when it did not open. `exclude`: the instance it must not be on (the stream
    // is opened again until round-robin puts it elsewhere).
    std::pair<std::unique_ptr<EventStreamReader>, ServerProcess*> streamThroughBalancer(
        const QByteArray& token, ServerProcess* exclude = nullptr,
        QList<QPair<QByteArray, QByteArray>> headers = {}) {
        for (int attempt = 0; attempt < 6; ++attempt) {
            const int before[2] = {openStreams(*first_), openStreams(*second_)};
            auto stream = std::make_unique<EventStreamReader>(balancerUrl(), token, headers);
            if (!stream->waitForStatus() || stream->status() != 200) {
                qWarning("stream through the balancer: status %d, %s", stream->status(),
                         stream->body().constData());
                return {};
            }
            ServerProcess* holder = nullptr;
            (void)QTest::qWaitFor(
                [&] {
                    if (openStreams(*first_) > before[0]) {
                        holder = first_.get();
                    } else if (openStreams(*second_) > before[1]) {
                        holder = second_.get();
                    }
                    return holder != nullptr;
                },
                5000);
            if (holder == nullptr) {
                qWarning("no instance counts the new stream");
                return {};
            }
            if (holder != exclude) {
                return {std::move(stream), holder};
            }
            stream.reset();
            (void)QTest::qWaitFor(
                [&] { return openStreams(*holder) == before[holder == second_.get()]; }, 5000);
        }
        qWarning("round-robin never put the stream on the other instance");
        return {};
    }

    // One command on HAProxy's runtime API (the `stats socket` of the example); its answer.
    QByteArray adminCommand(const QByteArray& command) {
        QLocalSocket socket;
        socket.connectToServer(dir_.filePath(QStringLiteral("admin.sock")));
        if (!socket.waitForConnected(5000)) {
            return "cannot connect: " + socket.errorString().toUtf8();
        }
        socket.write(command + '\n');
        socket.waitForBytesWritten(5000);
        QByteArray answer;
        const QDeadlineTimer deadline(5000);
        while (socket.state() == QLocalSocket::ConnectedState && !deadline.hasExpired()) {
            socket.waitForReadyRead(100);
            answer += socket.readAll();
        }
        return answer + socket.readAll();
    }

    ServerProcess* other(const ServerProcess* server) const {
        return server == first_.get() ? second_.get() : first_.get();
    }
    const char* nameOf(const ServerProcess* server) const {
        return server == first_.get() ? "first" : "second";
    }

  private slots:
    void initTestCase() {
        QString haproxy = QStandardPaths::findExecutable(QStringLiteral("haproxy"));
        if (haproxy.isEmpty()) {
            haproxy = QStandardPaths::findExecutable(
                QStringLiteral("haproxy"),
                {QStringLiteral("/usr/sbin"), QStringLiteral("/usr/local/sbin")});
        }
        if (haproxy.isEmpty()) {
            QSKIP(
                "haproxy is not installed (apt-get install haproxy, listed in "
                "packaging/apt-packages.txt): the balancer suite needs it");
        }
        QVERIFY(dir_.isValid());

        cluster_ = std::make_unique<RedisCluster>(3, 1);
        const QMap<QString, QString> environment{
            {QStringLiteral("DESKBOARD_TRUSTED_PROXIES"), QStringLiteral("127.0.0.1")},
            {QStringLiteral("DESKBOARD_SSE_HEARTBEAT_SECONDS"), QStringLiteral("1")},
            {QStringLiteral("DESKBOARD_LOG_FORMAT"), QStringLiteral("text")}};
        first_ = std::make_unique<ServerProcess>(cluster_->seedUrl(), environment);
        second_ = std::make_unique<ServerProcess>(cluster_->seedUrl(), environment);
        for (auto* server : {first_.get(), second_.get()}) {
            HttpClient probe(server->baseUrl());
            QTRY_COMPARE_WITH_TIMEOUT(probe.get(QStringLiteral("/readyz")).status, 200, 15000);
        }
        first_->addUser(QStringLiteral("alice"), kPassword);

        // The example configuration, with this test's addresses.
        QFile example(QStringLiteral(DESKBOARD_HAPROXY_EXAMPLE));
        QVERIFY2(example.open(QIODevice::ReadOnly), qPrintable(example.fileName()));
        balancerPort_ = freeLoopbackPort();
        QString problem;
        const QByteArray config =
            balancerConfig(example.readAll(), balancerPort_, {first_->port(), second_->port()},
                           dir_.filePath(QStringLiteral("admin.sock")), problem);
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        const QString configPath = dir_.filePath(QStringLiteral("deskboard.cfg"));
        QFile file(configPath);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(config);
        file.close();

        balancer_ = std::make_unique<Balancer>(haproxy, configPath);
        const QByteArray complaint = balancer_->check();
        QVERIFY2(complaint.isEmpty(), complaint.constData());
        QVERIFY(balancer_->start());
        HttpClient probe(balancerUrl());
        QTRY_VERIFY2_WITH_TIMEOUT(probe.get(QStringLiteral("/readyz")).status == 200,
                                  balancer_->output().constData(), 15000);
        QVERIFY2(balancer_->running(), balancer_->output().constData());
    }

    void cleanupTestCase() {
        if (balancer_) {
            balancer_->stop();
        }
        for (auto* server : {first_.get(), second_.get()}) {
            if (server != nullptr) {
                QCOMPARE(server->stop(), 0);
            }
        }
    }

    // The operator endpoints stay behind the balancer; the API is in front of it.
    void metricsStayInternal() {
        HttpClient client(balancerUrl());
        QCOMPARE(client.get(QStringLiteral("/metrics")).status, 404);
        QCOMPARE(client.get(QStringLiteral("/healthz")).status, 200);
    }

    // (a) One user signed in twice (two devices): a save through one instance reaches the
    // stream held through the other within 2 s, directly and through the balancer.
    void aSaveReachesAStreamOnTheOtherInstance() {
        const QByteArray desk = login(balancerUrl());
        const QByteArray laptop = login(balancerUrl());

        {  // Directly: the stream on one instance, the save on the other, both ways.
            EventStreamReader onFirst(first_->baseUrl(), desk);
            QVERIFY(onFirst.waitForStatus());
            QCOMPARE(onFirst.status(), 200);
            QCOMPARE(saveNext(second_->baseUrl(), laptop, "laptop"), 200);
            QVERIFY2(receives(onFirst, version_, "laptop"), onFirst.body().constData());

            EventStreamReader onSecond(second_->baseUrl(), laptop);
            QVERIFY(onSecond.waitForStatus());
            QCOMPARE(onSecond.status(), 200);
            QCOMPARE(saveNext(first_->baseUrl(), desk, "desk"), 200);
            QVERIFY2(receives(onSecond, version_, "desk"), onSecond.body().constData());
            QVERIFY2(receives(onFirst, version_, "desk"), onFirst.body().constData());
        }
        QVERIFY(noStreamsOpen());

        // Through the balancer: the two streams on different instances (checked by each
        // instance's deskboard_event_streams_open), then saves through the balancer until each
        // instance has served at least one (deskboard_http_requests_total): every save reaches
        // both streams, so one of them always across instances.
        auto [deskStream, deskHolder] = streamThroughBalancer(desk);
        QVERIFY(deskStream);
        auto [laptopStream, laptopHolder] = streamThroughBalancer(laptop, deskHolder);
        QVERIFY(laptopStream);
        QVERIFY(laptopHolder == other(deskHolder));
        qInfo("desk's stream on the %s instance, laptop's on the %s", nameOf(deskHolder),
              nameOf(laptopHolder));

        const int savedBefore[2] = {savesServed(*first_), savesServed(*second_)};
        int saves = 0;
        while (savesServed(*first_) == savedBefore[0] || savesServed(*second_) == savedBefore[1]) {
            QVERIFY2(saves < 8, "round-robin never sent a save to one of the instances");
            const bool fromDesk = saves % 2 == 0;
            const QByteArray device = fromDesk ? "desk" : "laptop";
            QCOMPARE(saveNext(balancerUrl(), fromDesk ? desk : laptop, device), 200);
            ++saves;
            QVERIFY2(receives(*deskStream, version_, device), deskStream->body().constData());
            QVERIFY2(receives(*laptopStream, version_, device), laptopStream->body().constData());
        }
        qInfo("%d saves through the balancer: %d on the first instance, %d on the second", saves,
              savesServed(*first_) - savedBefore[0], savesServed(*second_) - savedBefore[1]);
    }

    // The drain of the example's restart procedure: while the first instance (app1) is in
    // state drain, every request through the balancer goes to the second; after `state ready`
    // the first gets requests again.
    void drainSendsRequestsToTheOtherInstance() {
        const QByteArray token = login(balancerUrl());
        HttpClient reader(balancerUrl());
        reader.setToken(token);
        QCOMPARE(adminCommand("set server deskboard_instances/app1 state drain").trimmed(),
                 QByteArray());
        const int firstReads = readsServed(*first_);
        const int secondReads = readsServed(*second_);
        for (int i = 0; i < 6; ++i) {
            QCOMPARE(reader.get(kStatePath).status, 200);
        }
        QCOMPARE(readsServed(*first_), firstReads);
        QCOMPARE(readsServed(*second_), secondReads + 6);

        QCOMPARE(adminCommand("set server deskboard_instances/app1 state ready").trimmed(),
                 QByteArray());
        const bool servedAgain = QTest::qWaitFor(
            [&] {
                return reader.get(kStatePath).status == 200 && readsServed(*first_) > firstReads;
            },
            20000);
        QVERIFY2(servedAgain, balancer_->output().constData());
    }

    // On a cluster the logout script runs on the {auth} slot's primary; its announcement (a
    // classic PUBLISH) must still reach the other instance, whose subscriber may sit on any
    // node, and end the token it remembered.
    void aLogoutThroughOneInstanceEndsTheTokenOnTheOther() {
        const QByteArray token = login(first_->baseUrl());
        HttpClient onFirst(first_->baseUrl());
        HttpClient onSecond(second_->baseUrl());
        onFirst.setToken(token);
        onSecond.setToken(token);
        QCOMPARE(onFirst.get(kStatePath).status, 200);
        QCOMPARE(onSecond.get(kStatePath).status, 200);
        const double remembered =
            metric(*second_, "deskboard_access_token_checks_total", {"source=\"memory\""});
        QCOMPARE(onSecond.get(kStatePath).status, 200);
        QCOMPARE(metric(*second_, "deskboard_access_token_checks_total", {"source=\"memory\""}),
                 remembered + 1);

        QCOMPARE(onFirst.post(QStringLiteral("/api/auth/logout"), nlohmann::json::object()).status,
                 200);
        QCOMPARE(onFirst.get(kStatePath).status, 401);
        QTRY_COMPARE_WITH_TIMEOUT(onSecond.get(kStatePath).status, 401, 2000);
    }

    // (b) A stream held through the balancer survives the restart of its instance: SIGTERM
    // ends it, saves through the balancer keep working on the other instance, the client
    // reconnects with Last-Event-ID and first gets the version saved while it was away, then
    // live events from both instances; the restarted instance gets requests again.
    void aStreamSurvivesTheRestartOfItsInstance() {
        QVERIFY(noStreamsOpen());
        const QByteArray token = login(balancerUrl());
        auto [stream, holder] = streamThroughBalancer(token);
        QVERIFY(stream);
        ServerProcess* survivor = other(holder);
        qInfo("the stream is on the %s instance, which restarts", nameOf(holder));

        QCOMPARE(saveNext(balancerUrl(), token, "desk"), 200);
        QVERIFY2(receives(*stream, version_), stream->body().constData());
        const QByteArray lastEventId = stream->events().constLast().id;
        QCOMPARE(lastEventId, QByteArray::number(static_cast<qint64>(version_)));

        // SIGTERM: the instance ends its streams and exits 0; HAProxy ends the client's stream.
        QCOMPARE(holder->stop(), 0);
        QVERIFY2(stream->waitForFinished(5000), stream->body().constData());

        // While it is away, saves through the balancer land on the other instance (a refused
        // connection is retried there).
        const int survivorSaves = savesServed(*survivor);
        QCOMPARE(saveNext(balancerUrl(), token, "laptop"), 200);
        QCOMPARE(saveNext(balancerUrl(), token, "laptop"), 200);
        QCOMPARE(savesServed(*survivor), survivorSaves + 2);
        const std::int64_t savedWhileAway = version_;

        // Start again, on the same port.
        holder->restart();
        HttpClient probe(holder->baseUrl());
        QTRY_COMPARE_WITH_TIMEOUT(probe.get(QStringLiteral("/readyz")).status, 200, 15000);

        // The client reconnects through the balancer as the real one does.
        EventStreamReader again(balancerUrl(), token, {{"Last-Event-ID", lastEventId}});
        QVERIFY(again.waitForStatus());
        QCOMPARE(again.status(), 200);
        QVERIFY2(again.waitForEvents(1, kEventDeadlineMs), again.body().constData());
        const auto& catchUp = again.events().front();
        QCOMPARE(catchUp.id, QByteArray::number(static_cast<qint64>(savedWhileAway)));
        QCOMPARE(catchUp.event, QByteArray("version"));
        QCOMPARE_JSON(catchUp.json()["version"], savedWhileAway);

        // Live events after the catch-up, saved through each instance and the balancer.
        QCOMPARE(saveNext(holder->baseUrl(), token, "desk"), 200);
        QVERIFY2(receives(again, version_, "desk"), again.body().constData());
        QCOMPARE(saveNext(survivor->baseUrl(), token, "laptop"), 200);
        QVERIFY2(receives(again, version_, "laptop"), again.body().constData());
        QCOMPARE(saveNext(balancerUrl(), token, "desk"), 200);
        QVERIFY2(receives(again, version_, "desk"), again.body().constData());
        QCOMPARE(again.events().size(), 4);  // the catch-up and three live ones, no repeats

        // Once its health checks pass again, the balancer sends requests to the restarted
        // instance too (reads, so that the version stays put).
        HttpClient reader(balancerUrl());
        reader.setToken(token);
        const int readsBefore = readsServed(*holder);
        const bool servedAgain = QTest::qWaitFor(
            [&] {
                return reader.get(kStatePath).status == 200 && readsServed(*holder) > readsBefore;
            },
            20000);
        QVERIFY2(servedAgain, balancer_->output().constData());
        QVERIFY2(balancer_->running(), balancer_->output().constData());
    }
};

QTEST_GUILESS_MAIN(ApiBalancerTest)
#include "tst_api_balancer.moc"
