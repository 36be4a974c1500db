// Sign-up, login, refresh rotation, logout, token expiry, the login rate limit and workspaces
// through a real deskboard-server and Redis: the answers' shapes, every error class of the auth
// routes, and the time-based rules (grace window, access token TTL, failure window) with short
// settings, waited for by polling with a deadline. Every exchange is recorded for the OpenAPI
// check (tst_api_openapi).
#include <algorithm>
#include <set>

#include <QElapsedTimer>
#include <QRegularExpression>
#include <QTest>
#include <http_client.h>
#include <qtest_json.h>
#include <server_process.h>

using namespace deskboard::testing;

namespace {

const std::string kPassword = "correct horse battery";
const QString kLogin = QStringLiteral("/api/auth/login");
const QString kSignup = QStringLiteral("/api/auth/signup");
const QString kRefresh = QStringLiteral("/api/auth/refresh");
const QString kLogout = QStringLiteral("/api/auth/logout");
const QString kWorkspaces = QStringLiteral("/api/workspaces");

using Headers = QList<QPair<QByteArray, QByteArray>>;

bool isIdentifier(const nlohmann::json& value) {
    static const QRegularExpression rule(QStringLiteral("^[A-Za-z0-9_-]{1,64}$"));
    return value.is_string() &&
           rule.match(QString::fromStdString(value.get<std::string>())).hasMatch();
}

bool isToken(const nlohmann::json& value) {
    static const QRegularExpression rule(QStringLiteral("^[A-Za-z0-9_-]{43,}$"));
    return value.is_string() &&
           rule.match(QString::fromStdString(value.get<std::string>())).hasMatch();
}

std::set<std::string> keysOf(const nlohmann::json& object) {
    std::set<std::string> keys;
    for (const auto& [key, value] : object.items()) {
        keys.insert(key);
    }
    return keys;
}

// What is wrong with a login answer (sign-up, login), or "" when it has the documented shape.
std::string loginShapeProblem(const nlohmann::json& body, std::int64_t expiresIn) {
    if (!body.is_object()) {
        return "not an object: " + body.dump();
    }
    if (keysOf(body) !=
        std::set<std::string>{"accessToken", "refreshToken", "expiresIn", "user", "workspaces"}) {
        return "other fields: " + body.dump();
    }
    if (!isToken(body["accessToken"]) || !isToken(body["refreshToken"]) ||
        body["accessToken"] == body["refreshToken"]) {
        return "tokens: " + body.dump();
    }
    if (body["expiresIn"] != expiresIn) {
        return "expiresIn: " + body["expiresIn"].dump();
    }
    const auto& user = body["user"];
    if (!user.is_object() || keysOf(user) != std::set<std::string>{"id", "username"} ||
        !isIdentifier(user["id"]) || !user["username"].is_string()) {
        return "user: " + user.dump();
    }
    const auto& workspaces = body["workspaces"];
    if (!workspaces.is_array() || workspaces.empty()) {
        return "workspaces: " + workspaces.dump();
    }
    for (const auto& workspace : workspaces) {
        if (!workspace.is_object() || keysOf(workspace) != std::set<std::string>{"id", "name"} ||
            !isIdentifier(workspace["id"]) || !workspace["name"].is_string()) {
            return "workspace: " + workspace.dump();
        }
    }
    return {};
}

// A data row's name: the path and what the row is about.
const char* rowName(const QString& path, const char* what) {
    static QList<QByteArray> names;  // newRow copies the name; keep it alive anyway
    names.append(QByteArray(path.toUtf8() + ' ' + what));
    return names.constLast().constData();
}

std::string repeated(const std::string& text, int times) {
    std::string out;
    for (int i = 0; i < times; ++i) {
        out += text;
    }
    return out;
}

QByteArray stringOf(const nlohmann::json& value) {
    return value.is_string() ? QByteArray::fromStdString(value.get<std::string>()) : QByteArray();
}

// A redis-server and a deskboard-server with some settings, and clients that record.
struct Deployment {
    Deployment(QMap<QString, QString> environment, QString recordPath)
        : redis(), server(redis, std::move(environment)), recordPath(std::move(recordPath)) {}

    std::unique_ptr<HttpClient> client(const QByteArray& token = {}) {
        auto made = std::make_unique<HttpClient>(server.baseUrl());
        made->recordTo(recordPath);
        made->setToken(token);
        return made;
    }
    HttpAnswer login(const std::string& name, const std::string& password) {
        return client()->post(kLogin, {{"username", name}, {"password", password}});
    }
    // The status of GET /api/workspaces with `token`: 200 while it works, 401 after.
    int statusWith(const QByteArray& token) { return client(token)->get(kWorkspaces).status; }
    HttpAnswer refresh(const QByteArray& token) {
        return client()->post(kRefresh, {{"refreshToken", token.toStdString()}});
    }

    RedisProcess redis;
    ServerProcess server;
    QString recordPath;
};

}  // namespace

class ApiAuthTest : public QObject {
    Q_OBJECT

  private:
    QString recordPath_;
    std::unique_ptr<Deployment> main_;  // sign-up on, a failure limit tests never reach
    // Logins kept across test functions: each password check costs a deliberately slow hash.
    nlohmann::json dave_;
    QByteArray daveAccess_;
    QByteArray ivyAccess_;
    HttpAnswer failedLogin_;

  private slots:
    void initTestCase() {
        recordPath_ = QStringLiteral(DESKBOARD_RECORD_DIR "/api_auth.jsonl");
        QFile::remove(recordPath_);
        main_ = std::make_unique<Deployment>(
            QMap<QString, QString>{
                {QStringLiteral("DESKBOARD_ALLOW_SIGNUP"), QStringLiteral("1")},
                {QStringLiteral("DESKBOARD_LOGIN_MAX_FAILURES"), QStringLiteral("1000")}},
            recordPath_);
    }

    void cleanupTestCase() {
        QCOMPARE(main_->server.stop(), 0);
        const QByteArray log = main_->server.log();
        QVERIFY(log.contains("\"route\":\"/api/auth/login\""));
        QVERIFY(!log.contains(QByteArray::fromStdString(kPassword)));
        QVERIFY(!log.contains("accessToken"));
    }

    void signupIsDisabledByDefault() {
        Deployment closed({}, recordPath_);
        const auto answer =
            closed.client()->post(kSignup, {{"username", "mallory"}, {"password", kPassword}});
        QCOMPARE(answer.status, 403);
        QCOMPARE(answer.error(), std::string("signup_disabled"));
        QVERIFY(!answer.json()["message"].get<std::string>().empty());
        QVERIFY(answer.header("Content-Type").startsWith("application/json"));
        QCOMPARE(answer.header("Cache-Control"), QByteArray("no-store"));
        // Refused whatever the body, and nobody was created.
        QCOMPARE(closed.client()
                     ->send("POST", kSignup, "nonsense", {{"Content-Type", "text/plain"}})
                     .status,
                 403);
        const auto login = closed.login("mallory", kPassword);
        QCOMPARE(login.status, 401);
        QCOMPARE(login.error(), std::string("invalid_credentials"));
        QCOMPARE(closed.server.stop(), 0);
    }

    void signupAnswersWithTheLoginAnswer() {
        const auto answer =
            main_->client()->post(kSignup, {{"username", "Carol"}, {"password", kPassword}});
        QCOMPARE(answer.status, 201);
        QVERIFY(answer.header("Content-Type").startsWith("application/json"));
        const auto body = answer.json();
        const std::string problem = loginShapeProblem(body, 900);
        QVERIFY2(problem.empty(), problem.c_str());
        QCOMPARE_JSON(body["user"]["username"], "carol");  // stored and answered lower-case
        QCOMPARE(body["workspaces"].size(), std::size_t{1});
        QCOMPARE_JSON(body["workspaces"][0]["name"], "Personal");
        // The tokens work at once and list the same workspaces.
        const auto listed = main_->client(stringOf(body["accessToken"]))->get(kWorkspaces);
        QCOMPARE(listed.status, 200);
        QCOMPARE_JSON(listed.json(), nlohmann::json({{"workspaces", body["workspaces"]}}));
        QCOMPARE(main_->refresh(stringOf(body["refreshToken"])).status, 200);
        // And the password signs in.
        const auto login = main_->login("carol", kPassword);
        QCOMPARE(login.status, 200);
        QCOMPARE_JSON(login.json()["user"], body["user"]);
    }

    void signupRefusesTakenNames_data() {
        QTest::addColumn<QString>("name");
        QTest::newRow("same") << QStringLiteral("carol");
        QTest::newRow("other case") << QStringLiteral("CaRoL");
        QTest::newRow("upper") << QStringLiteral("CAROL");
    }

    void signupRefusesTakenNames() {
        QFETCH(QString, name);
        const auto answer = main_->client()->post(
            kSignup, {{"username", name.toStdString()}, {"password", "another password"}});
        QCOMPARE(answer.status, 409);
        QCOMPARE(answer.error(), std::string("user_exists"));
        QVERIFY(!answer.json()["message"].get<std::string>().empty());
    }

    void takenNamesKeepTheirPassword() {
        QCOMPARE(main_->login("carol", kPassword).status, 200);
        QCOMPARE(main_->login("carol", "another password").status, 401);
    }

    void signupRefusesBadBodies_data() {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QByteArray>("field");
        const auto row = [](const char* name, const nlohmann::json& body, const char* field) {
            QTest::newRow(name) << QByteArray::fromStdString(body.dump()) << QByteArray(field);
        };
        row("password too short", {{"username", "dora"}, {"password", "1234567"}}, "password");
        row("password empty", {{"username", "dora"}, {"password", ""}}, "password");
        row("password too long", {{"username", "dora"}, {"password", std::string(1025, 'p')}},
            "password");
        row("username with space", {{"username", "do ra"}, {"password", kPassword}}, "username");
        row("username with slash", {{"username", "do/ra"}, {"password", kPassword}}, "username");
        row("username with colon", {{"username", "do:ra"}, {"password", kPassword}}, "username");
        row("username not ascii", {{"username", "d\xc3\xb6ra"}, {"password", kPassword}},
            "username");
        row("username empty", {{"username", ""}, {"password", kPassword}}, "username");
        row("username too long", {{"username", std::string(65, 'd')}, {"password", kPassword}},
            "username");
        row("username missing", {{"password", kPassword}}, "username");
        row("password missing", {{"username", "dora"}}, "password");
        row("username a number", {{"username", 42}, {"password", kPassword}}, "username");
        row("username null", {{"username", nullptr}, {"password", kPassword}}, "username");
        row("password a number", {{"username", "dora"}, {"password", 12345678}}, "password");
        row("password an array", {{"username", "dora"}, {"password", {"a", "b"}}}, "password");
        row("password an object", {{"username", "dora"}, {"password", {{"text", "correct horse"}}}},
            "password");
        QTest::newRow("array body") << QByteArray("[\"dora\",\"correct horse\"]") << QByteArray();
        QTest::newRow("string body") << QByteArray("\"dora\"") << QByteArray();
    }

    void signupRefusesBadBodies() {
        QFETCH(QByteArray, body);
        QFETCH(QByteArray, field);
        const auto answer =
            main_->client()->send("POST", kSignup, body, {{"Content-Type", "application/json"}});
        QCOMPARE(answer.status, 400);
        QCOMPARE(answer.error(), std::string("invalid_body"));
        const std::string message = answer.json()["message"].get<std::string>();
        QVERIFY2(message.find(field.toStdString()) != std::string::npos, message.c_str());
    }

    void refusedSignupsCreateNobody() {
        const auto login = main_->login("dora", kPassword);
        QCOMPARE(login.status, 401);
        QCOMPARE(login.error(), std::string("invalid_credentials"));
    }

    void signupAcceptsBoundaryValues() {
        const std::string longName(64, 'x');
        const std::string longPassword(1024, 'p');
        const auto answer =
            main_->client()->post(kSignup, {{"username", longName}, {"password", longPassword}});
        QCOMPARE(answer.status, 201);
        QCOMPARE_JSON(answer.json()["user"]["username"], longName);
        QCOMPARE(main_->login(longName, longPassword).status, 200);
        const auto dotted =
            main_->client()->post(kSignup, {{"username", "a.b_c-D9"}, {"password", "12345678"}});
        QCOMPARE(dotted.status, 201);
        QCOMPARE_JSON(dotted.json()["user"]["username"], "a.b_c-d9");
    }

    void loginAnswersWithTheLoginAnswer() {
        main_->server.addUser(QStringLiteral("Dave"), QByteArray::fromStdString(kPassword));
        const auto answer = main_->login("dave", kPassword);
        QCOMPARE(answer.status, 200);
        const auto body = answer.json();
        dave_ = body;
        daveAccess_ = stringOf(body["accessToken"]);
        const std::string problem = loginShapeProblem(body, 900);
        QVERIFY2(problem.empty(), problem.c_str());
        QCOMPARE_JSON(body["user"]["username"], "dave");
        QCOMPARE(main_->statusWith(stringOf(body["accessToken"])), 200);
        // Request fields that are not listed are ignored.
        const auto extra = main_->client()->post(
            kLogin, {{"username", "dave"}, {"password", kPassword}, {"remember", true}});
        QCOMPARE(extra.status, 200);
        // Each login is its own sign-in with its own tokens.
        QVERIFY(extra.json()["accessToken"] != body["accessToken"]);
    }

    void userNamesAreCaseInsensitive_data() {
        QTest::addColumn<QString>("name");
        QTest::newRow("lower") << QStringLiteral("dave");
        QTest::newRow("upper") << QStringLiteral("DAVE");
        QTest::newRow("mixed") << QStringLiteral("dAvE");
    }

    void userNamesAreCaseInsensitive() {
        QFETCH(QString, name);
        const auto answer = main_->login(name.toStdString(), kPassword);
        QCOMPARE(answer.status, 200);
        QCOMPARE_JSON(answer.json()["user"], dave_["user"]);
    }

    void passwordsAreCaseSensitive() {
        QCOMPARE(main_->login("dave", "CORRECT HORSE BATTERY").status, 401);
    }

    void loginFailuresLookTheSame_data() {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("password");
        QTest::newRow("wrong password")
            << QStringLiteral("dave") << QStringLiteral("correct horse battery!");
        QTest::newRow("short wrong password") << QStringLiteral("dave") << QStringLiteral("abc");
        QTest::newRow("unknown user")
            << QStringLiteral("nobody") << QStringLiteral("correct horse battery");
        QTest::newRow("name never valid")
            << QStringLiteral("no body!") << QStringLiteral("correct horse battery");
        QTest::newRow("empty name") << QString() << QStringLiteral("correct horse battery");
    }

    void loginFailuresLookTheSame() {
        QFETCH(QString, name);
        QFETCH(QString, password);
        if (failedLogin_.status == 0) {
            failedLogin_ = main_->login("dave", "not the password");
        }
        const auto& reference = failedLogin_;
        QCOMPARE(reference.status, 401);
        QCOMPARE(reference.error(), std::string("invalid_credentials"));
        const auto answer = main_->login(name.toStdString(), password.toStdString());
        QCOMPARE(answer.status, 401);
        QCOMPARE_JSON(answer.json(), reference.json());  // nothing tells the cases apart
        QVERIFY(answer.header("Content-Type").startsWith("application/json"));
        QVERIFY(answer.header("Retry-After").isEmpty());
    }

    void loginRefusesBadBodies_data() {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QByteArray>("field");
        const auto row = [](const char* name, const nlohmann::json& body, const char* field) {
            QTest::newRow(name) << QByteArray::fromStdString(body.dump()) << QByteArray(field);
        };
        row("username missing", {{"password", kPassword}}, "username");
        row("password missing", {{"username", "dave"}}, "password");
        row("empty object", nlohmann::json::object(), "username");
        row("username a number", {{"username", 7}, {"password", kPassword}}, "username");
        row("username an array", {{"username", {"dave"}}, {"password", kPassword}}, "username");
        row("password a number", {{"username", "dave"}, {"password", 12345678}}, "password");
        row("password null", {{"username", "dave"}, {"password", nullptr}}, "password");
        row("password true", {{"username", "dave"}, {"password", true}}, "password");
        QTest::newRow("array body") << QByteArray("[]") << QByteArray();
        QTest::newRow("number body") << QByteArray("42") << QByteArray();
        QTest::newRow("null body") << QByteArray("null") << QByteArray();
    }

    void loginRefusesBadBodies() {
        QFETCH(QByteArray, body);
        QFETCH(QByteArray, field);
        const auto answer =
            main_->client()->send("POST", kLogin, body, {{"Content-Type", "application/json"}});
        QCOMPARE(answer.status, 400);
        QCOMPARE(answer.error(), std::string("invalid_body"));
        const std::string message = answer.json()["message"].get<std::string>();
        QVERIFY2(message.find(field.toStdString()) != std::string::npos, message.c_str());
    }

    void invalidJsonIsRefused_data() {
        QTest::addColumn<QString>("path");
        QTest::addColumn<QByteArray>("body");
        for (const QString& path : {kLogin, kSignup, kRefresh, kWorkspaces}) {
            QTest::newRow(rowName(path, "not json")) << path << QByteArray("username=dave");
            QTest::newRow(rowName(path, "truncated"))
                << path << QByteArray("{\"username\":\"dave\",");
            QTest::newRow(rowName(path, "empty")) << path << QByteArray();
            QTest::newRow(rowName(path, "invalid utf-8"))
                << path << QByteArray("{\"username\":\"d\xff\",\"name\":\"\xfe\"}");
            QTest::newRow(rowName(path, "trailing garbage")) << path << QByteArray("{} {}");
            QTest::newRow(rowName(path, "too deep"))
                << path
                << QByteArray("{\"name\":" + QByteArray(70, '[') + QByteArray(70, ']') + "}");
        }
    }

    void invalidJsonIsRefused() {
        QFETCH(QString, path);
        QFETCH(QByteArray, body);
        const QByteArray& token = daveAccess_;
        const auto answer =
            main_->client(token)->send("POST", path, body, {{"Content-Type", "application/json"}});
        QCOMPARE(answer.status, 400);
        QCOMPARE(answer.error(), std::string("invalid_json"));
        QVERIFY(!answer.json()["message"].get<std::string>().empty());
    }

    void bodiesMustBeJson_data() {
        QTest::addColumn<QString>("path");
        QTest::addColumn<QByteArray>("contentType");
        for (const QString& path : {kLogin, kSignup, kRefresh, kWorkspaces}) {
            QTest::newRow(rowName(path, "text/plain")) << path << QByteArray("text/plain");
            QTest::newRow(rowName(path, "form"))
                << path << QByteArray("application/x-www-form-urlencoded");
            QTest::newRow(rowName(path, "json suffix")) << path << QByteArray("application/jsonx");
        }
    }

    void bodiesMustBeJson() {
        QFETCH(QString, path);
        QFETCH(QByteArray, contentType);
        const QByteArray& token = daveAccess_;
        const nlohmann::json body{{"username", "dave"}, {"password", kPassword}, {"name", "W"}};
        const auto answer = main_->client(token)->send(
            "POST", path, QByteArray::fromStdString(body.dump()), {{"Content-Type", contentType}});
        QCOMPARE(answer.status, 415);
        QCOMPARE(answer.error(), std::string("unsupported_media_type"));
    }

    void jsonMayHaveParametersAndAnyCase() {
        const nlohmann::json body{{"username", "dave"}, {"password", kPassword}};
        const auto charset =
            main_->client()->send("POST", kLogin, QByteArray::fromStdString(body.dump()),
                                  {{"Content-Type", "Application/JSON; charset=utf-8"}});
        QCOMPARE(charset.status, 200);
    }

    void oversizedBodiesAreTooLarge_data() {
        QTest::addColumn<QString>("path");
        for (const QString& path : {kLogin, kSignup, kRefresh, kWorkspaces}) {
            QTest::newRow(path.toUtf8().constData()) << path;
        }
    }

    // Auth and workspace bodies are small: over 64 KiB is 413, sent whole with its
    // Content-Length (the state's 1 MiB limit does not apply here).
    void oversizedBodiesAreTooLarge() {
        QFETCH(QString, path);
        const QByteArray& token = daveAccess_;
        const nlohmann::json body{{"username", "dave"},
                                  {"password", std::string(70 * 1024, 'p')},
                                  {"refreshToken", "x"},
                                  {"name", "W"}};
        const auto answer =
            main_->client(token)->send("POST", path, QByteArray::fromStdString(body.dump()),
                                       {{"Content-Type", "application/json"}});
        QCOMPARE(answer.status, 413);
        QCOMPARE(answer.error(), std::string("too_large"));
        // Just under the limit is read (and then judged on its content).
        const nlohmann::json fits{{"username", "dave"}, {"password", std::string(60 * 1024, 'p')}};
        const auto read =
            main_->client(token)->send("POST", kLogin, QByteArray::fromStdString(fits.dump()),
                                       {{"Content-Type", "application/json"}});
        QCOMPARE(read.status, 401);
    }

    void refreshRotatesTheTokens() {
        const auto login = main_->login("dave", kPassword).json();
        const QByteArray access1 = stringOf(login["accessToken"]);
        const QByteArray refresh1 = stringOf(login["refreshToken"]);

        const auto first = main_->refresh(refresh1);
        QCOMPARE(first.status, 200);
        const auto pair = first.json();
        QVERIFY(keysOf(pair) ==
                (std::set<std::string>{"accessToken", "refreshToken", "expiresIn"}));
        QVERIFY(isToken(pair["accessToken"]));
        QVERIFY(isToken(pair["refreshToken"]));
        QCOMPARE_JSON(pair["expiresIn"], 900);
        QVERIFY(stringOf(pair["accessToken"]) != access1);
        QVERIFY(stringOf(pair["refreshToken"]) != refresh1);
        const QByteArray access2 = stringOf(pair["accessToken"]);
        const QByteArray refresh2 = stringOf(pair["refreshToken"]);
        QCOMPARE(main_->statusWith(access2), 200);
        // The old access token lives on until it expires (it is short-lived).
        QCOMPARE(main_->statusWith(access1), 200);

        // Within the grace window the old refresh token answers the same new pair.
        const auto again = main_->refresh(refresh1);
        QCOMPARE(again.status, 200);
        QCOMPARE_JSON(again.json(), pair);
        QCOMPARE(main_->statusWith(access2), 200);

        // The new refresh token rotates on.
        const auto second = main_->refresh(refresh2);
        QCOMPARE(second.status, 200);
        const QByteArray access3 = stringOf(second.json()["accessToken"]);
        QVERIFY(access3 != access2);
        QCOMPARE(main_->statusWith(access3), 200);
        QCOMPARE_JSON(main_->refresh(refresh2).json(), second.json());
    }

    void refreshRefusesUnknownTokens_data() {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("error");
        QTest::newRow("unknown") << QByteArray("{\"refreshToken\":\"" + QByteArray(43, 'A') + "\"}")
                                 << 401 << QByteArray("invalid_refresh_token");
        QTest::newRow("garbage") << QByteArray("{\"refreshToken\":\"not a token!\"}") << 401
                                 << QByteArray("invalid_refresh_token");
        QTest::newRow("empty") << QByteArray("{\"refreshToken\":\"\"}") << 401
                               << QByteArray("invalid_refresh_token");
        QTest::newRow("missing") << QByteArray("{}") << 400 << QByteArray("invalid_body");
        QTest::newRow("a number") << QByteArray("{\"refreshToken\":12}") << 400
                                  << QByteArray("invalid_body");
    }

    void refreshRefusesUnknownTokens() {
        QFETCH(QByteArray, body);
        QFETCH(int, status);
        QFETCH(QByteArray, error);
        const auto answer =
            main_->client()->send("POST", kRefresh, body, {{"Content-Type", "application/json"}});
        QCOMPARE(answer.status, status);
        QCOMPARE(QByteArray::fromStdString(answer.error()), error);
        if (status == 400) {
            const std::string message = answer.json()["message"].get<std::string>();
            QVERIFY2(message.find("refreshToken") != std::string::npos, message.c_str());
        }
    }

    void anAccessTokenIsNoRefreshToken() {
        const auto answer = main_->refresh(daveAccess_);
        QCOMPARE(answer.status, 401);
        QCOMPARE(answer.error(), std::string("invalid_refresh_token"));
        QCOMPARE(main_->statusWith(daveAccess_), 200);
    }

    // After the grace window a rotated refresh token is reuse: the whole login is revoked.
    void refreshReuseAfterTheGraceWindowRevokesTheLogin() {
        Deployment shortGrace(
            {{QStringLiteral("DESKBOARD_REFRESH_GRACE_SECONDS"), QStringLiteral("1")}},
            recordPath_);
        shortGrace.server.addUser(QStringLiteral("erin"), QByteArray::fromStdString(kPassword));
        const auto login = shortGrace.login("erin", kPassword).json();
        const QByteArray access1 = stringOf(login["accessToken"]);
        const QByteArray refresh1 = stringOf(login["refreshToken"]);
        const auto other = shortGrace.login("erin", kPassword).json();  // another sign-in
        QVERIFY(isToken(other["accessToken"]));

        const auto rotated = shortGrace.refresh(refresh1);
        QCOMPARE(rotated.status, 200);
        const QByteArray access2 = stringOf(rotated.json()["accessToken"]);
        const QByteArray refresh2 = stringOf(rotated.json()["refreshToken"]);
        QCOMPARE(shortGrace.statusWith(access2), 200);

        // Present the old token until the window has passed: the same pair, then reuse.
        HttpAnswer late;
        const bool reused = QTest::qWaitFor(
            [&] {
                late = shortGrace.refresh(refresh1);
                if (late.status == 200) {
                    // Still in the window: the same pair, never a new one.
                    if (late.json() != rotated.json()) {
                        return true;
                    }
                    QTest::qWait(100);
                    return false;
                }
                return true;
            },
            10000);
        QVERIFY2(reused, "the old refresh token was still accepted after 10 s");
        QCOMPARE(late.status, 401);
        QCOMPARE(late.error(), std::string("invalid_refresh_token"));

        // Everything descended from that sign-in is revoked at once...
        QCOMPARE(shortGrace.statusWith(access2), 401);
        QCOMPARE(shortGrace.statusWith(access1), 401);
        const auto newRefresh = shortGrace.refresh(refresh2);
        QCOMPARE(newRefresh.status, 401);
        QCOMPARE(newRefresh.error(), std::string("invalid_refresh_token"));
        QCOMPARE(shortGrace.refresh(refresh1).status, 401);
        // ...and nothing else: the other sign-in goes on.
        QCOMPARE(shortGrace.statusWith(stringOf(other["accessToken"])), 200);
        QCOMPARE(shortGrace.refresh(stringOf(other["refreshToken"])).status, 200);
        QCOMPARE(shortGrace.server.stop(), 0);
    }

    void logoutRevokesTheLogin() {
        const auto login = main_->login("dave", kPassword).json();
        const QByteArray access = stringOf(login["accessToken"]);
        const QByteArray refresh = stringOf(login["refreshToken"]);
        const auto other = main_->login("dave", kPassword).json();
        // A token rotated from this sign-in belongs to it as well.
        const auto rotated = main_->refresh(refresh);
        QCOMPARE(rotated.status, 200);
        const QByteArray rotatedAccess = stringOf(rotated.json()["accessToken"]);
        const QByteArray rotatedRefresh = stringOf(rotated.json()["refreshToken"]);

        const auto answer = main_->client(access)->send("POST", kLogout, {});
        QCOMPARE(answer.status, 200);
        QCOMPARE_JSON(answer.json(), nlohmann::json({{"success", true}}));

        const auto revoked = main_->client(access)->get(kWorkspaces);
        QCOMPARE(revoked.status, 401);
        QCOMPARE(revoked.error(), std::string("unauthorized"));
        QVERIFY(revoked.header("WWW-Authenticate").startsWith("Bearer"));
        QCOMPARE(main_->statusWith(rotatedAccess), 401);
        QCOMPARE(main_->refresh(rotatedRefresh).error(), std::string("invalid_refresh_token"));
        QCOMPARE(main_->refresh(refresh).error(), std::string("invalid_refresh_token"));
        // Logging out twice: the token is gone.
        const auto twice = main_->client(access)->send("POST", kLogout, {});
        QCOMPARE(twice.status, 401);
        QCOMPARE(twice.error(), std::string("unauthorized"));
        // The other sign-in of the same user is untouched.
        QCOMPARE(main_->statusWith(stringOf(other["accessToken"])), 200);
    }

    void logoutNeedsAnAccessToken() {
        const auto none = main_->client()->send("POST", kLogout, {});
        QCOMPARE(none.status, 401);
        QCOMPARE(none.error(), std::string("unauthorized"));
        QVERIFY(none.header("WWW-Authenticate").startsWith("Bearer"));
        // A refresh token is not an access token.
        const QByteArray refresh = stringOf(main_->login("dave", kPassword).json()["refreshToken"]);
        QCOMPARE(main_->client(refresh)->send("POST", kLogout, {}).status, 401);
        QCOMPARE(main_->refresh(refresh).status, 200);
    }

    // PRODUCT.md: "Requests with a body must be application/json (415 otherwise)"; the
    // OpenAPI file says the same of logout in particular.
    void logoutWithANonJsonBodyIsUnsupported() {
        const auto login = main_->login("dave", kPassword).json();
        const QByteArray access = stringOf(login["accessToken"]);
        const auto answer =
            main_->client(access)->send("POST", kLogout, "bye", {{"Content-Type", "text/plain"}});
        QCOMPARE(answer.status, 415);
        QCOMPARE(answer.error(), std::string("unsupported_media_type"));
        QCOMPARE(main_->statusWith(access), 200);  // not logged out by a refused request
    }

    // The same for the size check: an oversized body is 413 on every route that takes one.
    void logoutWithAnOversizedBodyIsTooLarge() {
        const auto login = main_->login("dave", kPassword).json();
        const QByteArray access = stringOf(login["accessToken"]);
        const nlohmann::json body{{"reason", std::string(70 * 1024, 'x')}};
        const auto answer =
            main_->client(access)->send("POST", kLogout, QByteArray::fromStdString(body.dump()),
                                        {{"Content-Type", "application/json"}});
        QCOMPARE(answer.status, 413);
        QCOMPARE(answer.error(), std::string("too_large"));
        QCOMPARE(main_->statusWith(access), 200);
    }

    void expiredAccessTokensAreUnauthorized() {
        Deployment shortLived({{QStringLiteral("DESKBOARD_ACCESS_TOKEN_TTL"), QStringLiteral("1")}},
                              recordPath_);
        shortLived.server.addUser(QStringLiteral("fred"), QByteArray::fromStdString(kPassword));
        const auto login = shortLived.login("fred", kPassword);
        QCOMPARE(login.status, 200);
        QCOMPARE_JSON(login.json()["expiresIn"], 1);
        const QByteArray access = stringOf(login.json()["accessToken"]);
        HttpAnswer answer;
        const bool expired = QTest::qWaitFor(
            [&] {
                answer = shortLived.client(access)->get(kWorkspaces);
                if (answer.status == 200) {
                    QTest::qWait(100);
                    return false;
                }
                return true;
            },
            10000);
        QVERIFY2(expired, "an access token with a TTL of 1 s still worked after 10 s");
        QCOMPARE(answer.status, 401);
        QCOMPARE(answer.error(), std::string("unauthorized"));
        QVERIFY(answer.header("WWW-Authenticate").startsWith("Bearer"));
        QCOMPARE(shortLived.client(access)->get(QStringLiteral("/api/dashboard/state")).status,
                 401);
        // The refresh token outlives it and gets a new access token.
        const auto refreshed = shortLived.refresh(stringOf(login.json()["refreshToken"]));
        QCOMPARE(refreshed.status, 200);
        QCOMPARE_JSON(refreshed.json()["expiresIn"], 1);
        QCOMPARE(shortLived.server.stop(), 0);
    }

    void failedLoginsAreRateLimited() {
        Deployment limited(
            {{QStringLiteral("DESKBOARD_LOGIN_MAX_FAILURES"), QStringLiteral("3")},
             {QStringLiteral("DESKBOARD_LOGIN_WINDOW_SECONDS"), QStringLiteral("2")}},
            recordPath_);
        limited.server.addUser(QStringLiteral("gina"), QByteArray::fromStdString(kPassword));
        limited.server.addUser(QStringLiteral("hank"), QByteArray::fromStdString(kPassword));
        // The failures must fall into one window of 2 s. Wrong passwords too short to ever
        // match are failures refused without hashing, so three of them take no time even on a
        // loaded machine (a full-length wrong password costs one slow hash each).
        QElapsedTimer window;
        window.start();
        for (int i = 0; i < 3; ++i) {
            const auto failed = limited.login("gina", "wrong" + std::to_string(i));
            QCOMPARE(failed.status, 401);
            QCOMPARE(failed.error(), std::string("invalid_credentials"));
        }
        if (window.elapsed() > 1500) {
            QSKIP("three failed logins took longer than the 2 s window on this machine");
        }
        const auto limitedAnswer = limited.login("gina", kPassword);
        QCOMPARE(limitedAnswer.status, 429);
        QCOMPARE(limitedAnswer.error(), std::string("rate_limited"));
        bool isNumber = false;
        const int retryAfter = limitedAnswer.header("Retry-After").toInt(&isNumber);
        QVERIFY2(isNumber && retryAfter >= 1 && retryAfter <= 2,
                 limitedAnswer.header("Retry-After").constData());
        // The address made the failures too: other names from it wait as well.
        const auto sameAddress = limited.login("hank", kPassword);
        QCOMPARE(sameAddress.status, 429);
        QCOMPARE(sameAddress.error(), std::string("rate_limited"));

        // After the window the right password works again (refused attempts did not count).
        HttpAnswer later;
        const bool allowed = QTest::qWaitFor(
            [&] {
                later = limited.login("gina", kPassword);
                if (later.status == 429) {
                    QTest::qWait(100);
                    return false;
                }
                return true;
            },
            10000);
        QVERIFY2(allowed, "still rate limited 10 s after a window of 2 s");
        QCOMPARE(later.status, 200);
        QCOMPARE(limited.login("hank", kPassword).status, 200);
        QCOMPARE(limited.server.stop(), 0);
    }

    void workspacesListThePersonalOne() {
        main_->server.addUser(QStringLiteral("ivy"), QByteArray::fromStdString(kPassword));
        const auto login = main_->login("ivy", kPassword).json();
        ivyAccess_ = stringOf(login["accessToken"]);
        const auto listed = main_->client(stringOf(login["accessToken"]))->get(kWorkspaces);
        QCOMPARE(listed.status, 200);
        QVERIFY(keysOf(listed.json()) == std::set<std::string>{"workspaces"});
        const auto workspaces = listed.json()["workspaces"];
        QCOMPARE(workspaces.size(), std::size_t{1});
        QCOMPARE_JSON(workspaces[0]["name"], "Personal");
        QVERIFY(isIdentifier(workspaces[0]["id"]));
        QCOMPARE_JSON(workspaces, login["workspaces"]);
        const auto anonymous = main_->client()->get(kWorkspaces);
        QCOMPARE(anonymous.status, 401);
        QVERIFY(anonymous.header("WWW-Authenticate").startsWith("Bearer"));
    }

    void workspacesCanBeCreated_data() {
        QTest::addColumn<QString>("name");
        QTest::newRow("plain") << QStringLiteral("Team board");
        QTest::newRow("one character") << QStringLiteral("T");
        QTest::newRow("100 characters") << QString(100, QLatin1Char('w'));
        QTest::newRow("100 non-ascii characters") << QString(100, QChar(0x00E9));
        QTest::newRow("emoji") << QString::fromUtf8("Home \xF0\x9F\x8F\xA0");
        QTest::newRow("same as personal") << QStringLiteral("Personal");
    }

    void workspacesCanBeCreated() {
        QFETCH(QString, name);
        const QByteArray& access = ivyAccess_;
        const auto before = main_->client(access)->get(kWorkspaces).json()["workspaces"];
        const auto created =
            main_->client(access)->post(kWorkspaces, {{"name", name.toStdString()}});
        QCOMPARE(created.status, 201);
        const auto body = created.json();
        QVERIFY(keysOf(body) == (std::set<std::string>{"id", "name"}));
        QVERIFY(isIdentifier(body["id"]));
        QCOMPARE_JSON(body["name"], name.toStdString());
        const auto after = main_->client(access)->get(kWorkspaces).json()["workspaces"];
        QCOMPARE(after.size(), before.size() + 1);
        QVERIFY(std::find(after.begin(), after.end(), body) != after.end());
        for (const auto& workspace : before) {
            QVERIFY(workspace["id"] != body["id"]);
        }
        // The caller can use it at once; nobody else can.
        QCOMPARE(main_->client(access)
                     ->get(QStringLiteral("/api/dashboard/state"),
                           {{"X-Workspace-Id", stringOf(body["id"])}})
                     .status,
                 404);
        const QByteArray& dave = daveAccess_;
        QCOMPARE(main_->client(dave)
                     ->get(QStringLiteral("/api/dashboard/state"),
                           {{"X-Workspace-Id", stringOf(body["id"])}})
                     .status,
                 403);
    }

    void workspaceNamesAreChecked_data() {
        QTest::addColumn<QByteArray>("body");
        const auto row = [](const char* name, const nlohmann::json& body) {
            QTest::newRow(name) << QByteArray::fromStdString(body.dump());
        };
        row("empty", {{"name", ""}});
        row("101 characters", {{"name", std::string(101, 'w')}});
        row("101 non-ascii characters", {{"name", repeated("\xc3\xa9", 101)}});
        row("newline", {{"name", "Team\nboard"}});
        row("tab", {{"name", "Team\tboard"}});
        row("nul", {{"name", std::string("Team\0board", 10)}});
        row("escape", {{"name", "\x1b[31mred"}});
        row("delete", {{"name", "Team\x7f"}});
        row("c1 control", {{"name", "Team\xc2\x85"}});
        row("a number", {{"name", 42}});
        row("null", {{"name", nullptr}});
        row("an array", {{"name", {"Team"}}});
        row("an object", {{"name", {{"text", "Team"}}}});
        row("missing", {{"title", "Team"}});
    }

    void workspaceNamesAreChecked() {
        QFETCH(QByteArray, body);
        const QByteArray& access = ivyAccess_;
        const auto before = main_->client(access)->get(kWorkspaces).json();
        const auto answer = main_->client(access)->send("POST", kWorkspaces, body,
                                                        {{"Content-Type", "application/json"}});
        QCOMPARE(answer.status, 400);
        QCOMPARE(answer.error(), std::string("invalid_body"));
        const std::string message = answer.json()["message"].get<std::string>();
        QVERIFY2(message.find("name") != std::string::npos, message.c_str());
        QCOMPARE_JSON(main_->client(access)->get(kWorkspaces).json(), before);
    }

    void creatingAWorkspaceNeedsAnAccessToken() {
        const auto answer = main_->client()->post(kWorkspaces, {{"name", "Team"}});
        QCOMPARE(answer.status, 401);
        QCOMPARE(answer.error(), std::string("unauthorized"));
        QVERIFY(answer.header("WWW-Authenticate").startsWith("Bearer"));
    }

    void everyAnswerCarriesTheConventionHeaders() {
        const auto answer =
            main_->client()->post(kLogin, {{"username", "dave"}, {"password", kPassword}},
                                  {{"X-Request-Id", "auth-test-1"}});
        QCOMPARE(answer.status, 200);
        QCOMPARE(answer.header("X-Request-Id"), QByteArray("auth-test-1"));
        QCOMPARE(answer.header("Cache-Control"), QByteArray("no-store"));
        QCOMPARE(answer.header("Content-Type"), QByteArray("application/json; charset=utf-8"));
        const auto failed = main_->login("dave", "wrong password");
        QCOMPARE(failed.header("Cache-Control"), QByteArray("no-store"));
        QVERIFY(!failed.header("X-Request-Id").isEmpty());
    }
};

QTEST_GUILESS_MAIN(ApiAuthTest)
#include "tst_api_auth.moc"
