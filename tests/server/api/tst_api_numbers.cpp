// Every JSON number through a real deskboard-server and Redis: a client in another language
// writes RFC 8785's number examples, integers beyond 64 bits, exponents, negative zero and
// subnormals as literals in the save body. The state is accepted; the checksum the server keeps
// equals the protocol library's checksum of the same body (and the checksum a client sends is
// accepted); the canonical form stored and served is the expected literal. A number that is no
// finite double (1e400) is refused as the protocol library refuses it, and nothing changes.
#include <array>
#include <bit>
#include <charconv>

#include <QTest>
#include <http_client.h>
#include <server_process.h>

#include <deskboard/protocol/canonical_json.h>
#include <deskboard/protocol/messages.h>
#include <deskboard/protocol/redis_keys.h>

#include "json_numbers.h"

using namespace deskboard::testing;
using namespace deskboard::protocol;

namespace {

const QByteArray kPassword = "correct horse battery";

// The literals of one test row, and the canonical form each must take.
struct Row {
    std::vector<std::string> literals;
    std::string canonical;
};

// A state holding `literals` under keys a, b, c... and its expected canonical form.
std::pair<std::string, std::string> stateOf(const Row& row) {
    std::string state = "{";
    std::string canonical = "{";
    for (std::size_t i = 0; i < row.literals.size(); ++i) {
        const std::string key = std::string(1, static_cast<char>('a' + i));
        state += (i > 0 ? ", \"" : "\"") + key + "\": " + row.literals[i];
        canonical += (i > 0 ? ",\"" : "\"") + key + "\":" + row.canonical;
    }
    canonical += ",\"list\":[" + row.canonical + "," + row.canonical + "]}";
    state += ", \"list\": [" + row.literals.front() + ", " + row.literals.back() + "]}";
    return {state, canonical};
}

std::vector<Row> rows() {
    std::vector<Row> result;
    for (const auto& [bits, canonical] : kRfc8785Numbers) {
        const double number = std::bit_cast<double>(bits);
        std::array<char, 64> buffer{};
        const auto end = std::to_chars(buffer.data(), buffer.data() + buffer.size(), number,
                                       std::chars_format::scientific)
                             .ptr;
        std::string upper(buffer.data(), end);
        upper[upper.find('e')] = 'E';
        result.push_back(
            {{canonical, NumberSpeller::exactDecimal(number), upper}, std::string(canonical)});
    }
    for (const auto& [literal, canonical] : kNumberLiterals) {
        result.push_back({{literal}, canonical});
    }
    result.push_back({{kJustBelowOverflow}, "1.7976931348623157e+308"});
    result.push_back({{halfSmallestSubnormal(), "-" + halfSmallestSubnormal()}, "0"});
    result.push_back({{halfSmallestSubnormal() + "1"}, "5e-324"});
    return result;
}

}  // namespace

class ApiNumbersTest : public QObject {
    Q_OBJECT

  private:
    std::unique_ptr<RedisProcess> redis_;
    std::unique_ptr<ServerProcess> server_;
    std::unique_ptr<HttpClient> client_;
    std::optional<StateKeys> keys_;
    std::int64_t version_ = 0;

    HttpAnswer save(const std::string& body) {
        return client_->send("POST", QStringLiteral("/api/dashboard/state"),
                             QByteArray::fromStdString(body),
                             {{"Content-Type", "application/json"}});
    }
    // The value of a Redis key, as stored.
    std::string stored(const std::string& key) const {
        return redis_->cli({QStringLiteral("GET"), QString::fromStdString(key)}).toStdString();
    }

  private slots:
    void initTestCase() {
        redis_ = std::make_unique<RedisProcess>();
        server_ = std::make_unique<ServerProcess>(*redis_);
        server_->addUser(QStringLiteral("numbers"), kPassword);
        client_ = std::make_unique<HttpClient>(server_->baseUrl());
        const auto login =
            client_->post(QStringLiteral("/api/auth/login"),
                          {{"username", "numbers"}, {"password", kPassword.toStdString()}});
        QCOMPARE(login.status, 200);
        const auto answer = login.json();
        client_->setToken(QByteArray::fromStdString(answer["accessToken"].get<std::string>()));
        keys_ = StateKeys::forScope(answer["user"]["id"].get<std::string>(),
                                    answer["workspaces"][0]["id"].get<std::string>());
        QVERIFY(keys_.has_value());
    }

    void cleanupTestCase() {
        client_.reset();
        QCOMPARE(server_->stop(), 0);
    }

    // Each row is saved twice: without a checksum (the server's own is checked against the
    // protocol's), then as a new version with the protocol's checksum, which the server must
    // find equal to its own.
    void everyNumberIsAcceptedAndCanonicalized() {
        for (const Row& row : rows()) {
            const auto [state, canonical] = stateOf(row);
            const std::string label = row.literals.front().substr(0, 60) + " -> " + row.canonical;
            const std::string body =
                "{\"version\": " + std::to_string(++version_) + ", \"state\": " + state + "}";

            const auto reference = parseSaveStateRequest(body);
            QVERIFY2(reference.hasValue(), label.c_str());
            QCOMPARE(canonicalJson(reference.value().request.state), canonical);
            const std::string checksum = reference.value().checksum;
            QCOMPARE(checksum, sha256Hex(canonical));

            const auto saved = save(body);
            QVERIFY2(saved.status == 200, (label + ": " + saved.body.toStdString()).c_str());
            QCOMPARE(stored(keys_->checksum()), checksum);
            QCOMPARE(stored(keys_->state()), canonical);
            const auto read = client_->get(QStringLiteral("/api/dashboard/state"));
            QCOMPARE(read.status, 200);
            QVERIFY2(read.body.contains(QByteArray::fromStdString("\"state\":" + canonical)),
                     read.body.constData());

            const std::string withChecksum = "{\"version\": " + std::to_string(++version_) +
                                             ", \"checksum\": \"" + checksum +
                                             "\", \"state\": " + state + "}";
            const auto confirmed = save(withChecksum);
            QVERIFY2(confirmed.status == 200,
                     (label + ": " + confirmed.body.toStdString()).c_str());
            QCOMPARE(stored(keys_->checksum()), checksum);
        }
    }

    // The issue's example, exactly as a client would send it.
    void theIssuesExample() {
        const std::string body = "{\"version\": " + std::to_string(++version_) +
                                 ", \"state\": {\"n\": 123456789012345680000}}";
        const auto saved = save(body);
        QCOMPARE(saved.status, 200);
        QCOMPARE(stored(keys_->state()), std::string("{\"n\":123456789012345680000}"));
        QCOMPARE(stored(keys_->checksum()), parseSaveStateRequest(body).value().checksum);
    }

    // No finite double: 400 invalid_json, as the protocol library answers, and nothing stored
    // changes (the version does not move either).
    void overflowingNumbersAreRefused() {
        const std::string checksumBefore = stored(keys_->checksum());
        const std::string stateBefore = stored(keys_->state());
        const std::string versionBefore = stored(keys_->version());
        std::vector<std::string> literals(kOverflowingLiterals.begin(), kOverflowingLiterals.end());
        literals.push_back("1" + std::string(400, '0'));
        for (const std::string& literal : literals) {
            const std::string body =
                "{\"version\": " + std::to_string(version_ + 1) +
                ", \"state\": {\"ok\": 123456789012345680000, \"n\": " + literal + "}}";
            const auto reference = parseSaveStateRequest(body);
            QVERIFY(!reference.hasValue());
            QCOMPARE(reference.error().code, ErrorCode::InvalidJson);
            const auto refused = save(body);
            QVERIFY2(refused.status == 400, literal.c_str());
            QCOMPARE(refused.error(), std::string("invalid_json"));
        }
        QCOMPARE(stored(keys_->checksum()), checksumBefore);
        QCOMPARE(stored(keys_->state()), stateBefore);
        QCOMPARE(stored(keys_->version()), versionBefore);
    }
};

QTEST_GUILESS_MAIN(ApiNumbersTest)
#include "tst_api_numbers.moc"
