// The administration command line of deskboard-server (user add/passwd/del/list, workspace
// add/list/grant/revoke) against a real Redis, with its effects checked through a running
// deskboard-server on the same Redis: passwords come from standard input only and are never
// echoed, exit codes are 0 done / 1 failed / 2 bad usage or configuration, and an unreachable
// Redis is a quick failure naming Redis.
#include <QElapsedTimer>
#include <QRegularExpression>
#include <QTest>
#include <http_client.h>
#include <qtest_json.h>
#include <server_process.h>

using namespace deskboard::testing;

namespace {

using Headers = QList<QPair<QByteArray, QByteArray>>;

const QString kLogin = QStringLiteral("/api/auth/login");
const QString kState = QStringLiteral("/api/dashboard/state");

// Every password this suite hands the command line, to check no output ever echoes one.
QList<QByteArray>& passwordsUsed() {
    static QList<QByteArray> passwords;
    return passwords;
}

QByteArray password(const char* text) {
    const QByteArray value(text);
    passwordsUsed().append(value);
    return value;
}

QStringList args(std::initializer_list<const char*> words) {
    QStringList list;
    for (const char* word : words) {
        list.append(QString::fromUtf8(word));
    }
    return list;
}

// Runs deskboard-server ARGS with the system environment plus `environment`.
CommandRun runWith(const QMap<QString, QString>& environment, const QStringList& arguments,
                   const QByteArray& input = {}, int timeoutMs = 30000) {
    QProcess process;
    auto env = QProcessEnvironment::systemEnvironment();
    for (auto it = environment.begin(); it != environment.end(); ++it) {
        env.insert(it.key(), it.value());
    }
    process.setProcessEnvironment(env);
    process.start(ServerProcess::binary(), arguments);
    CommandRun run;
    if (!process.waitForStarted(10000)) {
        return run;
    }
    process.write(input);
    process.closeWriteChannel();
    if (!process.waitForFinished(timeoutMs)) {
        process.kill();
        process.waitForFinished();
        return run;
    }
    run.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    run.out = process.readAllStandardOutput();
    run.err = process.readAllStandardError();
    return run;
}

QByteArray describe(const CommandRun& run) {
    return "exit " + QByteArray::number(run.exitCode) + "\nstdout: " + run.out +
           "\nstderr: " + run.err;
}

// "id\tname" lines of the command line's output.
QList<QPair<QString, QString>> rows(const QByteArray& output) {
    QList<QPair<QString, QString>> parsed;
    for (const QByteArray& line : output.split('\n')) {
        if (line.isEmpty()) {
            continue;
        }
        const qsizetype tab = line.indexOf('\t');
        parsed.append({QString::fromUtf8(line.left(tab)),
                       tab < 0 ? QString() : QString::fromUtf8(line.mid(tab + 1))});
    }
    return parsed;
}

bool isIdentifier(const QString& id) {
    static const QRegularExpression rule(QStringLiteral("^[A-Za-z0-9_-]{1,64}$"));
    return rule.match(id).hasMatch();
}

}  // namespace

class ApiCliTest : public QObject {
    Q_OBJECT

  private:
    std::unique_ptr<RedisProcess> redis_;
    std::unique_ptr<ServerProcess> server_;
    QList<CommandRun> runs_;  // every run, for the no-echo check at the end

    CommandRun cli(const QStringList& arguments, const QByteArray& input = {}) {
        const auto run = server_->command(arguments, input);
        runs_.append(run);
        return run;
    }

    HttpAnswer login(const QString& name, const QByteArray& secret) {
        HttpClient client(server_->baseUrl());
        return client.post(kLogin,
                           {{"username", name.toStdString()}, {"password", secret.toStdString()}});
    }

    QByteArray accessToken(const QString& name, const QByteArray& secret) {
        const auto answer = login(name, secret);
        if (answer.status != 200) {
            return {};
        }
        return QByteArray::fromStdString(answer.json()["accessToken"].get<std::string>());
    }

    std::unique_ptr<HttpClient> clientWith(const QByteArray& token) {
        auto client = std::make_unique<HttpClient>(server_->baseUrl());
        client->setToken(token);
        return client;
    }

    QStringList userNames() {
        QStringList names;
        for (const auto& [id, name] : rows(cli(args({"user", "list"})).out)) {
            names.append(name);
        }
        return names;
    }

    // The id of `user`'s workspace called `name` (from `workspace list USER`).
    QString workspaceId(const QString& user, const QString& name) {
        for (const auto& [id, workspace] :
             rows(cli({QStringLiteral("workspace"), QStringLiteral("list"), user}).out)) {
            if (workspace == name) {
                return id;
            }
        }
        return {};
    }

  private slots:
    void initTestCase() {
        redis_ = std::make_unique<RedisProcess>();
        server_ = std::make_unique<ServerProcess>(*redis_);
    }

    void cleanupTestCase() {
        QCOMPARE(server_->stop(), 0);
        const QByteArray log = server_->log();
        for (const QByteArray& secret : passwordsUsed()) {
            QVERIFY2(!log.contains(secret), secret.constData());
        }
    }

    void userAddTakesThePasswordFromStandardInput() {
        const QByteArray secret = password("alice password 1");
        const auto run = cli(args({"user", "add", "alice"}), secret + "\r\n");
        QVERIFY2(run.exitCode == 0, describe(run).constData());
        QVERIFY2(run.out.startsWith("created user alice ("), run.out.constData());
        QVERIFY(run.err.isEmpty());
        // CR LF stripped: exactly the first line is the password.
        QCOMPARE(login(QStringLiteral("alice"), secret).status, 200);
        QCOMPARE(login(QStringLiteral("alice"), secret + '\r').status, 401);
        // The id printed is the user's id.
        const QString id = QString::fromUtf8(run.out.mid(run.out.indexOf('(') + 1))
                               .section(QLatin1Char(')'), 0, 0);
        QVERIFY2(isIdentifier(id), qPrintable(id));
        QCOMPARE(
            QString::fromStdString(
                login(QStringLiteral("alice"), secret).json()["user"]["id"].get<std::string>()),
            id);
    }

    void userAddReadsOnlyTheFirstLine() {
        const QByteArray secret = password("bob password 22");
        const auto run = cli(args({"user", "add", "Bob"}), secret + "\nsecond line\n");
        QVERIFY2(run.exitCode == 0, describe(run).constData());
        QCOMPARE(login(QStringLiteral("bob"), secret).status, 200);
        QCOMPARE(login(QStringLiteral("bob"), secret + "\nsecond line").status, 401);
        // A last line without a newline is fine too.
        const QByteArray carl = password("carl password 3");
        QCOMPARE(cli(args({"user", "add", "carl"}), carl).exitCode, 0);
        QCOMPARE(login(QStringLiteral("carl"), carl).status, 200);
    }

    void userAddRefusesBadPasswords_data() {
        QTest::addColumn<QByteArray>("input");
        QTest::newRow("no standard input") << QByteArray();
        QTest::newRow("too short") << QByteArray(password("short7!") + '\n');
        QTest::newRow("too short after CR LF") << QByteArray(password("short7!") + "\r\n");
        QTest::newRow("empty line") << QByteArray("\n");
        QTest::newRow("password on the second line")
            << QByteArray("\n" + password("second line pw"));
        QTest::newRow("too long") << QByteArray(QByteArray(1025, 'p') + '\n');
    }

    void userAddRefusesBadPasswords() {
        QFETCH(QByteArray, input);
        const auto run = cli(args({"user", "add", "dora"}), input);
        QVERIFY2(run.exitCode == 2, describe(run).constData());
        QVERIFY(run.out.isEmpty());
        QVERIFY2(run.err.contains("password") || run.err.contains("standard input"),
                 run.err.constData());
        QVERIFY(!userNames().contains(QStringLiteral("dora")));
    }

    void thePasswordIsNeverAnArgument() {
        const QByteArray secret = password("argument password");
        const auto run = cli({QStringLiteral("user"), QStringLiteral("add"), QStringLiteral("eve"),
                              QString::fromUtf8(secret)},
                             secret + '\n');
        QVERIFY2(run.exitCode == 2, describe(run).constData());
        QVERIFY(!userNames().contains(QStringLiteral("eve")));
    }

    void userAddRefusesDuplicates_data() {
        QTest::addColumn<QString>("name");
        QTest::newRow("same") << QStringLiteral("alice");
        QTest::newRow("other case") << QStringLiteral("ALICE");
    }

    void userAddRefusesDuplicates() {
        QFETCH(QString, name);
        const auto run = cli({QStringLiteral("user"), QStringLiteral("add"), name},
                             password("another password") + '\n');
        QVERIFY2(run.exitCode == 1, describe(run).constData());
        QVERIFY2(run.err.contains("taken"), run.err.constData());
        QVERIFY(run.out.isEmpty());
        // The first account is untouched.
        QCOMPARE(login(QStringLiteral("alice"), QByteArray("alice password 1")).status, 200);
        QCOMPARE(login(QStringLiteral("alice"), QByteArray("another password")).status, 401);
    }

    void userAddRefusesBadNames_data() {
        QTest::addColumn<QString>("name");
        QTest::newRow("space") << QStringLiteral("bad name");
        QTest::newRow("colon") << QStringLiteral("bad:name");
        QTest::newRow("brace") << QStringLiteral("bad}name");
        QTest::newRow("65 characters") << QString(65, QLatin1Char('n'));
        QTest::newRow("empty") << QString();
    }

    void userAddRefusesBadNames() {
        QFETCH(QString, name);
        const auto run = cli({QStringLiteral("user"), QStringLiteral("add"), name},
                             password("good password") + '\n');
        QVERIFY2(run.exitCode == 2, describe(run).constData());
        QVERIFY2(run.err.contains("user name"), run.err.constData());
    }

    void userListIsSortedAndTabSeparated() {
        QCOMPARE(cli(args({"user", "add", "Zed"}), password("zed password") + '\n').exitCode, 0);
        QCOMPARE(cli(args({"user", "add", "mike"}), password("mike password") + '\n').exitCode, 0);
        const auto run = cli(args({"user", "list"}));
        QVERIFY2(run.exitCode == 0, describe(run).constData());
        QVERIFY(run.out.endsWith('\n'));
        const auto listed = rows(run.out);
        QStringList names;
        for (const auto& [id, name] : listed) {
            QVERIFY2(isIdentifier(id), qPrintable(id));
            names.append(name);
        }
        QCOMPARE(names, (QStringList{QStringLiteral("alice"), QStringLiteral("bob"),
                                     QStringLiteral("carl"), QStringLiteral("mike"),
                                     QStringLiteral("zed")}));
        // Each id is the id the server answers at login.
        for (const auto& [id, name] : listed) {
            if (name == QStringLiteral("zed")) {
                const auto answer = login(name, QByteArray("zed password"));
                QCOMPARE(QString::fromStdString(answer.json()["user"]["id"].get<std::string>()),
                         id);
            }
        }
        QVERIFY(run.err.isEmpty());
    }

    void userPasswdChangesThePasswordAndRevokesLogins() {
        const QByteArray oldSecret("alice password 1");
        const auto before = login(QStringLiteral("alice"), oldSecret).json();
        const QByteArray access =
            QByteArray::fromStdString(before["accessToken"].get<std::string>());
        const std::string refresh = before["refreshToken"].get<std::string>();
        QCOMPARE(clientWith(access)->get(QStringLiteral("/api/workspaces")).status, 200);

        const QByteArray newSecret = password("alice password 2");
        const auto run = cli(args({"user", "passwd", "ALICE"}), newSecret + "\r\n");
        QVERIFY2(run.exitCode == 0, describe(run).constData());
        QVERIFY2(run.out.contains("alice"), run.out.constData());

        const auto old = login(QStringLiteral("alice"), oldSecret);
        QCOMPARE(old.status, 401);
        QCOMPARE(old.error(), std::string("invalid_credentials"));
        QCOMPARE(login(QStringLiteral("alice"), newSecret).status, 200);
        // Logins made with the old password are revoked.
        QCOMPARE(clientWith(access)->get(QStringLiteral("/api/workspaces")).status, 401);
        HttpClient anonymous(server_->baseUrl());
        const auto refreshed =
            anonymous.post(QStringLiteral("/api/auth/refresh"), {{"refreshToken", refresh}});
        QCOMPARE(refreshed.status, 401);
        QCOMPARE(refreshed.error(), std::string("invalid_refresh_token"));
    }

    void userPasswdRefusesBadInput() {
        const auto unknown =
            cli(args({"user", "passwd", "nobody"}), password("nobody password") + '\n');
        QVERIFY2(unknown.exitCode == 1, describe(unknown).constData());
        QVERIFY2(unknown.err.contains("nobody"), unknown.err.constData());
        const auto tooShort = cli(args({"user", "passwd", "alice"}), QByteArray("short\n"));
        QVERIFY2(tooShort.exitCode == 2, describe(tooShort).constData());
        const auto none = cli(args({"user", "passwd", "alice"}));
        QVERIFY2(none.exitCode == 2, describe(none).constData());
        QCOMPARE(login(QStringLiteral("alice"), QByteArray("alice password 2")).status, 200);
    }

    void userDelRemovesTheUser() {
        const QByteArray secret = password("victim password");
        QCOMPARE(cli(args({"user", "add", "victim"}), secret + '\n').exitCode, 0);
        const QByteArray access = accessToken(QStringLiteral("victim"), secret);
        QVERIFY(!access.isEmpty());

        const auto run = cli(args({"user", "del", "Victim"}));
        QVERIFY2(run.exitCode == 0, describe(run).constData());
        QVERIFY2(run.out.startsWith("deleted user victim ("), run.out.constData());

        const auto answer = login(QStringLiteral("victim"), secret);
        QCOMPARE(answer.status, 401);
        QCOMPARE(answer.error(), std::string("invalid_credentials"));
        QCOMPARE(clientWith(access)->get(QStringLiteral("/api/workspaces")).status, 401);
        QVERIFY(!userNames().contains(QStringLiteral("victim")));
        // Gone: deleting again fails; the name can be taken anew.
        const auto again = cli(args({"user", "del", "victim"}));
        QVERIFY2(again.exitCode == 1, describe(again).constData());
        QVERIFY2(again.err.contains("victim"), again.err.constData());
        QCOMPARE(
            cli(args({"user", "add", "victim"}), password("victim password 2") + '\n').exitCode, 0);
        QCOMPARE(login(QStringLiteral("victim"), secret).status, 401);
        QCOMPARE(cli(args({"user", "del", "victim"})).exitCode, 0);
    }

    void workspaceAddPrintsIdAndName() {
        const auto run = cli({QStringLiteral("workspace"), QStringLiteral("add"),
                              QStringLiteral("Alice"), QStringLiteral("Team board")});
        QVERIFY2(run.exitCode == 0, describe(run).constData());
        const auto added = rows(run.out);
        QCOMPARE(added.size(), qsizetype(1));
        QVERIFY(isIdentifier(added[0].first));
        QCOMPARE(added[0].second, QStringLiteral("Team board"));
        // The owner sees it through the server.
        const QByteArray access = accessToken(QStringLiteral("alice"), "alice password 2");
        const auto listed = clientWith(access)->get(QStringLiteral("/api/workspaces")).json();
        const nlohmann::json expected{{"id", added[0].first.toStdString()}, {"name", "Team board"}};
        const auto& workspaces = listed["workspaces"];
        QVERIFY2(std::find(workspaces.begin(), workspaces.end(), expected) != workspaces.end(),
                 listed.dump().c_str());
        QCOMPARE(
            clientWith(access)->get(kState, {{"X-Workspace-Id", added[0].first.toUtf8()}}).status,
            404);
    }

    void workspaceAddRefusesUnknownOwnersAndBadNames() {
        const auto unknown = cli({QStringLiteral("workspace"), QStringLiteral("add"),
                                  QStringLiteral("nobody"), QStringLiteral("Team")});
        QVERIFY2(unknown.exitCode == 1, describe(unknown).constData());
        QVERIFY2(unknown.err.contains("nobody"), unknown.err.constData());
        QVERIFY(unknown.out.isEmpty());
        const auto empty = cli({QStringLiteral("workspace"), QStringLiteral("add"),
                                QStringLiteral("alice"), QString()});
        QVERIFY2(empty.exitCode == 1 || empty.exitCode == 2, describe(empty).constData());
        QVERIFY2(empty.err.contains("name"), empty.err.constData());
        const auto tooLong = cli({QStringLiteral("workspace"), QStringLiteral("add"),
                                  QStringLiteral("alice"), QString(101, QLatin1Char('w'))});
        QVERIFY2(tooLong.exitCode == 1 || tooLong.exitCode == 2, describe(tooLong).constData());
        const auto missing = cli(args({"workspace", "add", "alice"}));
        QVERIFY2(missing.exitCode == 2, describe(missing).constData());
        QCOMPARE(rows(cli(args({"workspace", "list", "alice"})).out).size(), qsizetype(2));
    }

    void workspaceListShowsAUsersWorkspacesOrAll() {
        const auto alice = cli(args({"workspace", "list", "alice"}));
        QVERIFY2(alice.exitCode == 0, describe(alice).constData());
        const auto aliceRows = rows(alice.out);
        QCOMPARE(aliceRows.size(), qsizetype(2));
        QCOMPARE(aliceRows[0].second, QStringLiteral("Personal"));
        QCOMPARE(aliceRows[1].second, QStringLiteral("Team board"));
        // The same list the server gives the user.
        const QByteArray access = accessToken(QStringLiteral("alice"), "alice password 2");
        const auto listed =
            clientWith(access)->get(QStringLiteral("/api/workspaces")).json()["workspaces"];
        QCOMPARE(listed.size(), std::size_t{2});
        for (const auto& [id, name] : aliceRows) {
            const nlohmann::json entry{{"id", id.toStdString()}, {"name", name.toStdString()}};
            QVERIFY(std::find(listed.begin(), listed.end(), entry) != listed.end());
        }

        const auto all = cli(args({"workspace", "list"}));
        QVERIFY2(all.exitCode == 0, describe(all).constData());
        const auto allRows = rows(all.out);
        // One personal workspace per user, plus alice's team board, each listed once.
        const qsizetype users = userNames().size();
        QCOMPARE(allRows.size(), users + 1);
        QSet<QString> ids;
        for (const auto& [id, name] : allRows) {
            QVERIFY(isIdentifier(id));
            ids.insert(id);
        }
        QCOMPARE(ids.size(), allRows.size());
        for (const auto& row : aliceRows) {
            QVERIFY(allRows.contains(row));
        }

        const auto unknown = cli(args({"workspace", "list", "nobody"}));
        QVERIFY2(unknown.exitCode == 1, describe(unknown).constData());
        QVERIFY2(unknown.err.contains("nobody"), unknown.err.constData());
    }

    void workspaceGrantAndRevokeControlAccess() {
        const QString team = workspaceId(QStringLiteral("alice"), QStringLiteral("Team board"));
        QVERIFY(!team.isEmpty());
        const QByteArray bobAccess = accessToken(QStringLiteral("bob"), "bob password 22");
        QVERIFY(!bobAccess.isEmpty());
        const auto bob = clientWith(bobAccess);
        const Headers inTeam{{"X-Workspace-Id", team.toUtf8()}};
        QCOMPARE(bob->get(kState, inTeam).error(), std::string("forbidden_workspace"));

        const auto grant = cli(
            {QStringLiteral("workspace"), QStringLiteral("grant"), team, QStringLiteral("BOB")});
        QVERIFY2(grant.exitCode == 0, describe(grant).constData());
        QVERIFY(!grant.out.contains("nothing changed"));
        // Bob now reads and writes his own state in it, with the token he already had.
        QCOMPARE(bob->get(kState, inTeam).status, 404);
        const nlohmann::json state{{"note", "shared"}};
        const auto saved = bob->post(kState, {{"version", 1}, {"state", state}}, inTeam);
        QCOMPARE(saved.status, 200);
        const auto read = bob->get(kState, inTeam);
        QCOMPARE(read.status, 200);
        QCOMPARE_JSON(read.json()["state"], state);
        QCOMPARE(bob->get(QStringLiteral("/api/dashboard/state/history"), inTeam).status, 200);
        QVERIFY(bob->get(QStringLiteral("/api/workspaces")).body.contains(team.toUtf8()));
        QVERIFY(rows(cli(args({"workspace", "list", "bob"})).out)
                    .contains(QPair<QString, QString>(team, QStringLiteral("Team board"))));
        // Alice's own state in the workspace is separate from Bob's.
        const auto alice = clientWith(accessToken(QStringLiteral("alice"), "alice password 2"));
        QCOMPARE(alice->get(kState, inTeam).status, 404);
        // Granting twice changes nothing.
        const auto twice = cli(
            {QStringLiteral("workspace"), QStringLiteral("grant"), team, QStringLiteral("bob")});
        QCOMPARE(twice.exitCode, 0);
        QVERIFY(twice.out.contains("nothing changed"));

        const auto revoke = cli(
            {QStringLiteral("workspace"), QStringLiteral("revoke"), team, QStringLiteral("bob")});
        QVERIFY2(revoke.exitCode == 0, describe(revoke).constData());
        const auto refused = bob->get(kState, inTeam);
        QCOMPARE(refused.status, 403);
        QCOMPARE(refused.error(), std::string("forbidden_workspace"));
        const auto refusedSave = bob->post(kState, {{"version", 2}, {"state", state}}, inTeam);
        QCOMPARE(refusedSave.status, 403);
        QCOMPARE(refusedSave.error(), std::string("forbidden_workspace"));
        QVERIFY(!bob->get(QStringLiteral("/api/workspaces")).body.contains(team.toUtf8()));
    }

    void workspaceGrantRefusesUnknownUsersAndWorkspaces_data() {
        QTest::addColumn<QString>("verb");
        QTest::addColumn<QString>("workspace");
        QTest::addColumn<QString>("user");
        QTest::addColumn<QByteArray>("mentions");
        const QString team = QStringLiteral("<team>");
        for (const QString& verb : {QStringLiteral("grant"), QStringLiteral("revoke")}) {
            QTest::addRow("%s unknown user", qPrintable(verb))
                << verb << team << QStringLiteral("nobody") << QByteArray("nobody");
            QTest::addRow("%s unknown workspace", qPrintable(verb))
                << verb << QStringLiteral("noSuchWorkspace") << QStringLiteral("bob")
                << QByteArray("noSuchWorkspace");
            QTest::addRow("%s bad workspace id", qPrintable(verb))
                << verb << QStringLiteral("bad}id") << QStringLiteral("bob")
                << QByteArray("workspace");
        }
        QTest::addRow("revoke the owner")
            << QStringLiteral("revoke") << team << QStringLiteral("alice") << QByteArray("owner");
    }

    void workspaceGrantRefusesUnknownUsersAndWorkspaces() {
        QFETCH(QString, verb);
        QFETCH(QString, workspace);
        QFETCH(QString, user);
        QFETCH(QByteArray, mentions);
        if (workspace == QStringLiteral("<team>")) {
            workspace = workspaceId(QStringLiteral("alice"), QStringLiteral("Team board"));
        }
        const auto run = cli({QStringLiteral("workspace"), verb, workspace, user});
        QVERIFY2(run.exitCode == 1, describe(run).constData());
        QVERIFY2(run.err.contains(mentions), run.err.constData());
        QVERIFY(run.out.isEmpty());
    }

    void badUsageExitsTwo_data() {
        QTest::addColumn<QStringList>("arguments");
        QTest::newRow("user alone") << args({"user"});
        QTest::newRow("user unknown verb") << args({"user", "rename", "alice", "alicia"});
        QTest::newRow("user list extra") << args({"user", "list", "alice"});
        QTest::newRow("user del no name") << args({"user", "del"});
        QTest::newRow("workspace alone") << args({"workspace"});
        QTest::newRow("workspace grant short") << args({"workspace", "grant", "x"});
        QTest::newRow("unknown command") << args({"serve-later"});
        QTest::newRow("unknown option") << args({"--verbose"});
    }

    void badUsageExitsTwo() {
        QFETCH(QStringList, arguments);
        const auto run = cli(arguments);
        QVERIFY2(run.exitCode == 2, describe(run).constData());
        QVERIFY2(run.err.contains("--help"), run.err.constData());
    }

    void redisDownFailsQuicklyNamingRedis_data() {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QByteArray>("input");
        QTest::newRow("user list") << args({"user", "list"}) << QByteArray();
        QTest::newRow("user add") << args({"user", "add", "frank"})
                                  << QByteArray(password("frank password") + '\n');
        QTest::newRow("user passwd")
            << args({"user", "passwd", "alice"}) << QByteArray(password("alice password 3") + '\n');
        QTest::newRow("user del") << args({"user", "del", "alice"}) << QByteArray();
        QTest::newRow("workspace add") << args({"workspace", "add", "alice", "X"}) << QByteArray();
        QTest::newRow("workspace list") << args({"workspace", "list"}) << QByteArray();
        QTest::newRow("workspace list user")
            << args({"workspace", "list", "alice"}) << QByteArray();
        QTest::newRow("workspace grant")
            << args({"workspace", "grant", "abc", "bob"}) << QByteArray();
    }

    void redisDownFailsQuicklyNamingRedis() {
        QFETCH(QStringList, arguments);
        QFETCH(QByteArray, input);
        const quint16 nothing = freeLoopbackPort();  // nothing listens there
        QElapsedTimer timer;
        timer.start();
        const auto run = runWith(
            {{QStringLiteral("REDIS_URL"), QStringLiteral("redis://127.0.0.1:%1").arg(nothing)},
             {QStringLiteral("DESKBOARD_REDIS_TIMEOUT_MS"), QStringLiteral("500")}},
            arguments, input, 20000);
        runs_.append(run);
        QVERIFY2(run.exitCode == 1, describe(run).constData());
        QVERIFY2(timer.elapsed() < 5000, qPrintable(QString::number(timer.elapsed())));
        QVERIFY2(run.err.contains("Redis"), run.err.constData());
        QVERIFY2(run.err.contains(QByteArray::number(nothing)), run.err.constData());
        QVERIFY(run.out.isEmpty());
    }

    void badConfigurationExitsTwoNamingTheVariable_data() {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("value");
        QTest::newRow("workers zero") << QStringLiteral("DESKBOARD_WORKERS") << QStringLiteral("0");
        QTest::newRow("redis url") << QStringLiteral("REDIS_URL") << QStringLiteral("http://x");
        QTest::newRow("timeout text")
            << QStringLiteral("DESKBOARD_REDIS_TIMEOUT_MS") << QStringLiteral("soon");
        QTest::newRow("signup two")
            << QStringLiteral("DESKBOARD_ALLOW_SIGNUP") << QStringLiteral("2");
        QTest::newRow("ttl refresh over half the ttl")
            << QStringLiteral("DESKBOARD_TTL_REFRESH_SECONDS") << QStringLiteral("2592000");
    }

    void badConfigurationExitsTwoNamingTheVariable() {
        QFETCH(QString, name);
        QFETCH(QString, value);
        for (const QStringList& arguments : {args({"user", "list"}), args({"workspace", "list"}),
                                             args({"user", "add", "george"})}) {
            const auto run = runWith({{QStringLiteral("REDIS_URL"), redis_->url()}, {name, value}},
                                     arguments, password("george password") + '\n');
            runs_.append(run);
            QVERIFY2(run.exitCode == 2, describe(run).constData());
            QVERIFY2(run.err.contains(name.toUtf8()), run.err.constData());
            QVERIFY(run.out.isEmpty());
        }
        QVERIFY(!userNames().contains(QStringLiteral("george")));
    }

    void helpListsEveryVariable() {
        const auto run = cli(args({"--help"}));
        QVERIFY2(run.exitCode == 0, describe(run).constData());
        QVERIFY(run.err.isEmpty());
        for (const char* name :
             {"DESKBOARD_LISTEN", "REDIS_URL", "REDIS_STATE_TTL", "DESKBOARD_TTL_REFRESH_SECONDS",
              "DESKBOARD_LOG_FORMAT", "DESKBOARD_MAX_JSON_DEPTH", "DESKBOARD_MAX_STATE_BYTES",
              "DESKBOARD_REDIS_TIMEOUT_MS", "DESKBOARD_ALLOW_SIGNUP",
              "DESKBOARD_LOGIN_MAX_FAILURES", "DESKBOARD_LOGIN_WINDOW_SECONDS",
              "DESKBOARD_REFRESH_GRACE_SECONDS", "DESKBOARD_ACCESS_TOKEN_TTL",
              "DESKBOARD_REFRESH_TOKEN_TTL", "DESKBOARD_HISTORY_DEPTH",
              "DESKBOARD_SSE_HEARTBEAT_SECONDS", "DESKBOARD_MAX_STREAMS_PER_USER",
              "DESKBOARD_SHUTDOWN_GRACE_SECONDS", "DESKBOARD_WORKERS"}) {
            QVERIFY2(run.out.contains(name), name);
        }
        // Every command is described, with where the password comes from.
        for (const char* command :
             {"user add NAME", "user passwd NAME", "user del NAME", "user list",
              "workspace add OWNER NAME", "workspace list [USER]",
              "workspace grant WORKSPACE_ID USER", "workspace revoke WORKSPACE_ID USER"}) {
            QVERIFY2(run.out.contains(command), command);
        }
        QVERIFY(run.out.contains("stdin"));
        // --help works without a reachable Redis or a valid configuration.
        const auto offline =
            runWith({{QStringLiteral("DESKBOARD_WORKERS"), QStringLiteral("0")}}, args({"--help"}));
        QCOMPARE(offline.exitCode, 0);
        QCOMPARE(offline.out, run.out);
    }

    void versionIsPrinted() {
        const auto run = cli(args({"--version"}));
        QVERIFY2(run.exitCode == 0, describe(run).constData());
        static const QRegularExpression shape(
            QStringLiteral("^deskboard-server [0-9]+\\.[0-9]+\\.[0-9]+\\S*\\n$"));
        QVERIFY2(shape.match(QString::fromUtf8(run.out)).hasMatch(), run.out.constData());
        QVERIFY(run.err.isEmpty());
    }

    // Last: no run of the command line ever printed a password it was given.
    void noOutputEverEchoesAPassword() {
        QVERIFY(runs_.size() > 40);
        for (const auto& run : runs_) {
            for (const QByteArray& secret : passwordsUsed()) {
                if (secret.size() < 8) {
                    continue;  // too short to be stored; "short7!" could be anywhere
                }
                QVERIFY2(!run.out.contains(secret), describe(run).constData());
                QVERIFY2(!run.err.contains(secret), describe(run).constData());
            }
        }
    }
};

QTEST_GUILESS_MAIN(ApiCliTest)
#include "tst_api_cli.moc"
