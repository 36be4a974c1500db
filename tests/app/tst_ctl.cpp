// `deskboard ctl` black-box, without a server: bad usage and --help for every command, the
// local commands (widget add/set/remove, export, import, status) in-process, first-free-cell
// placement and push-down, the single instance per profile (forwarding, a second instance,
// a stale socket, the socket's permissions) and two ctl processes writing one profile at once.
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>
#include <sys/stat.h>

#include <deskboard/sync/document.h>
#include <deskboard/sync/layout.h>

#include "deskboard_process.h"

using deskboard::testing::CtlRun;
using deskboard::testing::DeskboardEnvironment;
using deskboard::testing::Instance;

namespace {

QStringList words(const char* text) {
    return QString::fromUtf8(text).split(QLatin1Char(' '), Qt::SkipEmptyParts);
}

QJsonObject firstDashboard(const CtlRun& exported) {
    return QJsonDocument::fromJson(exported.out)
        .object()
        .value(QStringLiteral("dashboards"))
        .toArray()
        .first()
        .toObject();
}

QJsonObject widgetOf(const CtlRun& exported, const QString& id) {
    return firstDashboard(exported)
        .value(QStringLiteral("widgets"))
        .toObject()
        .value(id)
        .toObject();
}

deskboard::sync::WidgetRect rectOf(const CtlRun& exported, const QString& id) {
    const QJsonObject rect =
        firstDashboard(exported).value(QStringLiteral("layout")).toObject().value(id).toObject();
    return {rect.value(QStringLiteral("x")).toInt(-1), rect.value(QStringLiteral("y")).toInt(-1),
            rect.value(QStringLiteral("w")).toInt(-1), rect.value(QStringLiteral("h")).toInt(-1)};
}

deskboard::sync::Layout layoutOf(const CtlRun& exported) {
    deskboard::sync::Layout layout;
    const QJsonObject json = firstDashboard(exported).value(QStringLiteral("layout")).toObject();
    for (auto it = json.begin(); it != json.end(); ++it) {
        layout[it.key().toStdString()] = rectOf(exported, it.key());
    }
    return layout;
}

int fileMode(const QString& path) {
    struct stat info {};
    if (::lstat(QFile::encodeName(path).constData(), &info) != 0) {
        return -1;
    }
    return static_cast<int>(info.st_mode & 07777);
}

}  // namespace

class CtlTest : public QObject {
    Q_OBJECT

  private:
    QString newProfile() {
        auto dir = std::make_unique<QTemporaryDir>();
        const QString path = dir->filePath(QStringLiteral("profile"));
        dirs_.push_back(std::move(dir));
        return path;
    }

    QString addWidget(DeskboardEnvironment& env, const QString& profile, const QString& type,
                      const QString& title) {
        const CtlRun run = env.ctl(profile, {QStringLiteral("widget"), QStringLiteral("add"), type,
                                             QStringLiteral("--title"), title});
        if (run.exitCode != 0) {
            qWarning("%s", run.describe().constData());
            return {};
        }
        return run.lastWord();
    }

    std::vector<std::unique_ptr<QTemporaryDir>> dirs_;

  private slots:
    void badUsageExitsTwo_data() {
        QTest::addColumn<QStringList>("arguments");
        QTest::newRow("no command") << QStringList{QStringLiteral("ctl")};
        QTest::newRow("unknown command") << words("ctl frobnicate");
        QTest::newRow("unknown global option") << words("--bogus");
        QTest::newRow("stray argument") << words("status");
        QTest::newRow("status: extra argument") << words("ctl status now");
        QTest::newRow("status: unknown option") << words("ctl status --verbose");
        QTest::newRow("export: two files") << words("ctl export a.json b.json");
        QTest::newRow("import: no file") << words("ctl import");
        QTest::newRow("widget: no command") << words("ctl widget");
        QTest::newRow("widget: unknown command") << words("ctl widget paint");
        QTest::newRow("widget add: no type") << words("ctl widget add --title T");
        QTest::newRow("widget add: no title") << words("ctl widget add note");
        QTest::newRow("widget add: unknown type") << words("ctl widget add toaster --title T");
        QTest::newRow("widget add: option without value") << words("ctl widget add note --title");
        QTest::newRow("widget set: no value") << words("ctl widget set w1 title");
        QTest::newRow("widget set: unknown field") << words("ctl widget set w1 colour red");
        QTest::newRow("widget set: x not a number") << words("ctl widget set w1 x left");
        QTest::newRow("widget set: empty settings key") << words("ctl widget set w1 settings. 1");
        QTest::newRow("widget remove: no id") << words("ctl widget remove");
        QTest::newRow("sync: bad timeout") << words("ctl sync --wait --timeout soon");
        QTest::newRow("sync: negative timeout") << words("ctl sync --wait --timeout=-3");
        QTest::newRow("login: no server") << words("ctl login --user u --password-stdin");
        QTest::newRow("login: no user")
            << words("ctl login --server http://127.0.0.1:1 --password-stdin");
        QTest::newRow("login: password not from stdin")
            << words("ctl login --server http://127.0.0.1:1 --user u");
        QTest::newRow("login: not a URL")
            << words("ctl login --server ftp://example.org --user u --password-stdin");
        QTest::newRow("login: password as argument")
            << words("ctl login --server http://127.0.0.1:1 --user u --password secret");
        QTest::newRow("logout: extra argument") << words("ctl logout now");
        QTest::newRow("workspace: no command") << words("ctl workspace");
        QTest::newRow("workspace: unknown command") << words("ctl workspace delete x");
        QTest::newRow("workspace list: extra argument") << words("ctl workspace list all");
        QTest::newRow("workspace create: no name") << words("ctl workspace create");
        QTest::newRow("workspace use: no id") << words("ctl workspace use");
        QTest::newRow("history: extra argument") << words("ctl history 3");
        QTest::newRow("restore: nothing") << words("ctl restore");
        QTest::newRow("restore: not a version") << words("ctl restore yesterday");
        QTest::newRow("restore: snapshot 0") << words("ctl restore snapshot:0");
    }

    void badUsageExitsTwo() {
        QFETCH(QStringList, arguments);
        DeskboardEnvironment env;
        const QString profile = newProfile();
        const CtlRun run = env.run(profile, arguments);
        QVERIFY2(run.finished, run.describe().constData());
        QVERIFY2(run.exitCode == 2, run.describe().constData());
        QVERIFY2(!run.err.trimmed().isEmpty(), "a usage error says what is wrong");
        QVERIFY2(run.errText().contains(QStringLiteral("--help")) ||
                     run.errText().contains(QStringLiteral("Usage")),
                 run.describe().constData());
    }

    void everyCommandHasHelp_data() {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("usage");
        QTest::newRow("deskboard") << words("--help") << QStringLiteral("--profile DIR");
        QTest::newRow("ctl") << words("ctl --help") << QStringLiteral("ctl COMMAND");
        QTest::newRow("widget") << words("ctl widget --help") << QStringLiteral("widget add");
        QTest::newRow("workspace")
            << words("ctl workspace --help") << QStringLiteral("workspace create");
        const char* commands[] = {
            "status",           "export",        "import",  "widget add", "widget set",
            "widget remove",    "sync",          "login",   "logout",     "workspace list",
            "workspace create", "workspace use", "history", "restore"};
        for (const char* command : commands) {
            QTest::newRow(command) << (QStringList{QStringLiteral("ctl")} + words(command) +
                                       QStringList{QStringLiteral("--help")})
                                   << QStringLiteral("ctl ") + QString::fromUtf8(command);
        }
    }

    void everyCommandHasHelp() {
        QFETCH(QStringList, arguments);
        QFETCH(QString, usage);
        DeskboardEnvironment env;
        const CtlRun run = env.run(newProfile(), arguments);
        QVERIFY2(run.exitCode == 0, run.describe().constData());
        QVERIFY2(run.outText().contains(QStringLiteral("Usage: deskboard")),
                 run.describe().constData());
        QVERIFY2(run.outText().contains(usage), run.describe().constData());
    }

    void statusIsOneJsonObject() {
        DeskboardEnvironment env;
        const CtlRun run = env.ctl(newProfile(), {QStringLiteral("status")});
        QVERIFY2(run.exitCode == 0, run.describe().constData());
        QJsonParseError error{};
        const QJsonDocument document = QJsonDocument::fromJson(run.out, &error);
        QVERIFY2(document.isObject(), run.describe().constData());
        const QJsonObject status = document.object();
        for (const char* key : {"state", "pending", "lastSyncedVersion", "lastSyncedAt",
                                "lastError", "user", "server", "workspace", "keychain"}) {
            QVERIFY2(status.contains(QString::fromUtf8(key)), key);
        }
        QCOMPARE(status.value(QStringLiteral("state")).toString(), QStringLiteral("signed_out"));
        QCOMPARE(status.value(QStringLiteral("pending")).toInt(-1), 0);
        QVERIFY(status.value(QStringLiteral("lastSyncedAt")).isNull());
        QVERIFY(status.value(QStringLiteral("user")).isNull());
    }

    void widgetCommandsRoundTrip() {
        DeskboardEnvironment env;
        const QString profile = newProfile();
        const QByteArray content = "first line\n- [ ] not a todo, kept verbatim\n\ttabbed  \n";
        CtlRun run = env.ctl(
            profile, {QStringLiteral("widget"), QStringLiteral("add"), QStringLiteral("note"),
                      QStringLiteral("--title"), QStringLiteral("Shopping"),
                      QStringLiteral("--content"), QString::fromUtf8(content)});
        QVERIFY2(run.exitCode == 0, run.describe().constData());
        QVERIFY2(run.outText().startsWith(QStringLiteral("Added note widget ")),
                 run.describe().constData());
        const QString id = run.lastWord();
        QVERIFY2(QRegularExpression(QStringLiteral("^w[0-9a-f]{16}$")).match(id).hasMatch(),
                 qPrintable(id));

        run = env.ctl(profile, {QStringLiteral("export")});
        QVERIFY2(run.exitCode == 0, run.describe().constData());
        QJsonObject widget = widgetOf(run, id);
        QCOMPARE(widget.value(QStringLiteral("type")).toString(), QStringLiteral("note"));
        QCOMPARE(widget.value(QStringLiteral("title")).toString(), QStringLiteral("Shopping"));
        QCOMPARE(widget.value(QStringLiteral("content")).toString().toUtf8(), content);

        const QList<QStringList> edits = {
            {QStringLiteral("title"), QStringLiteral("Groceries")},
            {QStringLiteral("content"), QStringLiteral("- milk")},
            {QStringLiteral("settings.color"), QStringLiteral("red")},
            {QStringLiteral("settings.size"), QStringLiteral("42")},
            {QStringLiteral("settings.ratio"), QStringLiteral("0.1")},
            {QStringLiteral("settings.list"), QStringLiteral("[1,\"a\",true]")},
            {QStringLiteral("settings.quoted"), QStringLiteral("\"42\"")},
        };
        for (const auto& edit : edits) {
            run = env.ctl(profile,
                          QStringList{QStringLiteral("widget"), QStringLiteral("set"), id} + edit);
            QVERIFY2(run.exitCode == 0, run.describe().constData());
        }
        // A value that starts like an option, after --.
        run = env.ctl(profile, {QStringLiteral("widget"), QStringLiteral("set"), id,
                                QStringLiteral("settings.flag"), QStringLiteral("--"),
                                QStringLiteral("--loud")});
        QVERIFY2(run.exitCode == 0, run.describe().constData());

        run = env.ctl(profile, {QStringLiteral("export")});
        widget = widgetOf(run, id);
        QCOMPARE(widget.value(QStringLiteral("title")).toString(), QStringLiteral("Groceries"));
        QCOMPARE(widget.value(QStringLiteral("content")).toString(), QStringLiteral("- milk"));
        const QJsonObject settings = widget.value(QStringLiteral("settings")).toObject();
        QCOMPARE(settings.value(QStringLiteral("color")).toString(), QStringLiteral("red"));
        QVERIFY(settings.value(QStringLiteral("size")).isDouble());
        QCOMPARE(settings.value(QStringLiteral("size")).toInt(), 42);
        QCOMPARE(settings.value(QStringLiteral("ratio")).toDouble(), 0.1);
        QCOMPARE(settings.value(QStringLiteral("list")).toArray(),
                 (QJsonArray{1, QStringLiteral("a"), true}));
        QCOMPARE(settings.value(QStringLiteral("quoted")).toString(), QStringLiteral("42"));
        QCOMPARE(settings.value(QStringLiteral("flag")).toString(), QStringLiteral("--loud"));
        // Exported with the change counted as pending.
        QVERIFY(env.ctl(profile, {QStringLiteral("status")})
                    .json()
                    .value(QStringLiteral("pending"))
                    .toInt() > 0);

        // export FILE relative to the caller's directory, import into another profile.
        QTemporaryDir work;
        run = env.ctl(profile, {QStringLiteral("export"), QStringLiteral("backup.json")}, {},
                      work.path());
        QVERIFY2(run.exitCode == 0, run.describe().constData());
        QVERIFY(QFile::exists(work.filePath(QStringLiteral("backup.json"))));
        const QString other = newProfile();
        run = env.ctl(other, {QStringLiteral("import"), QStringLiteral("backup.json")}, {},
                      work.path());
        QVERIFY2(run.exitCode == 0, run.describe().constData());
        QCOMPARE(env.ctl(other, {QStringLiteral("export")}).out,
                 env.ctl(profile, {QStringLiteral("export")}).out);

        // Unknown ids fail with a message and change nothing.
        const QByteArray before = env.ctl(profile, {QStringLiteral("export")}).out;
        for (const QStringList& arguments :
             {QStringList{QStringLiteral("widget"), QStringLiteral("set"),
                          QStringLiteral("w0000000000000000"), QStringLiteral("title"),
                          QStringLiteral("x")},
              QStringList{QStringLiteral("widget"), QStringLiteral("remove"),
                          QStringLiteral("w0000000000000000")},
              QStringList{QStringLiteral("widget"), QStringLiteral("add"), QStringLiteral("note"),
                          QStringLiteral("--title"), QStringLiteral("x"),
                          QStringLiteral("--dashboard"), QStringLiteral("nope")}}) {
            run = env.ctl(profile, arguments);
            QVERIFY2(run.exitCode == 1, run.describe().constData());
            QVERIFY2(!run.err.isEmpty(), run.describe().constData());
        }
        QCOMPARE(env.ctl(profile, {QStringLiteral("export")}).out, before);

        run = env.ctl(profile, {QStringLiteral("widget"), QStringLiteral("remove"), id});
        QVERIFY2(run.exitCode == 0, run.describe().constData());
        QVERIFY2(run.outText().contains(id), run.describe().constData());
        run = env.ctl(profile, {QStringLiteral("export")});
        QVERIFY(firstDashboard(run).value(QStringLiteral("widgets")).toObject().isEmpty());
        QVERIFY(firstDashboard(run).value(QStringLiteral("layout")).toObject().isEmpty());
    }

    void importOfABrokenFileChangesNothing_data() {
        QTest::addColumn<QByteArray>("content");
        QTest::newRow("not JSON") << QByteArray("{\"schema\": 1, \"dashboards\": [");
        QTest::newRow("empty file") << QByteArray();
        QTest::newRow("an array") << QByteArray("[1, 2]");
        QTest::newRow("wrong shape") << QByteArray("{\"schema\": 1, \"dashboards\": 5}");
        QTest::newRow("content not a string") << QByteArray(
            "{\"schema\":1,\"dashboards\":[{\"id\":\"main\",\"title\":\"D\",\"widgets\":"
            "{\"w1\":{\"type\":\"note\",\"title\":\"t\",\"settings\":{},\"content\":5}},"
            "\"layout\":{}}],\"preferences\":{}}");
        QTest::newRow("newer schema")
            << QByteArray("{\"schema\":999,\"dashboards\":[],\"preferences\":{}}");
    }

    void importOfABrokenFileChangesNothing() {
        QFETCH(QByteArray, content);
        DeskboardEnvironment env;
        const QString profile = newProfile();
        QVERIFY(
            !addWidget(env, profile, QStringLiteral("todo"), QStringLiteral("Keep me")).isEmpty());
        const QByteArray before = env.ctl(profile, {QStringLiteral("export")}).out;
        const QByteArray statusBefore = env.ctl(profile, {QStringLiteral("status")}).out;

        QTemporaryDir work;
        QFile file(work.filePath(QStringLiteral("broken.json")));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(content);
        file.close();
        const CtlRun run = env.ctl(
            profile, {QStringLiteral("import"), QStringLiteral("broken.json")}, {}, work.path());
        QVERIFY2(run.exitCode == 1, run.describe().constData());
        QVERIFY2(run.errText().contains(QStringLiteral("Nothing changed")),
                 run.describe().constData());
        QCOMPARE(env.ctl(profile, {QStringLiteral("export")}).out, before);
        QCOMPARE(env.ctl(profile, {QStringLiteral("status")}).out, statusBefore);

        const CtlRun missing =
            env.ctl(profile, {QStringLiteral("import"), QStringLiteral("no-such-file.json")}, {},
                    work.path());
        QVERIFY2(missing.exitCode == 1, missing.describe().constData());
        QCOMPARE(env.ctl(profile, {QStringLiteral("export")}).out, before);
    }

    void placesNewWidgetsInTheFirstFreeCell() {
        using deskboard::sync::defaultRect;
        using deskboard::sync::firstFreeRect;
        DeskboardEnvironment env;
        const QString profile = newProfile();
        deskboard::sync::Layout expected;
        const QStringList types = {QStringLiteral("note"),  QStringLiteral("clock"),
                                   QStringLiteral("chart"), QStringLiteral("todo"),
                                   QStringLiteral("note"),  QStringLiteral("sysmon")};
        for (const auto& type : types) {
            const QString id = addWidget(env, profile, type, type);
            QVERIFY(!id.isEmpty());
            const auto size = defaultRect(type.toStdString());
            expected[id.toStdString()] = firstFreeRect(expected, size.w, size.h);
        }
        const CtlRun exported = env.ctl(profile, {QStringLiteral("export")});
        const deskboard::sync::Layout layout = layoutOf(exported);
        QCOMPARE(layout.size(), expected.size());
        for (const auto& [id, rect] : expected) {
            QVERIFY2(layout.at(id) == rect, id.c_str());
        }
        QVERIFY(!deskboard::sync::hasOverlaps(layout));
        // The first widget of an empty dashboard sits in the top-left corner.
        QCOMPARE(layout.begin() != layout.end(), true);
        bool topLeft = false;
        for (const auto& [id, rect] : layout) {
            topLeft = topLeft || (rect.x == 0 && rect.y == 0);
        }
        QVERIFY(topLeft);
    }

    void moveAndResizePushOverlappedTilesDown() {
        DeskboardEnvironment env;
        const QString profile = newProfile();
        const QString a = addWidget(env, profile, QStringLiteral("note"), QStringLiteral("A"));
        const QString b = addWidget(env, profile, QStringLiteral("note"), QStringLiteral("B"));
        QVERIFY(!a.isEmpty() && !b.isEmpty());
        CtlRun exported = env.ctl(profile, {QStringLiteral("export")});
        const auto rectA = rectOf(exported, a);
        const auto rectB = rectOf(exported, b);
        QCOMPARE(rectA.y, 0);
        QCOMPARE(rectB.y, 0);
        QVERIFY(rectB.x >= rectA.x + rectA.w);

        // Move B onto A: B keeps its new place, A goes below it.
        CtlRun run = env.ctl(profile, {QStringLiteral("widget"), QStringLiteral("set"), b,
                                       QStringLiteral("x"), QString::number(rectA.x)});
        QVERIFY2(run.exitCode == 0, run.describe().constData());
        QVERIFY2(run.outText().contains(QStringLiteral("pushed down")), run.describe().constData());
        exported = env.ctl(profile, {QStringLiteral("export")});
        QCOMPARE(rectOf(exported, b).x, rectA.x);
        QCOMPARE(rectOf(exported, b).y, 0);
        QVERIFY(rectOf(exported, a).y >= rectOf(exported, b).y + rectOf(exported, b).h);
        QVERIFY(!deskboard::sync::hasOverlaps(layoutOf(exported)));

        // A resize past the grid is kept on it, and pushes the tile it now covers.
        run = env.ctl(profile, {QStringLiteral("widget"), QStringLiteral("set"), a,
                                QStringLiteral("y"), QStringLiteral("0")});
        QVERIFY2(run.exitCode == 0, run.describe().constData());
        run = env.ctl(profile, {QStringLiteral("widget"), QStringLiteral("set"), a,
                                QStringLiteral("w"), QStringLiteral("50")});
        QVERIFY2(run.exitCode == 0, run.describe().constData());
        exported = env.ctl(profile, {QStringLiteral("export")});
        QCOMPARE(rectOf(exported, a).w, deskboard::sync::kGridColumns);
        QCOMPARE(rectOf(exported, a).x, 0);
        QCOMPARE(rectOf(exported, a).y, 0);
        QVERIFY(rectOf(exported, b).y >= rectOf(exported, a).h);
        QVERIFY(!deskboard::sync::hasOverlaps(layoutOf(exported)));

        run = env.ctl(profile, {QStringLiteral("widget"), QStringLiteral("set"), a,
                                QStringLiteral("x"), QStringLiteral("-3")});
        QVERIFY2(run.exitCode == 0, run.describe().constData());
        QCOMPARE(rectOf(env.ctl(profile, {QStringLiteral("export")}), a).x, 0);
        run = env.ctl(profile, {QStringLiteral("widget"), QStringLiteral("set"), a,
                                QStringLiteral("h"), QStringLiteral("2.5")});
        QCOMPARE(run.exitCode, 2);
    }

    void secondInvocationRunsInTheInstance() {
        DeskboardEnvironment env;
        const QString profile = newProfile();
        Instance instance(env, profile);
        QVERIFY2(instance.waitUntilAnswering(), instance.log().constData());

        // The instance holds the profile's store: a command that finishes at once ran there.
        CtlRun run =
            env.ctl(profile,
                    {QStringLiteral("widget"), QStringLiteral("add"), QStringLiteral("clock"),
                     QStringLiteral("--title"), QStringLiteral("Forwarded")},
                    {}, {}, 8000);
        QVERIFY2(run.exitCode == 0, run.describe().constData());
        const QString id = run.lastWord();

        // export FILE relative to this process's directory, written by the instance.
        QTemporaryDir work;
        run = env.ctl(profile, {QStringLiteral("export"), QStringLiteral("from-instance.json")}, {},
                      work.path());
        QVERIFY2(run.exitCode == 0, run.describe().constData());
        QFile file(work.filePath(QStringLiteral("from-instance.json")));
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QJsonObject document = QJsonDocument::fromJson(file.readAll()).object();
        QCOMPARE(document.value(QStringLiteral("dashboards"))
                     .toArray()
                     .first()
                     .toObject()
                     .value(QStringLiteral("widgets"))
                     .toObject()
                     .value(id)
                     .toObject()
                     .value(QStringLiteral("title"))
                     .toString(),
                 QStringLiteral("Forwarded"));

        // Usage errors and help are answered the same way.
        QCOMPARE(env.ctl(profile, {QStringLiteral("widget"), QStringLiteral("add")}).exitCode, 2);
        QCOMPARE(env.ctl(profile, {QStringLiteral("sync"), QStringLiteral("--help")}).exitCode, 0);
        // A command that fails in the instance exits 1 here.
        run = env.ctl(profile, {QStringLiteral("widget"), QStringLiteral("remove"),
                                QStringLiteral("w0000000000000000")});
        QVERIFY2(run.exitCode == 1, run.describe().constData());

        // A second instance on the profile exits 0 at once; the first keeps running.
        QElapsedTimer timer;
        timer.start();
        run = env.run(profile, {QStringLiteral("--headless")}, {}, {}, 15000);
        QVERIFY2(run.finished && run.exitCode == 0, run.describe().constData());
        QVERIFY2(timer.elapsed() < 10000, "the second instance did not exit at once");
        QCOMPARE(instance.process().state(), QProcess::Running);
        // A plain second deskboard (window mode) asks the first to raise its window.
        run = env.run(profile, {}, {}, {}, 15000);
        QVERIFY2(run.finished && run.exitCode == 0, run.describe().constData());
        QCOMPARE(instance.process().state(), QProcess::Running);

        // SIGTERM ends the instance cleanly; the edit it made is in the store.
        QCOMPARE(instance.stop(), 0);
        run = env.ctl(profile, {QStringLiteral("export")});
        QVERIFY2(run.exitCode == 0, run.describe().constData());
        QCOMPARE(widgetOf(run, id).value(QStringLiteral("title")).toString(),
                 QStringLiteral("Forwarded"));
    }

    void windowInstanceServesCtl() {
        DeskboardEnvironment env;
        const QString profile = newProfile();
        auto window = env.start(profile, {});
        QVERIFY(window->waitForStarted(10000));
        const QDeadlineTimer deadline(20000);
        bool answering = false;
        while (!answering && !deadline.hasExpired() && window->state() == QProcess::Running) {
            const CtlRun run = env.ctl(profile, {QStringLiteral("status")});
            answering =
                run.exitCode == 0 && !run.json()
                                          .value(QStringLiteral("keychain"))
                                          .toString()
                                          .contains(QStringLiteral("no deskboard instance"));
            if (!answering) {
                QTest::qWait(50);
            }
        }
        QVERIFY2(answering, window->readAllStandardError().constData());
        CtlRun run =
            env.ctl(profile,
                    {QStringLiteral("widget"), QStringLiteral("add"), QStringLiteral("note"),
                     QStringLiteral("--title"), QStringLiteral("From a script")},
                    {}, {}, 8000);
        QVERIFY2(run.exitCode == 0, run.describe().constData());
        // A second plain deskboard raises the window and exits 0.
        run = env.run(profile, {}, {}, {}, 15000);
        QVERIFY2(run.finished && run.exitCode == 0, run.describe().constData());
        QCOMPARE(window->state(), QProcess::Running);
        window->terminate();
        QVERIFY(window->waitForFinished(15000));
        QCOMPARE(window->exitCode(), 0);
    }

    void staleSocketIsReplaced() {
        DeskboardEnvironment env;
        const QString profile = newProfile();
        {
            Instance instance(env, profile);
            QVERIFY2(instance.waitUntilAnswering(), instance.log().constData());
            instance.kill();  // SIGKILL: the socket file stays behind
        }
        const QStringList sockets =
            QDir(env.runtimeDir() + QStringLiteral("/deskboard"))
                .entryList({QStringLiteral("*.sock")}, QDir::System | QDir::Files);
        QCOMPARE(sockets.size(), 1);

        // ctl finds no one answering and works in-process.
        CtlRun run = env.ctl(
            profile, {QStringLiteral("widget"), QStringLiteral("add"), QStringLiteral("note"),
                      QStringLiteral("--title"), QStringLiteral("Offline edit")});
        QVERIFY2(run.exitCode == 0, run.describe().constData());
        const QString id = run.lastWord();

        // A new instance takes the socket over and serves the same store.
        Instance again(env, profile);
        QVERIFY2(again.waitUntilAnswering(), again.log().constData());
        run = env.ctl(profile, {QStringLiteral("export")});
        QCOMPARE(widgetOf(run, id).value(QStringLiteral("title")).toString(),
                 QStringLiteral("Offline edit"));
    }

    void socketIsTheUsersAlone() {
        DeskboardEnvironment env;
        const QString profile = newProfile();
        Instance instance(env, profile);
        QVERIFY2(instance.waitUntilAnswering(), instance.log().constData());
        const QString dir = env.runtimeDir() + QStringLiteral("/deskboard");
        QCOMPARE(fileMode(dir), 0700);
        const QStringList sockets =
            QDir(dir).entryList({QStringLiteral("*.sock")}, QDir::System | QDir::Files);
        QCOMPARE(sockets.size(), 1);
        const int mode = fileMode(dir + QLatin1Char('/') + sockets.first());
        QVERIFY2(mode >= 0 && (mode & 0077) == 0, qPrintable(QString::number(mode, 8)));
        QCOMPARE(instance.stop(), 0);
        // A clean exit removes the socket.
        QVERIFY(
            QDir(dir).entryList({QStringLiteral("*.sock")}, QDir::System | QDir::Files).isEmpty());
    }

    void socketInTheProfileWithoutRuntimeDir() {
        DeskboardEnvironment env;
        env.withoutRuntimeDir();
        const QString profile = newProfile();
        Instance instance(env, profile);
        QVERIFY2(instance.waitUntilAnswering(), instance.log().constData());
        const QString dir = profile + QStringLiteral("/run");
        QCOMPARE(fileMode(dir), 0700);
        const int mode = fileMode(dir + QStringLiteral("/instance.sock"));
        QVERIFY2(mode >= 0 && (mode & 0077) == 0, qPrintable(QString::number(mode, 8)));
        const CtlRun run =
            env.ctl(profile,
                    {QStringLiteral("widget"), QStringLiteral("add"), QStringLiteral("note"),
                     QStringLiteral("--title"), QStringLiteral("Via the profile socket")},
                    {}, {}, 8000);
        QVERIFY2(run.exitCode == 0, run.describe().constData());
    }

    void concurrentCtlProcessesLoseNothing() {
        DeskboardEnvironment env;
        const QString profile = newProfile();
        constexpr int kPerLoop = 20;
        struct Loop {
            int started = 0;
            int succeeded = 0;
            QStringList failures;
            std::unique_ptr<QProcess> process;
        };
        Loop loops[2];
        std::function<void(Loop&, int)> next = [&](Loop& loop, int index) {
            if (loop.started == kPerLoop) {
                loop.process.reset();
                return;
            }
            const int n = loop.started++;
            loop.process = env.start(
                profile, {QStringLiteral("ctl"), QStringLiteral("widget"), QStringLiteral("add"),
                          QStringLiteral("note"), QStringLiteral("--title"),
                          QStringLiteral("loop %1 #%2").arg(index).arg(n)});
            QProcess* process = loop.process.get();
            QObject::connect(
                process, &QProcess::finished, process,
                [&loop, &next, index, process](int code, QProcess::ExitStatus status) {
                    if (code == 0 && status == QProcess::NormalExit) {
                        ++loop.succeeded;
                    } else {
                        loop.failures.append(QString::fromUtf8(process->readAllStandardError()));
                    }
                    QMetaObject::invokeMethod(
                        process, [&loop, &next, index] { next(loop, index); },
                        Qt::QueuedConnection);
                });
        };
        next(loops[0], 0);
        next(loops[1], 1);
        QTRY_VERIFY_WITH_TIMEOUT(loops[0].started == kPerLoop && loops[1].started == kPerLoop &&
                                     !loops[0].process && !loops[1].process,
                                 120000);
        QVERIFY2(loops[0].failures.isEmpty(),
                 qPrintable(loops[0].failures.join(QLatin1Char('\n'))));
        QVERIFY2(loops[1].failures.isEmpty(),
                 qPrintable(loops[1].failures.join(QLatin1Char('\n'))));
        QCOMPARE(loops[0].succeeded + loops[1].succeeded, 2 * kPerLoop);

        const CtlRun exported = env.ctl(profile, {QStringLiteral("export")});
        const QJsonObject widgets =
            firstDashboard(exported).value(QStringLiteral("widgets")).toObject();
        QCOMPARE(widgets.size(), 2 * kPerLoop);
        QSet<QString> titles;
        for (auto it = widgets.begin(); it != widgets.end(); ++it) {
            titles.insert(it.value().toObject().value(QStringLiteral("title")).toString());
        }
        QCOMPARE(titles.size(), 2 * kPerLoop);
        QVERIFY(!deskboard::sync::hasOverlaps(layoutOf(exported)));
    }

    void serverCommandsWithoutASessionSayHowToSignIn_data() {
        QTest::addColumn<QStringList>("arguments");
        QTest::newRow("sync") << words("sync --wait --timeout 5");
        QTest::newRow("workspace list") << words("workspace list");
        QTest::newRow("restore") << words("restore 3");
    }

    void serverCommandsWithoutASessionSayHowToSignIn() {
        QFETCH(QStringList, arguments);
        DeskboardEnvironment env;
        const CtlRun run = env.ctl(newProfile(), arguments, {}, {}, 30000);
        QVERIFY2(run.exitCode == 1, run.describe().constData());
        QVERIFY2(run.errText().contains(QStringLiteral("ctl login")), run.describe().constData());
    }

    void restoreOfAMissingSnapshotFails() {
        DeskboardEnvironment env;
        const CtlRun run =
            env.ctl(newProfile(), {QStringLiteral("restore"), QStringLiteral("snapshot:3")});
        QVERIFY2(run.exitCode == 1, run.describe().constData());
        QVERIFY2(run.errText().contains(QStringLiteral("history")), run.describe().constData());
    }

    void historyWithoutASessionListsSnapshots() {
        DeskboardEnvironment env;
        const CtlRun run = env.ctl(newProfile(), {QStringLiteral("history")});
        QVERIFY2(run.exitCode == 0, run.describe().constData());
        QVERIFY2(run.outText().contains(QStringLiteral("Local snapshots")),
                 run.describe().constData());
    }
};

QTEST_GUILESS_MAIN(CtlTest)
#include "tst_ctl.moc"
