// The sync engine against a real deskboard-server on a real redis-server (both on loopback,
// started here): saves, conflicts and merges between two machines, live updates, offline and
// back, crashes of the server and a hung Redis, token expiry and revocation, every restore case,
// a delete by another client, a seed-style raw client, and the debounce's POST count.
#include <memory>

#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <http_client.h>
#include <server_process.h>

#include <deskboard/protocol/canonical_json.h>
#include <deskboard/sync/dashboard_store.h>
#include <deskboard/sync/layout.h>
#include <deskboard/sync/merge.h>
#include <deskboard/sync/sync_engine.h>
#include <deskboard/sync/token_store.h>

using namespace deskboard::sync;
using deskboard::testing::HttpClient;
using deskboard::testing::RedisProcess;
using deskboard::testing::ServerProcess;

namespace {

const QByteArray kPassword = "correct horse battery";

// One computer: a profile folder with its store, token store (no keychain here: memory only)
// and engine.
struct Machine {
    explicit Machine(int debounceMs = 50) {
        auto settings = std::make_unique<DashboardStore>(dir.path());
        settings->setSetting(QStringLiteral("sync/debounceMs"), debounceMs);
        settings->setSetting(QStringLiteral("sync/pollMs"), 500);
        settings->setSetting(QStringLiteral("sync/requestTimeoutMs"), 3000);
        store = std::move(settings);
        tokens = std::make_unique<TokenStore>(dir.path(), 2000);
        engine = std::make_unique<SyncEngine>(store.get(), tokens.get());
        engine->start();
    }

    // Closes and reopens everything on the same folder: a restart of the app.
    void restart() {
        engine.reset();
        tokens.reset();
        store.reset();
        store = std::make_unique<DashboardStore>(dir.path());
        tokens = std::make_unique<TokenStore>(dir.path(), 2000);
        engine = std::make_unique<SyncEngine>(store.get(), tokens.get());
        engine->start();
    }

    bool signIn(const QString& server, const QString& user) {
        bool finished = false;
        bool succeeded = false;
        engine->signIn(QUrl(server), user, QString::fromLatin1(kPassword), false, false,
                       [&](bool ok, QString message) {
                           finished = true;
                           succeeded = ok;
                           if (!ok) {
                               qWarning("sign-in failed: %s", qPrintable(message));
                           }
                       });
        if (!QTest::qWaitFor([&] { return finished; }, 10000)) {
            qWarning("sign-in did not finish within 10 s");
        }
        return succeeded;
    }

    bool synced(int timeoutMs = 15000) {
        bool finished = false;
        bool succeeded = false;
        QString why;
        engine->whenSynced(timeoutMs, [&](bool ok, QString message) {
            finished = true;
            succeeded = ok;
            why = message;
        });
        if (!QTest::qWaitFor([&] { return finished; }, timeoutMs + 2000)) {
            qWarning("whenSynced did not answer");
        }
        if (!succeeded) {
            qWarning("not synced: %s", qPrintable(why));
        }
        return succeeded;
    }

    QString addNote(const QString& title, const QString& content) {
        Document next = store->document();
        Dashboard& dashboard = next.dashboards.front();
        const std::string id = newWidgetId();
        dashboard.widgets[id] =
            Widget{"note", title.toStdString(), nlohmann::json::object(), content.toStdString()};
        dashboard.layout[id] = firstFreeRect(dashboard.layout, 4, 3);
        store->commitEdit(std::move(next));
        return QString::fromStdString(id);
    }

    void setContent(const QString& id, const QString& content) {
        Document next = store->document();
        next.dashboardOfWidget(id.toStdString())->widgets[id.toStdString()].content =
            content.toStdString();
        store->commitEdit(std::move(next));
    }

    void remove(const QString& id) {
        Document next = store->document();
        Dashboard* dashboard = next.dashboardOfWidget(id.toStdString());
        dashboard->widgets.erase(id.toStdString());
        dashboard->layout.erase(id.toStdString());
        store->commitEdit(std::move(next));
    }

    std::string content(const QString& id) const {
        const Dashboard* dashboard = store->document().dashboardOfWidget(id.toStdString());
        return dashboard ? dashboard->widgets.at(id.toStdString()).content : std::string("<gone>");
    }

    // Every widget text of the document, to find a text wherever the merge put it.
    std::vector<std::string> texts() const {
        std::vector<std::string> all;
        for (const auto& dashboard : store->document().dashboards) {
            for (const auto& [id, widget] : dashboard.widgets) {
                all.push_back(widget.content);
            }
        }
        return all;
    }
    bool hasText(const std::string& text) const {
        const auto all = texts();
        return std::find(all.begin(), all.end(), text) != all.end();
    }

    QTemporaryDir dir;
    std::unique_ptr<DashboardStore> store;
    std::unique_ptr<TokenStore> tokens;
    std::unique_ptr<SyncEngine> engine;
};

}  // namespace

class SyncEngineTest : public QObject {
    Q_OBJECT

  private:
    std::unique_ptr<RedisProcess> redis_;
    std::unique_ptr<ServerProcess> server_;
    int users_ = 0;

    QString newUser() {
        const QString name = QStringLiteral("user%1").arg(++users_);
        server_->addUser(name, kPassword);
        return name;
    }

    // The server's copy for `user`, read with a plain HTTP client.
    nlohmann::json serverState(const QString& user, ServerProcess* server = nullptr) {
        HttpClient http((server ? server : server_.get())->baseUrl());
        const auto login =
            http.post(QStringLiteral("/api/auth/login"),
                      {{"username", user.toStdString()}, {"password", kPassword.toStdString()}});
        http.setToken(QByteArray::fromStdString(login.json()["accessToken"].get<std::string>()));
        const auto answer = http.get(QStringLiteral("/api/dashboard/state"));
        return answer.status == 200 ? answer.json() : nlohmann::json();
    }

    double metric(const QByteArray& prefix) {
        HttpClient http(server_->baseUrl());
        const auto answer = http.get(QStringLiteral("/metrics"));
        double total = 0;
        for (const QByteArray& line : answer.body.split('\n')) {
            if (line.startsWith(prefix)) {
                total += line.mid(line.lastIndexOf(' ') + 1).toDouble();
            }
        }
        return total;
    }

  private slots:
    void initTestCase() {
        redis_ = std::make_unique<RedisProcess>();
        server_ = std::make_unique<ServerProcess>(*redis_);
    }

    void editsReachTheServer() {
        const QString user = newUser();
        Machine machine;
        QCOMPARE(machine.engine->state(), SyncState::SignedOut);
        QVERIFY(machine.signIn(server_->baseUrl(), user));
        const QString id = machine.addNote(QStringLiteral("Groceries"), QStringLiteral("milk\n"));
        QVERIFY(machine.synced());
        const auto stored = serverState(user);
        QVERIFY(stored["state"] == toJson(machine.store->document()));
        QCOMPARE(machine.engine->status().pending, 0);
        QCOMPARE(machine.engine->state(), SyncState::Idle);
        QVERIFY(machine.store->lastSyncedVersion() >= 1);
        Q_UNUSED(id);
    }

    void anonymousDocumentMovesIntoTheAccount() {
        const QString user = newUser();
        Machine first;
        first.signIn(server_->baseUrl(), user);
        first.addNote(QStringLiteral("On the server"), QStringLiteral("server text"));
        QVERIFY(first.synced());

        Machine second;  // used without an account first
        second.addNote(QStringLiteral("Before sign-in"), QStringLiteral("local text"));
        QVERIFY(second.signIn(server_->baseUrl(), user));
        QVERIFY(second.synced());
        QVERIFY(second.hasText("local text"));
        QVERIFY(second.hasText("server text"));
        QTRY_VERIFY_WITH_TIMEOUT(first.hasText("local text"), 5000);
    }

    void twoMachinesConvergeAndKeepBothTexts() {
        const QString user = newUser();
        Machine a;
        Machine b;
        QVERIFY(a.signIn(server_->baseUrl(), user));
        const QString shared = a.addNote(QStringLiteral("Shared"), QStringLiteral("base\n"));
        QVERIFY(a.synced());
        QVERIFY(b.signIn(server_->baseUrl(), user));
        QVERIFY(b.synced());
        QCOMPARE(b.content(shared), std::string("base\n"));

        // Interleaved edits: different widgets, then the same text changed on both at once.
        const QString fromA = a.addNote(QStringLiteral("A"), QStringLiteral("from a"));
        const QString fromB = b.addNote(QStringLiteral("B"), QStringLiteral("from b"));
        a.setContent(shared, QStringLiteral("a's words"));
        b.setContent(shared, QStringLiteral("b's words"));
        QVERIFY(a.synced());
        QVERIFY(b.synced());
        QVERIFY(a.synced());
        QTRY_VERIFY_WITH_TIMEOUT(a.store->document() == b.store->document(), 10000);
        QCOMPARE(a.content(fromB), std::string("from b"));
        QCOMPARE(b.content(fromA), std::string("from a"));
        QVERIFY(a.hasText("a's words"));
        QVERIFY(a.hasText("b's words"));
        QVERIFY(serverState(user)["state"] == toJson(a.store->document()));
    }

    void liveEditArrivesThroughAnotherServerInstance() {
        ServerProcess second(*redis_);
        const QString user = newUser();
        Machine a;
        Machine b;
        QVERIFY(a.signIn(server_->baseUrl(), user));
        QVERIFY(b.signIn(second.baseUrl(), user));
        QVERIFY(a.synced());
        QTRY_VERIFY_WITH_TIMEOUT(b.engine->status().liveStream, 5000);
        a.addNote(QStringLiteral("Live"), QStringLiteral("live text"));
        QVERIFY(a.synced());
        // The goal is 2 s from the save; the figure is printed (docs/performance.md), and the
        // assertion only says the edit arrives by the stream (polling is at 500 ms here, so a
        // stream-less engine would also pass: the liveStream check above is what proves it).
        QElapsedTimer clock;
        clock.start();
        QTRY_VERIFY_WITH_TIMEOUT(b.hasText("live text"), 10000);
        qInfo("live edit arrived after %lld ms", static_cast<long long>(clock.elapsed()));
    }

    void offlineThenBack() {
        const QString user = newUser();
        Machine machine;
        QVERIFY(machine.signIn(server_->baseUrl(), user));
        QVERIFY(machine.synced());
        server_->stop();
        machine.addNote(QStringLiteral("Offline"), QStringLiteral("written offline"));
        QTRY_COMPARE_WITH_TIMEOUT(machine.engine->state(), SyncState::Offline, 10000);
        QVERIFY(machine.engine->status().summary().contains(QStringLiteral("Offline")));
        QVERIFY(machine.engine->status().pending >= 1);
        server_->restart();
        QVERIFY(machine.synced(20000));
        QVERIFY(serverState(user)["state"] == toJson(machine.store->document()));
    }

    void serverKilledDuringSaves() {
        const QString user = newUser();
        Machine machine;
        QVERIFY(machine.signIn(server_->baseUrl(), user));
        QVERIFY(machine.synced());
        const QString id = machine.addNote(QStringLiteral("Crash"), QStringLiteral("0"));
        for (int i = 1; i <= 5; ++i) {
            machine.setContent(id, QString::number(i));
            machine.engine->syncNow();
            server_->kill();
            server_->restart();
        }
        QVERIFY(machine.synced(30000));
        QCOMPARE(machine.content(id), std::string("5"));
        QVERIFY(serverState(user)["state"] == toJson(machine.store->document()));
    }

    void hungRedis() {
        const QString user = newUser();
        Machine machine;
        QVERIFY(machine.signIn(server_->baseUrl(), user));
        QVERIFY(machine.synced());
        redis_->pause();
        machine.addNote(QStringLiteral("Hung"), QStringLiteral("while redis sleeps"));
        QTRY_COMPARE_WITH_TIMEOUT(machine.engine->state(), SyncState::Offline, 15000);
        redis_->resume();
        QVERIFY(machine.synced(30000));
        QVERIFY(serverState(user)["state"] == toJson(machine.store->document()));
    }

    void shortLivedAccessTokens() {
        ServerProcess shortLived(
            *redis_, {{QStringLiteral("DESKBOARD_ACCESS_TOKEN_TTL"), QStringLiteral("2")}});
        const QString user = newUser();
        Machine machine;
        QVERIFY(machine.signIn(shortLived.baseUrl(), user));
        const QString id = machine.addNote(QStringLiteral("Tick"), QStringLiteral("0"));
        QElapsedTimer clock;
        clock.start();
        int step = 0;
        while (clock.elapsed() < 10000) {
            machine.setContent(id, QString::number(++step));
            QVERIFY(machine.synced());
            QTest::qWait(700);  // let tokens expire between saves: the point of the test
        }
        QCOMPARE(machine.engine->state(), SyncState::Idle);
        QVERIFY(serverState(user, &shortLived)["state"] == toJson(machine.store->document()));
    }

    void revokedLoginKeepsEditsForTheNextSignIn() {
        const QString user = newUser();
        Machine machine;
        QVERIFY(machine.signIn(server_->baseUrl(), user));
        QVERIFY(machine.synced());
        // Another party revokes this login (as a logout elsewhere with its token would).
        HttpClient http(server_->baseUrl());
        http.setToken(machine.engine->api()->accessToken().toLatin1());
        QCOMPARE(http.post(QStringLiteral("/api/auth/logout"), nlohmann::json::object()).status,
                 200);
        machine.addNote(QStringLiteral("Kept"), QStringLiteral("kept for later"));
        QTRY_COMPARE_WITH_TIMEOUT(machine.engine->state(), SyncState::SignedOut, 10000);
        QVERIFY(machine.hasText("kept for later"));
        QVERIFY(machine.signIn(server_->baseUrl(), user));
        QVERIFY(machine.synced());
        QVERIFY(serverState(user)["state"] == toJson(machine.store->document()));
    }

    void restoreCases() {
        const QString user = newUser();
        Machine a;
        // Server empty -> push local.
        a.addNote(QStringLiteral("First"), QStringLiteral("pushed at sign-in"));
        QVERIFY(a.signIn(server_->baseUrl(), user));
        QVERIFY(a.synced());
        QVERIFY(serverState(user)["state"] == toJson(a.store->document()));

        // Server newer, no local edits -> apply the server's (after a restart with the session
        // from memory gone: sign in again).
        Machine b;
        QVERIFY(b.signIn(server_->baseUrl(), user));
        QVERIFY(b.synced());
        QVERIFY(b.hasText("pushed at sign-in"));
        a.addNote(QStringLiteral("Second"), QStringLiteral("newer on server"));
        QVERIFY(a.synced());
        QTRY_VERIFY_WITH_TIMEOUT(b.hasText("newer on server"), 5000);

        // Local edits pending while signed out -> merged and pushed at the next sign-in.
        bool out = false;
        b.engine->signOut([&](bool, QString) { out = true; });
        QTRY_VERIFY(out);
        b.addNote(QStringLiteral("Offline edit"), QStringLiteral("made while signed out"));
        a.addNote(QStringLiteral("Meanwhile"), QStringLiteral("made on a"));
        QVERIFY(a.synced());
        QVERIFY(b.signIn(server_->baseUrl(), user));
        QVERIFY(b.synced());
        QVERIFY(b.hasText("made while signed out"));
        QVERIFY(b.hasText("made on a"));
        QTRY_VERIFY_WITH_TIMEOUT(a.hasText("made while signed out"), 5000);
    }

    void deleteByAnotherClientWipesNothing() {
        const QString user = newUser();
        Machine machine;
        QVERIFY(machine.signIn(server_->baseUrl(), user));
        machine.addNote(QStringLiteral("Precious"), QStringLiteral("do not lose me"));
        QVERIFY(machine.synced());
        HttpClient http(server_->baseUrl());
        const auto login =
            http.post(QStringLiteral("/api/auth/login"),
                      {{"username", user.toStdString()}, {"password", kPassword.toStdString()}});
        http.setToken(QByteArray::fromStdString(login.json()["accessToken"].get<std::string>()));
        QCOMPARE(http.del(QStringLiteral("/api/dashboard/state")).status, 200);
        // The event stream announces the delete; the engine pushes its copy again.
        QTRY_VERIFY_WITH_TIMEOUT(serverState(user).contains("state"), 10000);
        QVERIFY(machine.hasText("do not lose me"));
        QVERIFY(machine.synced());
        QVERIFY(serverState(user)["state"] == toJson(machine.store->document()));
    }

    void seedStyleClientAndEngineLoseNothing() {
        const QString user = newUser();
        Machine machine;
        QVERIFY(machine.signIn(server_->baseUrl(), user));
        machine.addNote(QStringLiteral("Engine"), QStringLiteral("engine text"));
        QVERIFY(machine.synced());

        // A raw client as the seed wrote them: read, add a widget, POST version = server + 1,
        // no checksum.
        HttpClient http(server_->baseUrl());
        const auto login =
            http.post(QStringLiteral("/api/auth/login"),
                      {{"username", user.toStdString()}, {"password", kPassword.toStdString()}});
        http.setToken(QByteArray::fromStdString(login.json()["accessToken"].get<std::string>()));
        for (int round = 0; round < 3; ++round) {
            auto current = http.get(QStringLiteral("/api/dashboard/state")).json();
            auto state = current["state"];
            const std::string id = "raw" + std::to_string(round);
            state["dashboards"][0]["widgets"][id] = {
                {"type", "note"},
                {"title", "Raw"},
                {"settings", nlohmann::json::object()},
                {"content", "raw text " + std::to_string(round)}};
            state["dashboards"][0]["layout"][id] = {
                {"x", 0}, {"y", 20 + 3 * round}, {"w", 4}, {"h", 3}};
            const auto saved = http.post(
                QStringLiteral("/api/dashboard/state"),
                {{"version", current["version"].get<std::int64_t>() + 1}, {"state", state}});
            QCOMPARE(saved.status, 200);
            machine.addNote(QStringLiteral("Engine %1").arg(round),
                            QStringLiteral("engine round %1").arg(round));
            QVERIFY(machine.synced());
        }
        for (int round = 0; round < 3; ++round) {
            QVERIFY(machine.hasText("raw text " + std::to_string(round)));
            QVERIFY(machine.hasText("engine round " + std::to_string(round)));
        }
        QVERIFY(serverState(user)["state"] == toJson(machine.store->document()));
    }

    void hundredEditsCauseAtMostFourPosts() {
        const QString user = newUser();
        Machine machine(1500);  // the default quiet period
        QVERIFY(machine.signIn(server_->baseUrl(), user));
        QVERIFY(machine.synced());
        const QString id = machine.addNote(QStringLiteral("Typing"), QString());
        QVERIFY(machine.synced());
        const QByteArray posts =
            "deskboard_http_requests_total{route=\"/api/dashboard/state\","
            "method=\"POST\"";
        const double before = metric(posts);
        QElapsedTimer clock;
        clock.start();
        QString text;
        for (int i = 0; i < 100; ++i) {
            text += QLatin1Char('a' + i % 26);
            machine.setContent(id, text);
            QTest::qWait(45);  // a person typing: 100 keystrokes in about 5 s
        }
        const qint64 typing = clock.elapsed();
        QVERIFY(machine.synced());
        const double sent = metric(posts) - before;
        qInfo("100 edits in %lld ms caused %g POSTs", static_cast<long long>(typing), sent);
        QVERIFY(sent <= 4);
        QVERIFY(serverState(user)["state"] == toJson(machine.store->document()));
    }

    void massRemovalIsFlaggedForAnUndoNotice() {
        const QString user = newUser();
        Machine a;
        Machine b;
        QVERIFY(a.signIn(server_->baseUrl(), user));
        QStringList ids;
        for (int i = 0; i < 5; ++i) {
            ids << a.addNote(QStringLiteral("N%1").arg(i), QStringLiteral("text %1").arg(i));
        }
        QVERIFY(a.synced());
        QVERIFY(b.signIn(server_->baseUrl(), user));
        QVERIFY(b.synced());
        QSignalSpy applied(a.engine.get(), &SyncEngine::remoteApplied);
        for (int i = 0; i < 4; ++i) {
            b.remove(ids[i]);
        }
        QVERIFY(b.synced());
        QTRY_VERIFY_WITH_TIMEOUT(!applied.isEmpty(), 5000);
        QCOMPARE(applied.last().at(0).toInt(), 4);
        QVERIFY(applied.last().at(1).toBool());
        // The snapshot taken before applying brings them back, as a new edit that syncs.
        QVERIFY(a.engine->restoreSnapshot(1));
        QCOMPARE(a.store->document().widgetCount(), std::size_t{5});
        QVERIFY(a.synced());
        QTRY_COMPARE_WITH_TIMEOUT(b.store->document().widgetCount(), std::size_t{5}, 5000);
    }

    void staleDeviceAsksBeforeMerging() {
        const QString user = newUser();
        Machine a;
        Machine b;
        QVERIFY(a.signIn(server_->baseUrl(), user));
        a.addNote(QStringLiteral("A"), QStringLiteral("on a"));
        QVERIFY(a.synced());
        QVERIFY(b.signIn(server_->baseUrl(), user));
        QVERIFY(b.synced());
        bool out = false;
        b.engine->signOut([&](bool, QString) { out = true; });
        QTRY_VERIFY(out);
        b.addNote(QStringLiteral("B"), QStringLiteral("made long ago on b"));
        a.addNote(QStringLiteral("A2"), QStringLiteral("newer on a"));
        QVERIFY(a.synced());
        // b last synced 30 days ago (as if it had been in a drawer since).
        const QString file = b.dir.path() + QStringLiteral("/scopes/") +
                             b.store->scope().folderName() + QStringLiteral("/document.ini");
        b.engine.reset();
        b.tokens.reset();
        b.store.reset();
        {
            QSettings ini(file, QSettings::IniFormat);
            ini.setValue(QStringLiteral("sync/lastSyncedAt"),
                         QDateTime::currentDateTimeUtc().addDays(-30).toString(Qt::ISODateWithMs));
        }
        b.store = std::make_unique<DashboardStore>(b.dir.path());
        b.tokens = std::make_unique<TokenStore>(b.dir.path(), 2000);
        b.engine = std::make_unique<SyncEngine>(b.store.get(), b.tokens.get());
        b.engine->start();
        QSignalSpy asked(b.engine.get(), &SyncEngine::needsDecision);
        QVERIFY(b.signIn(server_->baseUrl(), user));
        QTRY_VERIFY_WITH_TIMEOUT(!asked.isEmpty(), 5000);
        QCOMPARE(b.engine->state(), SyncState::NeedsDecision);
        QVERIFY(!b.hasText("newer on a"));  // nothing merged silently
        b.engine->resolveDecision(Decision::Merge);
        QVERIFY(b.synced());
        QVERIFY(b.hasText("newer on a"));
        QVERIFY(b.hasText("made long ago on b"));
    }

    void cleanupTestCase() {
        server_.reset();
        redis_.reset();
    }
};

QTEST_GUILESS_MAIN(SyncEngineTest)
#include "tst_sync_engine.moc"
