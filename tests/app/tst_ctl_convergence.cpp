// Randomized convergence through real processes only: one redis-server, one deskboard-server
// (SIGKILLed and restarted on the same port), three profiles of one user, each a running
// `deskboard --headless` signed in with `ctl login --remember` (a real gnome-keyring on the
// harness's private D-Bus session, so a restarted instance signs in from the keychain by
// itself). Every edit goes through `deskboard ctl` (add, remove, move, resize, append a text
// token) while faults happen at random: the server killed and restarted, Redis paused with
// SIGSTOP, each for a few edits, an instance killed with SIGKILL while it serves a ctl command. At
// the end the three exports equal each other and the server's state, no tiles overlap, and every
// token whose ctl exited 0 is still in some widget's content (its own or a conflicted copy) unless
// a removal or an overwrite deleted it on purpose.
//
// A text append is `widget set ID content "<content read with ctl export> tN"`: between the
// read and the write the instance may merge another machine's text into the widget, and then
// the write deletes that text on purpose (it is what the person typed over). `ctl status`
// before the read and after the write tells whether the store merged anything from the server
// in between (lastSyncedVersion moved): only then are the tokens the write could have replaced
// excused; otherwise a concurrent text must come back as a merge or a conflicted copy.
//
// Seeded and replayable: DESKBOARD_CTL_CONVERGENCE_SEEDS="1,2,3" (default "1"),
// DESKBOARD_CTL_CONVERGENCE_OPS edits per profile (default 40); a failure names its seed.
#include <memory>
#include <random>
#include <set>
#include <vector>

#include <QDeadlineTimer>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>
#include <http_client.h>
#include <server_process.h>

#include "deskboard_process.h"

using deskboard::testing::CtlRun;
using deskboard::testing::DeskboardEnvironment;
using deskboard::testing::HttpClient;
using deskboard::testing::Instance;
using deskboard::testing::RedisProcess;
using deskboard::testing::ServerProcess;
using nlohmann::json;

namespace {

const QByteArray kPassword = "correct horse battery staple";
constexpr int kProfiles = 3;

// An acknowledged text: its ctl exited 0.
struct Token {
    std::string text;
    std::string home;  // the widget it was written into
};

json parsed(const CtlRun& run) {
    return json::parse(run.out.toStdString(), nullptr, false);
}

// widget id -> content, over all dashboards of an exported document.
std::map<std::string, std::string> contents(const json& document) {
    std::map<std::string, std::string> out;
    if (!document.is_object() || !document.contains("dashboards")) {
        return out;
    }
    for (const auto& dashboard : document["dashboards"]) {
        for (const auto& [id, widget] : dashboard["widgets"].items()) {
            out[id] = widget.value("content", std::string());
        }
    }
    return out;
}

std::set<std::string> words(const std::string& text) {
    std::set<std::string> out;
    const QStringList parts = QString::fromStdString(text).split(
        QRegularExpression(QStringLiteral("\\s+")), Qt::SkipEmptyParts);
    for (const QString& part : parts) {
        out.insert(part.toStdString());
    }
    return out;
}

// The first overlap of two tiles in one dashboard, or an empty string.
std::string firstOverlap(const json& document) {
    for (const auto& dashboard : document["dashboards"]) {
        std::vector<std::pair<std::string, json>> rects;
        for (const auto& [id, rect] : dashboard["layout"].items()) {
            rects.emplace_back(id, rect);
        }
        for (std::size_t i = 0; i < rects.size(); ++i) {
            for (std::size_t j = i + 1; j < rects.size(); ++j) {
                const json& a = rects[i].second;
                const json& b = rects[j].second;
                const bool apart = a["x"].get<int>() + a["w"].get<int>() <= b["x"].get<int>() ||
                                   b["x"].get<int>() + b["w"].get<int>() <= a["x"].get<int>() ||
                                   a["y"].get<int>() + a["h"].get<int>() <= b["y"].get<int>() ||
                                   b["y"].get<int>() + b["h"].get<int>() <= a["y"].get<int>();
                if (!apart) {
                    return rects[i].first + " and " + rects[j].first;
                }
            }
        }
    }
    return {};
}

// QVERIFY2 builds its message even when the check passes; this one only on failure.
#define CHECK(condition, message)                                                              \
    do {                                                                                       \
        if (!(condition)) {                                                                    \
            QFAIL(QByteArray("seed " + QByteArray::number(seed_) + ": " + QByteArray(message)) \
                      .constData());                                                           \
        }                                                                                      \
    } while (false)

QByteArray tail(const QByteArray& text, int bytes = 6000) {
    return text.size() <= bytes ? text : "..." + text.right(bytes);
}

}  // namespace

class CtlConvergenceTest : public QObject {
    Q_OBJECT

  private:
    struct Profile {
        QString path;
        std::unique_ptr<Instance> instance;
        QByteArray log;  // the instance's standard error, across restarts

        void collectLog() {
            if (instance) {
                log += instance->log();
            }
        }
    };

    DeskboardEnvironment* env_ = nullptr;
    ServerProcess* server_ = nullptr;
    std::vector<Profile> profiles_;
    QString user_;
    int seed_ = 0;

    CtlRun ctl(int profile, const QStringList& arguments, const QByteArray& input = {}) {
        return env_->ctl(profiles_[profile].path, arguments, input);
    }

    CtlRun login(int profile) {
        return ctl(profile,
                   {QStringLiteral("login"), QStringLiteral("--server"), server_->baseUrl(),
                    QStringLiteral("--user"), user_, QStringLiteral("--password-stdin"),
                    QStringLiteral("--remember")},
                   kPassword + '\n');
    }

    json status(int profile) { return parsed(ctl(profile, {QStringLiteral("status")})); }

    // The server version the profile's store last merged, or -1 when status did not answer.
    qint64 syncedVersion(int profile) {
        const json answer = status(profile);
        return answer.is_object() ? answer.value("lastSyncedVersion", qint64(-1)) : -1;
    }

    static bool signedIn(const json& answer) {
        return answer.is_object() && answer.value("user", json()).is_string() &&
               answer.value("state", std::string()) != "signed_out";
    }

    // Everything logged so far, for a failure message.
    QByteArray evidence() {
        QByteArray text = "seed " + QByteArray::number(seed_) +
                          " (replay: DESKBOARD_CTL_CONVERGENCE_SEEDS=" + QByteArray::number(seed_) +
                          ")\n";
        for (int i = 0; i < kProfiles; ++i) {
            profiles_[i].collectLog();
            text += "--- instance " + QByteArray::number(i) + " stderr:\n" +
                    tail(profiles_[i].log) + "\n";
        }
        text += "--- server log:\n" + tail(server_->log());
        return text;
    }

    // Starts (or restarts) the instance and waits until it answers and is signed in (from the
    // keychain after a restart).
    bool startInstance(int profile, QByteArray& why) {
        Profile& p = profiles_[profile];
        p.collectLog();
        p.instance.reset();
        p.instance = std::make_unique<Instance>(*env_, p.path);
        if (!p.instance->waitUntilAnswering(30000)) {
            why = "instance " + QByteArray::number(profile) + " does not answer";
            return false;
        }
        return true;
    }

    bool waitSignedIn(int profile, QByteArray& why) {
        const QDeadlineTimer deadline(30000);
        json answer;
        while (!deadline.hasExpired()) {
            answer = status(profile);
            if (signedIn(answer)) {
                return true;
            }
            QTest::qWait(100);
        }
        why = "instance " + QByteArray::number(profile) +
              " did not sign in from the keychain within 30 s; status: " +
              QByteArray::fromStdString(answer.dump());
        return false;
    }

  private slots:
    void converges_data() {
        QTest::addColumn<int>("seed");
        const QByteArray seeds =
            qEnvironmentVariable("DESKBOARD_CTL_CONVERGENCE_SEEDS", QStringLiteral("1")).toLatin1();
        for (const QByteArray& seed : seeds.split(',')) {
            QTest::newRow(QByteArray("seed " + seed.trimmed()).constData())
                << seed.trimmed().toInt();
        }
    }

    void converges() {
        if (qEnvironmentVariableIsEmpty("DESKBOARD_KEYRING_PID")) {
            QSKIP("needs tests/support/with-keyring.sh (ctest runs it so)");
        }
        QFETCH(int, seed);
        seed_ = seed;
        qInfo("seed %d (replay with DESKBOARD_CTL_CONVERGENCE_SEEDS=%d)", seed, seed);
        const int opsPerProfile =
            qEnvironmentVariableIntValue("DESKBOARD_CTL_CONVERGENCE_OPS") > 0
                ? qEnvironmentVariableIntValue("DESKBOARD_CTL_CONVERGENCE_OPS")
                : 40;
        std::mt19937 random(static_cast<unsigned>(seed));
        auto chance = [&](int percent) {
            return std::uniform_int_distribution<int>(0, 99)(random) < percent;
        };
        auto pick = [&](int n) { return std::uniform_int_distribution<int>(0, n - 1)(random); };

        RedisProcess redis;
        ServerProcess server(redis);
        server_ = &server;
        user_ = QStringLiteral("ctlconverge%1").arg(seed);
        server.addUser(user_, kPassword);

        DeskboardEnvironment env;
        env_ = &env;
        env.environment().insert(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"),
                                 qEnvironmentVariable("DBUS_SESSION_BUS_ADDRESS"));
        QTemporaryDir root;
        QVERIFY(root.isValid());
        profiles_.clear();
        profiles_.resize(kProfiles);
        auto cleanup = qScopeGuard([this] {
            for (auto& p : profiles_) {
                p.instance.reset();
            }
            profiles_.clear();
            env_ = nullptr;
            server_ = nullptr;
        });
        for (int i = 0; i < kProfiles; ++i) {
            profiles_[i].path = root.filePath(QStringLiteral("profile%1").arg(i));
            QVERIFY(QDir().mkpath(profiles_[i].path));
            // Read by the engine through DashboardStore::setting (QSettings on profile.ini).
            QFile ini(profiles_[i].path + QStringLiteral("/profile.ini"));
            QVERIFY(ini.open(QIODevice::WriteOnly));
            ini.write("[sync]\ndebounceMs=100\npollMs=1000\nrequestTimeoutMs=10000\n");
            ini.close();
            QByteArray why;
            CHECK(startInstance(i, why), (why + "\n" + evidence()));
        }
        for (int i = 0; i < kProfiles; ++i) {
            const CtlRun run = login(i);
            CHECK(run.exitCode == 0, (run.describe() + "\n" + evidence()));
            // Remembered in the keychain, not session-only.
            CHECK(!run.err.contains("keychain"), run.describe());
        }

        std::vector<Token> tokens;
        std::set<std::string> excused;
        int tokenCounter = 0;
        int acknowledged = 0;
        int refused = 0;
        int serverKills = 0;
        int redisPauses = 0;
        int instanceKills = 0;
        int killsRefused = 0;  // the instance died before it answered
        int racedWrites = 0;
        int serverDownFor = 0;   // edits until the killed server starts again
        int redisPausedFor = 0;  // edits until the paused Redis continues
        const int steps = opsPerProfile * kProfiles;
        std::vector<std::string> journal;
        for (int step = 0; step < steps; ++step) {
            const int p = pick(kProfiles);
            const qint64 versionBefore = syncedVersion(p);
            const json document = parsed(ctl(p, {QStringLiteral("export")}));
            const auto widgets = contents(document);
            std::vector<std::string> ids;
            for (const auto& [id, content] : widgets) {
                ids.push_back(id);
            }
            const int op = ids.empty() ? 0 : pick(100);
            QStringList arguments;
            std::string target;
            std::string token;
            std::string written;  // the content a text append writes
            if (op < 20) {        // add
                token = "t" + std::to_string(++tokenCounter);
                arguments = {QStringLiteral("widget"),
                             QStringLiteral("add"),
                             QStringLiteral("note"),
                             QStringLiteral("--title"),
                             QStringLiteral("Note %1").arg(step),
                             QStringLiteral("--content"),
                             QString::fromStdString(token)};
            } else if (op < 30) {  // remove
                target = ids[pick(int(ids.size()))];
                arguments = {QStringLiteral("widget"), QStringLiteral("remove"),
                             QString::fromStdString(target)};
            } else if (op < 60) {  // move or resize
                target = ids[pick(int(ids.size()))];
                const bool move = op < 50;
                const int field = pick(2);
                const char* name = move ? (field == 0 ? "x" : "y") : (field == 0 ? "w" : "h");
                const int value = move ? (field == 0 ? pick(12) : pick(12))
                                       : (field == 0 ? 1 + pick(6) : 1 + pick(4));
                arguments = {QStringLiteral("widget"), QStringLiteral("set"),
                             QString::fromStdString(target), QString::fromLatin1(name),
                             QString::number(value)};
            } else {  // append a text
                target = ids[pick(int(ids.size()))];
                token = "t" + std::to_string(++tokenCounter);
                const std::string& old = widgets.at(target);
                written = old.empty() ? token : old + " " + token;
                arguments = {QStringLiteral("widget"), QStringLiteral("set"),
                             QString::fromStdString(target), QStringLiteral("content"),
                             QString::fromStdString(written)};
            }

            // The command, and now and then the instance killed while it serves it.
            const bool killInstance = chance(3);
            int exitCode = -1;
            QByteArray out;
            QByteArray err;
            if (killInstance) {
                ++instanceKills;
                auto command =
                    env.start(profiles_[p].path, QStringList{QStringLiteral("ctl")} + arguments);
                QVERIFY(command->waitForStarted(10000));
                QTest::qWait(pick(40));  // the fault's timing, part of the workload
                profiles_[p].collectLog();
                profiles_[p].instance->kill();
                // (It may have finished already: waitForFinished is false then.)
                CHECK(command->state() == QProcess::NotRunning || command->waitForFinished(60000),
                      evidence());
                exitCode = command->exitStatus() == QProcess::NormalExit ? command->exitCode() : -1;
                out = command->readAllStandardOutput();
                err = command->readAllStandardError();
                QByteArray why;
                CHECK(startInstance(p, why), (why + "\n" + evidence()));
                CHECK(waitSignedIn(p, why), (why + "\n" + evidence()));
            } else {
                const CtlRun run = ctl(p, arguments);
                exitCode = run.exitCode;
                out = run.out;
                err = run.err;
            }
            const qint64 versionAfter = killInstance ? -1 : syncedVersion(p);
            journal.push_back("step " + std::to_string(step) + " profile " + std::to_string(p) +
                              " v" + std::to_string(versionBefore) + "->v" +
                              std::to_string(versionAfter) + " exit " + std::to_string(exitCode) +
                              (killInstance ? " (killed)" : "") + ": " +
                              arguments.join(QLatin1Char(' ')).toStdString() + " | saw: " +
                              (target.empty()          ? std::string()
                               : widgets.count(target) ? widgets.at(target)
                                                       : std::string("?")));
            // Did the store merge anything from the server between the read and the write?
            const bool raced = versionBefore < 0 || versionAfter != versionBefore;

            if (exitCode == 0) {
                ++acknowledged;
                if (op < 20) {
                    CtlRun parsedOut;
                    parsedOut.out = out;
                    const std::string id = parsedOut.lastWord().toStdString();
                    CHECK(!id.empty(), out);
                    tokens.push_back({token, id});
                } else if (op < 30 || op >= 60) {
                    // A removal deletes the texts it saw on purpose; a text append drops
                    // nothing it saw. When the store merged in between, the write may also
                    // have deleted texts that were in the widget by then: those that could
                    // be there (written into it or into a widget it is a conflicted copy of).
                    std::set<std::string> kept = words(op < 30 ? std::string() : written);
                    if (op < 30) {
                        for (const auto& word : words(widgets.at(target))) {
                            excused.insert(word);
                        }
                    }
                    if (raced) {
                        ++racedWrites;
                        for (const auto& earlier : tokens) {
                            if (target.starts_with(earlier.home) && !kept.count(earlier.text)) {
                                excused.insert(earlier.text);
                            }
                        }
                    }
                    if (op >= 60) {
                        tokens.push_back({token, target});
                    }
                }
            } else {
                ++refused;
                killsRefused += killInstance ? 1 : 0;
                if (killInstance && (op < 30 || op >= 60)) {
                    // The instance died before it answered: the edit may still have been made
                    // (it was on disk before the answer would have gone out). Its text is not
                    // acknowledged, but what it may have deleted is excused as for an
                    // acknowledged one: what a removal saw, and for any write, texts the store
                    // may have merged into the widget between the read and the write.
                    const std::set<std::string> kept = words(op < 30 ? std::string() : written);
                    if (op < 30) {
                        for (const auto& word : words(widgets.at(target))) {
                            excused.insert(word);
                        }
                    }
                    for (const auto& earlier : tokens) {
                        if (target.starts_with(earlier.home) && !kept.count(earlier.text)) {
                            excused.insert(earlier.text);
                        }
                    }
                }
                // Only a killed instance or a widget another profile removed may refuse.
                CHECK(killInstance || err.contains("No widget") || err.contains("no widget") ||
                          err.contains("still starting"),
                      ("exit " + QByteArray::number(exitCode) + ": " + err + "\n" + evidence()));
            }

            // Faults now and then, each lasting a few edits so that the machines edit apart
            // and their texts meet in a merge; a random pause between edits (the rhythm).
            if (serverDownFor > 0 && --serverDownFor == 0) {
                server.restart();
            }
            if (redisPausedFor > 0 && --redisPausedFor == 0) {
                redis.resume();
            }
            if (serverDownFor == 0 && redisPausedFor == 0) {
                if (chance(2)) {
                    ++serverKills;
                    server.kill();
                    serverDownFor = 1 + pick(8);
                } else if (chance(2)) {
                    ++redisPauses;
                    redis.pause();
                    redisPausedFor = 1 + pick(8);
                }
            }
            QTest::qWait(pick(150));
        }
        if (serverDownFor > 0) {
            server.restart();
        }
        if (redisPausedFor > 0) {
            redis.resume();
        }
        qInfo(
            "seed %d: %d commands, %d acknowledged, %d refused; %d server kills, %d Redis "
            "pauses, %d instance kills (%d of their commands refused); %d writes raced a merge",
            seed, steps, acknowledged, refused, serverKills, redisPauses, instanceKills,
            killsRefused, racedWrites);

        // Quiet: sync every profile until all three exports agree.
        QElapsedTimer clock;
        clock.start();
        std::vector<QByteArray> exports(kProfiles);
        std::vector<json> documents(kProfiles);
        int signInsAgain = 0;
        bool agreed = false;
        const QDeadlineTimer deadline(240000);
        QByteArray lastProblem;
        while (!deadline.hasExpired()) {
            bool synced = true;
            for (int i = 0; i < kProfiles; ++i) {
                const json answer = status(i);
                if (!signedIn(answer)) {
                    // A fault may sign a machine out (PRODUCT.md: a refresh whose outcome was
                    // lost past the grace window); its person signs in again.
                    ++signInsAgain;
                    qWarning("seed %d: profile %d signed out, signing in again: %s", seed, i,
                             answer.dump().c_str());
                    const CtlRun run = login(i);
                    CHECK(run.exitCode == 0, (run.describe() + "\n" + evidence()));
                }
                const CtlRun run = ctl(i, {QStringLiteral("sync"), QStringLiteral("--wait"),
                                           QStringLiteral("--timeout"), QStringLiteral("60")});
                if (run.exitCode != 0) {
                    synced = false;
                    lastProblem = "profile " + QByteArray::number(i) + ": " + run.describe();
                }
            }
            for (int i = 0; i < kProfiles; ++i) {
                const CtlRun run = ctl(i, {QStringLiteral("export")});
                exports[i] = run.out;
                documents[i] = parsed(run);
            }
            if (synced && documents[0] == documents[1] && documents[1] == documents[2]) {
                agreed = true;
                break;
            }
            if (synced) {
                lastProblem = "the exports differ";
            }
            QTest::qWait(200);
        }
        CHECK(agreed, ("profiles did not converge within 240 s; last: " + lastProblem +
                       "\n--- export 0:\n" + exports[0] + "\n--- export 1:\n" + exports[1] +
                       "\n--- export 2:\n" + exports[2] + "\n" + evidence()));

        HttpClient http(server.baseUrl());
        const auto signIn =
            http.post(QStringLiteral("/api/auth/login"),
                      {{"username", user_.toStdString()}, {"password", kPassword.toStdString()}});
        CHECK(signIn.status == 200, signIn.body);
        http.setToken(QByteArray::fromStdString(signIn.json()["accessToken"].get<std::string>()));
        const auto stored = http.get(QStringLiteral("/api/dashboard/state"));
        CHECK(stored.status == 200, stored.body);
        const json& final = documents[0];
        CHECK(stored.json()["state"] == final,
              ("the server's copy differs from the profiles'\n--- server:\n" + stored.body +
               "\n--- profiles:\n" + exports[0] + "\n" + evidence()));
        const std::string overlap = firstOverlap(final);
        CHECK(overlap.empty(),
              ("overlapping tiles " + QByteArray::fromStdString(overlap) + "\n" + exports[0]));

        std::set<std::string> present;
        for (const auto& [id, content] : contents(final)) {
            for (const auto& word : words(content)) {
                present.insert(word);
            }
        }
        int conflictedCopies = 0;
        for (const auto& dashboard : final["dashboards"]) {
            for (const auto& [id, widget] : dashboard["widgets"].items()) {
                conflictedCopies += id.find("-c") != std::string::npos ? 1 : 0;
            }
        }
        int checked = 0;
        QStringList lost;
        for (const auto& token : tokens) {
            if (excused.count(token.text)) {
                continue;
            }
            ++checked;
            if (!present.count(token.text)) {
                lost.append(QStringLiteral("%1 (written into %2)")
                                .arg(QString::fromStdString(token.text),
                                     QString::fromStdString(token.home)));
            }
        }
        if (!lost.isEmpty()) {
            for (const auto& line : journal) {
                qInfo("%s", line.c_str());
            }
        }
        CHECK(lost.isEmpty(),
              ("acknowledged texts lost: " + lost.join(QStringLiteral(", ")).toUtf8() +
               "\n--- final document:\n" + exports[0] + "\n" + evidence()));
        qInfo(
            "seed %d: converged %lld ms after the last edit; %d of %zu texts checked, %zu "
            "excused; %d conflicted copies; %d sign-ins again",
            seed, static_cast<long long>(clock.elapsed()), checked, tokens.size(), excused.size(),
            conflictedCopies, signInsAgain);
    }
};

int main(int argc, char* argv[]) {
    // One seed runs for minutes on a loaded machine: more than QtTest's default 300 s per test
    // function (CTest's TIMEOUT still bounds the whole run).
    if (qEnvironmentVariableIsEmpty("QTEST_FUNCTION_TIMEOUT")) {
        qputenv("QTEST_FUNCTION_TIMEOUT", "3600000");
    }
    QCoreApplication app(argc, argv);
    CtlConvergenceTest test;
    return QTest::qExec(&test, argc, argv);
}
#include "tst_ctl_convergence.moc"
