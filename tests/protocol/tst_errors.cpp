// The error vocabulary: every code of PRODUCT.md's table with its status and wire name, and
// the {error, message} body in both directions.
#include <set>

#include <QTest>
#include <nlohmann/json.hpp>
#include <qtest_json.h>

#include <deskboard/protocol/error.h>
#include <deskboard/protocol/messages.h>

using namespace deskboard::protocol;

class ErrorsTest : public QObject {
    Q_OBJECT

  private slots:
    void tableMatchesProduct_data() {
        QTest::addColumn<int>("code");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("name");
        const auto row = [](ErrorCode code, int status, const char* name) {
            QTest::newRow(name) << static_cast<int>(code) << status << QString::fromLatin1(name);
        };
        row(ErrorCode::InvalidJson, 400, "invalid_json");
        row(ErrorCode::InvalidBody, 400, "invalid_body");
        row(ErrorCode::ChecksumMismatch, 400, "checksum_mismatch");
        row(ErrorCode::InvalidWorkspaceId, 400, "invalid_workspace_id");
        row(ErrorCode::Unauthorized, 401, "unauthorized");
        row(ErrorCode::InvalidCredentials, 401, "invalid_credentials");
        row(ErrorCode::InvalidRefreshToken, 401, "invalid_refresh_token");
        row(ErrorCode::ForbiddenWorkspace, 403, "forbidden_workspace");
        row(ErrorCode::SignupDisabled, 403, "signup_disabled");
        row(ErrorCode::NotFound, 404, "not_found");
        row(ErrorCode::MethodNotAllowed, 405, "method_not_allowed");
        row(ErrorCode::UserExists, 409, "user_exists");
        row(ErrorCode::TooLarge, 413, "too_large");
        row(ErrorCode::UnsupportedMediaType, 415, "unsupported_media_type");
        row(ErrorCode::RateLimited, 429, "rate_limited");
        row(ErrorCode::StorageUnavailable, 503, "storage_unavailable");
    }

    void tableMatchesProduct() {
        QFETCH(int, code);
        QFETCH(int, status);
        QFETCH(QString, name);
        const auto errorCode = static_cast<ErrorCode>(code);
        QCOMPARE(httpStatus(errorCode), status);
        QCOMPARE(QString::fromUtf8(errorName(errorCode).data(),
                                   static_cast<qsizetype>(errorName(errorCode).size())),
                 name);
        QCOMPARE(errorCodeFromName(name.toStdString()), std::optional<ErrorCode>(errorCode));
    }

    void everyCodeIsListedOnceWithAUniqueName() {
        std::set<std::string_view> names;
        for (const ErrorCode code : allErrorCodes()) {
            QVERIFY(names.insert(errorName(code)).second);
            QVERIFY(httpStatus(code) >= 400 && httpStatus(code) <= 599);
        }
        QCOMPARE(names.size(), std::size_t{16});
    }

    void unknownNamesAreRejected() {
        QVERIFY(!errorCodeFromName("").has_value());
        QVERIFY(!errorCodeFromName("Invalid_JSON").has_value());
        QVERIFY(!errorCodeFromName("internal").has_value());
    }

    void errorBodyRoundTrips() {
        const ApiError error{ErrorCode::InvalidBody, "field 'version' must be an integer"};
        const auto body = nlohmann::json::parse(errorBody(error));
        QCOMPARE(body.size(), std::size_t{2});
        QCOMPARE(body.at("error").get<std::string>(), std::string("invalid_body"));
        QCOMPARE(body.at("message").get<std::string>(), error.message);
        QCOMPARE(apiErrorFromJson(body), std::optional<ApiError>(error));
    }

    void errorBodyStaysValidJsonWithInvalidUtf8InTheMessage() {
        const ApiError error{ErrorCode::InvalidJson, std::string("last read: '\xff\xfe'")};
        const auto body = nlohmann::json::parse(errorBody(error));
        QCOMPARE(body.at("error").get<std::string>(), std::string("invalid_json"));
    }

    void malformedErrorBodiesAreNotErrors() {
        QVERIFY(!apiErrorFromJson(nlohmann::json::array()).has_value());
        QVERIFY(!apiErrorFromJson({{"error", "not_found"}}).has_value());
        QVERIFY(!apiErrorFromJson({{"error", 404}, {"message", "x"}}).has_value());
        QVERIFY(!apiErrorFromJson({{"error", "teapot"}, {"message", "x"}}).has_value());
    }
};

QTEST_APPLESS_MAIN(ErrorsTest)
#include "tst_errors.moc"
