// `deskboard ctl` against a real deskboard-server on a real redis-server (both on free loopback
// ports): two profiles as two machines, each a running `deskboard --headless`, driven only
// through `deskboard ctl`, converge after interleaved edits and a server restart; the server
// commands (login, workspace, history, restore) through an instance and in-process.
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpSocket>
#include <QTest>
#include <child_process.h>
#include <redis_process.h>

#include "deskboard_process.h"

using deskboard::testing::CtlRun;
using deskboard::testing::DeskboardEnvironment;
using deskboard::testing::Instance;
using deskboard::testing::RedisProcess;

namespace {

const QByteArray kPassword = "correct horse battery staple";

// deskboard-server on one loopback port that survives restarts (clients keep its URL).
class Server {
  public:
    explicit Server(const RedisProcess& redis) : port_(deskboard::testing::freeLoopbackPort()) {
        environment_ = QProcessEnvironment::systemEnvironment();
        environment_.insert(QStringLiteral("REDIS_URL"), redis.url());
        environment_.insert(QStringLiteral("DESKBOARD_LISTEN"),
                            QStringLiteral("127.0.0.1:%1").arg(port_));
        environment_.insert(QStringLiteral("DESKBOARD_LOG_FORMAT"), QStringLiteral("text"));
        start();
    }
    ~Server() { stop(); }

    QString url() const { return QStringLiteral("http://127.0.0.1:%1").arg(port_); }

    void start() {
        process_.setProcessEnvironment(environment_);
        // The server's log, kept out of the test's output (appended across restarts).
        process_.setStandardOutputFile(QProcess::nullDevice());
        process_.setStandardErrorFile(logDir_.filePath(QStringLiteral("server.log")),
                                      QIODevice::Append);
        deskboard::testing::killWithTest(process_);
        process_.start(QStringLiteral(DESKBOARD_SERVER_BINARY), {});
        if (!process_.waitForStarted(10000)) {
            qFatal("cannot start deskboard-server: %s", qPrintable(process_.errorString()));
        }
        const QDeadlineTimer deadline(15000);
        while (!deadline.hasExpired()) {
            QTcpSocket socket;
            socket.connectToHost(QHostAddress::LocalHost, port_);
            if (socket.waitForConnected(200)) {
                return;
            }
            if (process_.state() == QProcess::NotRunning) {
                qFatal("deskboard-server exited at start");
            }
            QTest::qWait(20);
        }
        qFatal("deskboard-server did not listen within 15 s");
    }

    void stop() {
        if (process_.state() == QProcess::NotRunning) {
            return;
        }
        process_.terminate();
        if (!process_.waitForFinished(15000)) {
            process_.kill();
            process_.waitForFinished(5000);
        }
    }

    void addUser(const QString& name) const {
        QProcess admin;
        admin.setProcessEnvironment(environment_);
        admin.start(QStringLiteral(DESKBOARD_SERVER_BINARY),
                    {QStringLiteral("user"), QStringLiteral("add"), name});
        admin.write(kPassword + '\n');
        admin.closeWriteChannel();
        if (!admin.waitForFinished(30000) || admin.exitCode() != 0) {
            qFatal("user add failed: %s", admin.readAllStandardError().constData());
        }
    }

  private:
    QTemporaryDir logDir_;
    quint16 port_;
    QProcessEnvironment environment_;
    QProcess process_;
};

QStringList args(std::initializer_list<const char*> parts) {
    QStringList list;
    for (const char* part : parts) {
        list.append(QString::fromUtf8(part));
    }
    return list;
}

QJsonObject widgetsOf(const CtlRun& exported) {
    return QJsonDocument::fromJson(exported.out)
        .object()
        .value(QStringLiteral("dashboards"))
        .toArray()
        .first()
        .toObject()
        .value(QStringLiteral("widgets"))
        .toObject();
}

}  // namespace

class CtlSyncTest : public QObject {
    Q_OBJECT

  private:
    QString newProfile() {
        auto dir = std::make_unique<QTemporaryDir>();
        const QString path = dir->filePath(QStringLiteral("profile"));
        dirs_.push_back(std::move(dir));
        return path;
    }

    CtlRun login(DeskboardEnvironment& env, const QString& profile, const Server& server,
                 const QString& user = QStringLiteral("alice")) {
        return env.ctl(profile,
                       {QStringLiteral("login"), QStringLiteral("--server"), server.url(),
                        QStringLiteral("--user"), user, QStringLiteral("--password-stdin")},
                       kPassword + '\n');
    }

    QString add(DeskboardEnvironment& env, const QString& profile, const char* type,
                const QString& title) {
        const CtlRun run =
            env.ctl(profile, {QStringLiteral("widget"), QStringLiteral("add"),
                              QString::fromUtf8(type), QStringLiteral("--title"), title});
        if (run.exitCode != 0) {
            qWarning("widget add: %s", run.describe().constData());
            return {};
        }
        return run.lastWord();
    }

    bool set(DeskboardEnvironment& env, const QString& profile, const QString& id,
             const char* field, const QString& value) {
        const CtlRun run = env.ctl(profile, {QStringLiteral("widget"), QStringLiteral("set"), id,
                                             QString::fromUtf8(field), value});
        if (run.exitCode != 0) {
            qWarning("widget set: %s", run.describe().constData());
        }
        return run.exitCode == 0;
    }

    CtlRun syncWait(DeskboardEnvironment& env, const QString& profile) {
        return env.ctl(profile, args({"sync", "--wait", "--timeout", "20"}), {}, {}, 90000);
    }

    // Syncs both until their exports agree (each machine pulls the other's saves live).
    bool converge(DeskboardEnvironment& env, const QString& a, const QString& b,
                  QByteArray& exportA, QByteArray& exportB) {
        const QDeadlineTimer deadline(60000);
        while (!deadline.hasExpired()) {
            const CtlRun syncA = syncWait(env, a);
            const CtlRun syncB = syncWait(env, b);
            exportA = env.ctl(a, {QStringLiteral("export")}).out;
            exportB = env.ctl(b, {QStringLiteral("export")}).out;
            if (syncA.exitCode == 0 && syncB.exitCode == 0 && exportA == exportB) {
                return true;
            }
            QTest::qWait(200);
        }
        return false;
    }

    std::vector<std::unique_ptr<QTemporaryDir>> dirs_;

  private slots:
    void twoMachinesConvergeThroughCtl() {
        RedisProcess redis;
        Server server(redis);
        server.addUser(QStringLiteral("alice"));
        DeskboardEnvironment env;
        const QString a = newProfile();
        const QString b = newProfile();
        Instance machineA(env, a);
        Instance machineB(env, b);
        QVERIFY2(machineA.waitUntilAnswering(), machineA.log().constData());
        QVERIFY2(machineB.waitUntilAnswering(), machineB.log().constData());

        // A wrong password fails with a message; the right one signs in.
        CtlRun run = env.ctl(
            a,
            {QStringLiteral("login"), QStringLiteral("--server"), server.url(),
             QStringLiteral("--user"), QStringLiteral("alice"), QStringLiteral("--password-stdin")},
            "wrong password\n");
        QVERIFY2(run.exitCode == 1, run.describe().constData());
        run = login(env, a, server);
        QVERIFY2(run.exitCode == 0, run.describe().constData());
        run = login(env, b, server);
        QVERIFY2(run.exitCode == 0, run.describe().constData());
        const QJsonObject status = env.ctl(a, {QStringLiteral("status")}).json();
        QCOMPARE(status.value(QStringLiteral("user")).toString(), QStringLiteral("alice"));
        QCOMPARE(status.value(QStringLiteral("server")).toString(), server.url());

        // Interleaved edits on both machines.
        const QString noteA = add(env, a, "note", QStringLiteral("Note from A"));
        const QString todoB = add(env, b, "todo", QStringLiteral("Todo from B"));
        QVERIFY(!noteA.isEmpty() && !todoB.isEmpty());
        QVERIFY(set(env, a, noteA, "content", QStringLiteral("written on A")));
        QVERIFY(set(env, b, todoB, "content", QStringLiteral("- [ ] milk\n- [x] bread")));
        run = syncWait(env, a);
        QVERIFY2(run.exitCode == 0, run.describe().constData());
        run = syncWait(env, b);
        QVERIFY2(run.exitCode == 0, run.describe().constData());
        QByteArray exportA;
        QByteArray exportB;
        QVERIFY2(converge(env, a, b, exportA, exportB),
                 QByteArray(exportA + "\n----\n" + exportB).constData());

        // The server goes away; both machines keep editing, each the other's widget too.
        server.stop();
        QVERIFY(set(env, a, todoB, "title", QStringLiteral("Todo, renamed on A")));
        const QString clockB = add(env, b, "clock", QStringLiteral("Clock from B"));
        QVERIFY(!clockB.isEmpty());
        QVERIFY(set(env, b, noteA, "settings.color", QStringLiteral("\"teal\"")));
        run = env.ctl(a, args({"sync", "--wait", "--timeout", "1"}));
        QVERIFY2(run.exitCode == 1, run.describe().constData());
        QVERIFY(
            env.ctl(a, {QStringLiteral("status")}).json().value(QStringLiteral("pending")).toInt() >
            0);

        server.start();
        QVERIFY2(converge(env, a, b, exportA, exportB),
                 QByteArray(exportA + "\n----\n" + exportB).constData());

        const CtlRun final = env.ctl(a, {QStringLiteral("export")});
        const QJsonObject widgets = widgetsOf(final);
        QCOMPARE(widgets.size(), 3);
        QCOMPARE(widgets.value(noteA).toObject().value(QStringLiteral("content")).toString(),
                 QStringLiteral("written on A"));
        QCOMPARE(widgets.value(noteA)
                     .toObject()
                     .value(QStringLiteral("settings"))
                     .toObject()
                     .value(QStringLiteral("color"))
                     .toString(),
                 QStringLiteral("teal"));
        QCOMPARE(widgets.value(todoB).toObject().value(QStringLiteral("title")).toString(),
                 QStringLiteral("Todo, renamed on A"));
        QCOMPARE(widgets.value(todoB).toObject().value(QStringLiteral("content")).toString(),
                 QStringLiteral("- [ ] milk\n- [x] bread"));
        QVERIFY(widgets.contains(clockB));
    }

    void serverCommands() {
        RedisProcess redis;
        Server server(redis);
        server.addUser(QStringLiteral("bob"));
        DeskboardEnvironment env;

        // In-process: a dashboard made before any sign-in is pushed by `ctl login`.
        const QString offline = newProfile();
        const QString early = add(env, offline, "note", QStringLiteral("Made before sign-in"));
        QVERIFY(!early.isEmpty());
        CtlRun run = login(env, offline, server, QStringLiteral("bob"));
        QVERIFY2(run.exitCode == 0, run.describe().constData());
        QVERIFY2(run.outText().contains(QStringLiteral("Signed in as bob")),
                 run.describe().constData());

        // A machine with an instance gets it at sign-in.
        const QString machine = newProfile();
        Instance instance(env, machine);
        QVERIFY2(instance.waitUntilAnswering(), instance.log().constData());
        // --remember with no keychain reachable (no D-Bus here): signed in, and told so.
        run = env.ctl(machine,
                      {QStringLiteral("login"), QStringLiteral("--server"), server.url(),
                       QStringLiteral("--user"), QStringLiteral("bob"),
                       QStringLiteral("--password-stdin"), QStringLiteral("--remember")},
                      kPassword + '\n');
        QVERIFY2(run.exitCode == 0, run.describe().constData());
        QVERIFY2(run.errText().contains(QStringLiteral("keychain")), run.describe().constData());
        QVERIFY(widgetsOf(env.ctl(machine, {QStringLiteral("export")})).contains(early));

        // Workspaces.
        run = env.ctl(machine, args({"workspace", "list"}));
        QVERIFY2(run.exitCode == 0, run.describe().constData());
        QVERIFY2(run.outText().contains(QStringLiteral("\tcurrent")), run.describe().constData());
        const QString personal = run.outText().section(QLatin1Char('\t'), 0, 0).trimmed();
        run = env.ctl(machine, args({"workspace", "create", "Kiosk"}));
        QVERIFY2(run.exitCode == 0, run.describe().constData());
        const QString kiosk = run.lastWord();
        run = env.ctl(machine, {QStringLiteral("workspace"), QStringLiteral("use"), kiosk});
        QVERIFY2(run.exitCode == 0, run.describe().constData());
        QCOMPARE(env.ctl(machine, {QStringLiteral("status")})
                     .json()
                     .value(QStringLiteral("workspace"))
                     .toString(),
                 kiosk);
        QVERIFY(!widgetsOf(env.ctl(machine, {QStringLiteral("export")})).contains(early));
        run = env.ctl(machine, {QStringLiteral("workspace"), QStringLiteral("use"), personal});
        QVERIFY2(run.exitCode == 0, run.describe().constData());
        QVERIFY(widgetsOf(env.ctl(machine, {QStringLiteral("export")})).contains(early));

        // History and restore of a server version.
        const QString extra = add(env, machine, "clock", QStringLiteral("Added later"));
        run = syncWait(env, machine);
        QVERIFY2(run.exitCode == 0, run.describe().constData());
        run = env.ctl(machine, {QStringLiteral("history")});
        QVERIFY2(run.exitCode == 0, run.describe().constData());
        QVERIFY2(run.outText().contains(QStringLiteral("Server versions")),
                 run.describe().constData());
        const QJsonObject status = env.ctl(machine, {QStringLiteral("status")}).json();
        const int latest = status.value(QStringLiteral("lastSyncedVersion")).toInt();
        QVERIFY(latest >= 2);
        run = env.ctl(machine, {QStringLiteral("restore"), QString::number(latest - 1)});
        QVERIFY2(run.exitCode == 0, run.describe().constData());
        QVERIFY(!widgetsOf(env.ctl(machine, {QStringLiteral("export")})).contains(extra));
        run = env.ctl(machine, {QStringLiteral("restore"), QStringLiteral("999999")});
        QVERIFY2(run.exitCode == 1, run.describe().constData());
        // The server's copy applied at sign-in left a local snapshot; restoring it is an edit.
        run = env.ctl(machine, {QStringLiteral("history")});
        QVERIFY2(run.outText().contains(QStringLiteral("snapshot:1")), run.describe().constData());
        run = env.ctl(machine, {QStringLiteral("restore"), QStringLiteral("snapshot:1")});
        QVERIFY2(run.exitCode == 0, run.describe().constData());

        run = env.ctl(machine, {QStringLiteral("logout")});
        QVERIFY2(run.exitCode == 0, run.describe().constData());
        QCOMPARE(env.ctl(machine, {QStringLiteral("status")})
                     .json()
                     .value(QStringLiteral("state"))
                     .toString(),
                 QStringLiteral("signed_out"));
        run = env.ctl(machine, args({"sync", "--wait", "--timeout", "5"}));
        QVERIFY2(run.exitCode == 1, run.describe().constData());
    }
};

QTEST_GUILESS_MAIN(CtlSyncTest)
#include "tst_ctl_sync.moc"
