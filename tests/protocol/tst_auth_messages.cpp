// The wire types of sign-in and workspaces (auth_messages.h): JSON round trips, the exact JSON
// each writes, and every field's invalid_body naming that field, nested ones included.
#include <functional>

#include <QTest>
#include <qtest_json.h>

#include <deskboard/protocol/auth_messages.h>

using namespace deskboard::protocol;

namespace {

const std::string kAccess(43, 'a');
const std::string kRefresh(43, 'r');

const LoginResponse kLogin{kAccess,
                           kRefresh,
                           900,
                           UserInfo{"u1", "alice"},
                           {WorkspaceInfo{"w1", "Personal"}, WorkspaceInfo{"w-2", "Team board"}}};

template <typename T>
using Parser = std::function<Expected<T>(const nlohmann::json&)>;

// `json` with the member at `pointer` replaced by `value`, or removed when `value` is absent.
nlohmann::json edited(nlohmann::json json, const std::string& pointer,
                      const std::optional<nlohmann::json>& value) {
    const nlohmann::json::json_pointer path(pointer);
    if (value) {
        json[path] = *value;
    } else {
        json[path.parent_pointer()].erase(path.back());
    }
    return json;
}

template <typename T>
void verifyRefused(const Parser<T>& parse, const nlohmann::json& json, const std::string& field) {
    const auto result = parse(json);
    QVERIFY2(!result.hasValue(), json.dump().c_str());
    QCOMPARE(result.error().code, ErrorCode::InvalidBody);
    const std::string quoted = "field '" + field + "'";
    QVERIFY2(result.error().message.find(quoted) != std::string::npos,
             (result.error().message + " should name " + quoted).c_str());
}

// Missing, and each of `wrong` in its place: invalid_body naming `field`.
template <typename T>
void verifyFieldChecked(const Parser<T>& parse, const nlohmann::json& valid,
                        const std::string& pointer, const std::string& field,
                        const std::vector<nlohmann::json>& wrong) {
    QVERIFY2(parse(valid).hasValue(), valid.dump().c_str());
    verifyRefused(parse, edited(valid, pointer, std::nullopt), field);
    for (const auto& value : wrong) {
        verifyRefused(parse, edited(valid, pointer, value), field);
    }
}

template <typename T>
void verifyNotAnObject(const Parser<T>& parse) {
    for (const auto& body : {nlohmann::json::array(), nlohmann::json("x"), nlohmann::json()}) {
        const auto result = parse(body);
        QVERIFY(!result.hasValue());
        QCOMPARE(result.error().code, ErrorCode::InvalidBody);
    }
}

const std::vector<nlohmann::json> kNotStrings{12, nullptr, true, nlohmann::json::array(),
                                              nlohmann::json::object()};

}  // namespace

class AuthMessagesTest : public QObject {
    Q_OBJECT

  private slots:
    void credentialsRoundTrip() {
        const Credentials credentials{"Alice", "correct horse"};
        QCOMPARE_JSON(toJson(credentials),
                      nlohmann::json({{"username", "Alice"}, {"password", "correct horse"}}));
        QCOMPARE(credentialsFromJson(toJson(credentials)).value(), credentials);
    }

    void credentialsAreCheckedForShapeOnly() {
        const Parser<Credentials> parse = credentialsFromJson;
        const auto valid = toJson(Credentials{"alice", "password1"});
        verifyFieldChecked(parse, valid, "/username", "username", kNotStrings);
        verifyFieldChecked(parse, valid, "/password", "password", kNotStrings);
        verifyNotAnObject(parse);
        // The rules on names and passwords are the server's: a login with a short password
        // must answer invalid_credentials, not invalid_body.
        QVERIFY(credentialsFromJson({{"username", ""}, {"password", "x"}}).hasValue());
        QVERIFY(
            credentialsFromJson({{"username", "a"}, {"password", "b"}, {"extra", 1}}).hasValue());
    }

    void loginResponseRoundTrips() {
        QCOMPARE_JSON(toJson(kLogin), nlohmann::json::parse(R"({
            "accessToken": ")" + kAccess + R"(", "refreshToken": ")" +
                                                            kRefresh + R"(",
            "expiresIn": 900, "user": {"id": "u1", "username": "alice"},
            "workspaces": [{"id": "w1", "name": "Personal"}, {"id": "w-2", "name": "Team board"}]
        })"));
        QCOMPARE(loginResponseFromJson(toJson(kLogin)).value(), kLogin);
        LoginResponse noWorkspaces = kLogin;
        noWorkspaces.workspaces.clear();
        QCOMPARE(loginResponseFromJson(toJson(noWorkspaces)).value(), noWorkspaces);
    }

    void loginResponseFieldsAreChecked() {
        const Parser<LoginResponse> parse = loginResponseFromJson;
        const auto valid = toJson(kLogin);
        verifyFieldChecked(parse, valid, "/accessToken", "accessToken",
                           {12, nullptr, nlohmann::json("")});
        verifyFieldChecked(parse, valid, "/refreshToken", "refreshToken",
                           {12, nullptr, nlohmann::json("")});
        verifyFieldChecked(parse, valid, "/expiresIn", "expiresIn",
                           {0, -5, 1.5, nlohmann::json("900"), nullptr});
        verifyFieldChecked(parse, valid, "/user", "user", {nullptr, nlohmann::json::array(), 1});
        verifyFieldChecked(parse, valid, "/user/id", "user.id",
                           {5, nullptr, nlohmann::json(""), nlohmann::json("has space"),
                            nlohmann::json(std::string(65, 'x'))});
        verifyFieldChecked(parse, valid, "/user/username", "user.username",
                           {5, nullptr, nlohmann::json("")});
        verifyFieldChecked(parse, valid, "/workspaces", "workspaces",
                           {nullptr, nlohmann::json::object(), nlohmann::json("w1")});
        verifyRefused(parse, edited(valid, "/workspaces/1", nlohmann::json("w-2")),
                      "workspaces[1]");
        verifyFieldChecked(parse, valid, "/workspaces/1/id", "workspaces[1].id",
                           {5, nlohmann::json("a/b")});
        verifyFieldChecked(parse, valid, "/workspaces/0/name", "workspaces[0].name",
                           {5, nullptr, nlohmann::json("")});
        verifyNotAnObject(parse);
    }

    void refreshMessagesRoundTrip() {
        const RefreshRequest request{kRefresh};
        QCOMPARE_JSON(toJson(request), nlohmann::json({{"refreshToken", kRefresh}}));
        QCOMPARE(refreshRequestFromJson(toJson(request)).value(), request);
        // An empty token is well-formed; the server answers invalid_refresh_token for it.
        QCOMPARE(refreshRequestFromJson({{"refreshToken", ""}}).value(), RefreshRequest{});
        const Parser<RefreshRequest> parseRequest = refreshRequestFromJson;
        verifyFieldChecked(parseRequest, toJson(request), "/refreshToken", "refreshToken",
                           kNotStrings);
        verifyNotAnObject(parseRequest);

        const RefreshResponse response{kAccess, kRefresh, 900};
        QCOMPARE_JSON(toJson(response), nlohmann::json({{"accessToken", kAccess},
                                                        {"refreshToken", kRefresh},
                                                        {"expiresIn", 900}}));
        QCOMPARE(refreshResponseFromJson(toJson(response)).value(), response);
        const Parser<RefreshResponse> parseResponse = refreshResponseFromJson;
        const auto valid = toJson(response);
        verifyFieldChecked(parseResponse, valid, "/accessToken", "accessToken",
                           {1, nlohmann::json("")});
        verifyFieldChecked(parseResponse, valid, "/refreshToken", "refreshToken",
                           {1, nlohmann::json("")});
        verifyFieldChecked(parseResponse, valid, "/expiresIn", "expiresIn",
                           {0, 2.5, nlohmann::json("1")});
        verifyNotAnObject(parseResponse);
    }

    void successResponseRoundTrips() {
        for (const bool success : {true, false}) {
            const SuccessResponse response{success};
            QCOMPARE_JSON(toJson(response), nlohmann::json({{"success", success}}));
            QCOMPARE(successResponseFromJson(toJson(response)).value(), response);
        }
        const Parser<SuccessResponse> parse = successResponseFromJson;
        verifyFieldChecked(parse, toJson(SuccessResponse{true}), "/success", "success",
                           {1, 0, nlohmann::json("true"), nullptr});
        verifyNotAnObject(parse);
    }

    void workspaceMessagesRoundTrip() {
        const WorkspaceInfo workspace{"w1", "Team board \xE2\x82\xAC"};
        QCOMPARE_JSON(toJson(workspace),
                      nlohmann::json({{"id", "w1"}, {"name", "Team board \xE2\x82\xAC"}}));
        QCOMPARE(workspaceInfoFromJson(toJson(workspace)).value(), workspace);
        const Parser<WorkspaceInfo> parseWorkspace = workspaceInfoFromJson;
        verifyFieldChecked(parseWorkspace, toJson(workspace), "/id", "id",
                           {1, nlohmann::json(""), nlohmann::json("w 1")});
        verifyFieldChecked(parseWorkspace, toJson(workspace), "/name", "name",
                           {1, nlohmann::json("")});
        verifyNotAnObject(parseWorkspace);

        const WorkspaceList list{{workspace, WorkspaceInfo{"w2", "Other"}}};
        QCOMPARE_JSON(toJson(list), nlohmann::json::parse(R"({"workspaces":[
            {"id":"w1","name":"Team board \u20ac"},{"id":"w2","name":"Other"}]})"));
        QCOMPARE(workspaceListFromJson(toJson(list)).value(), list);
        QCOMPARE(workspaceListFromJson({{"workspaces", nlohmann::json::array()}}).value(),
                 WorkspaceList{});
        const Parser<WorkspaceList> parseList = workspaceListFromJson;
        verifyFieldChecked(parseList, toJson(list), "/workspaces", "workspaces",
                           {nullptr, nlohmann::json::object()});
        verifyFieldChecked(parseList, toJson(list), "/workspaces/1/name", "workspaces[1].name",
                           {3});
        verifyNotAnObject(parseList);

        const CreateWorkspaceRequest create{"Team board"};
        QCOMPARE_JSON(toJson(create), nlohmann::json({{"name", "Team board"}}));
        QCOMPARE(createWorkspaceRequestFromJson(toJson(create)).value(), create);
        const Parser<CreateWorkspaceRequest> parseCreate = createWorkspaceRequestFromJson;
        verifyFieldChecked(parseCreate, toJson(create), "/name", "name", kNotStrings);
        verifyNotAnObject(parseCreate);
    }

    void userInfoRoundTrips() {
        const UserInfo user{"u_1", "bob"};
        QCOMPARE_JSON(toJson(user), nlohmann::json({{"id", "u_1"}, {"username", "bob"}}));
        QCOMPARE(userInfoFromJson(toJson(user)).value(), user);
        const Parser<UserInfo> parse = userInfoFromJson;
        verifyFieldChecked(parse, toJson(user), "/id", "id", {1, nlohmann::json("")});
        verifyFieldChecked(parse, toJson(user), "/username", "username", {1, nullptr});
    }
};

QTEST_APPLESS_MAIN(AuthMessagesTest)
#include "tst_auth_messages.moc"
