// Identifier, user name, password and workspace name rules, and the hash-tagged Redis keys
// that only valid identifiers can reach.
#include <QTest>
#include <qtest_json.h>

#include <deskboard/protocol/identifiers.h>
#include <deskboard/protocol/redis_keys.h>

using namespace deskboard::protocol;

class IdentifiersTest : public QObject {
    Q_OBJECT

  private slots:
    void identifiers_data() {
        QTest::addColumn<QByteArray>("id");
        QTest::addColumn<bool>("valid");
        QTest::newRow("letters digits dash underscore") << QByteArray("aZ09_-") << true;
        QTest::newRow("one character") << QByteArray("x") << true;
        QTest::newRow("64 characters") << QByteArray(64, 'a') << true;
        QTest::newRow("65 characters") << QByteArray(65, 'a') << false;
        QTest::newRow("empty") << QByteArray() << false;
        QTest::newRow("closing brace") << QByteArray("a}b") << false;
        QTest::newRow("opening brace") << QByteArray("{a") << false;
        QTest::newRow("colon") << QByteArray("a:b") << false;
        QTest::newRow("dot") << QByteArray("a.b") << false;
        QTest::newRow("space") << QByteArray("a b") << false;
        QTest::newRow("star") << QByteArray("*") << false;
        QTest::newRow("newline") << QByteArray("a\nb") << false;
        QTest::newRow("nul") << QByteArray("a\0b", 3) << false;
        QTest::newRow("non-ascii") << QByteArray("caf\xc3\xa9") << false;
    }

    void identifiers() {
        QFETCH(QByteArray, id);
        QFETCH(bool, valid);
        const std::string_view view(id.constData(), static_cast<std::size_t>(id.size()));
        QCOMPARE(isValidIdentifier(view), valid);
        QCOMPARE(StateKeys::forScope(view, "ws1").has_value(), valid);
        QCOMPARE(StateKeys::forScope("user1", view).has_value(), valid);
    }

    void usernames() {
        QVERIFY(isValidUsername("alice"));
        QVERIFY(isValidUsername("Alice.Smith-2_b"));
        QVERIFY(isValidUsername(std::string(64, 'a')));
        QVERIFY(!isValidUsername(std::string(65, 'a')));
        QVERIFY(!isValidUsername(""));
        QVERIFY(!isValidUsername("alice smith"));
        QVERIFY(!isValidUsername("alice@example.com"));
        QVERIFY(!isValidUsername("\xc3\xa9lise"));
        QCOMPARE(normalizeUsername("Alice.SMITH-2"), std::string("alice.smith-2"));
        QCOMPARE(normalizeUsername("alice"), normalizeUsername("ALICE"));
    }

    void passwords() {
        QVERIFY(!isValidPassword("1234567"));
        QVERIFY(isValidPassword("12345678"));
        QVERIFY(isValidPassword(std::string(1024, 'x')));
        QVERIFY(!isValidPassword(std::string(1025, 'x')));
        QVERIFY(isValidPassword(std::string("\0\0\0\0\0\0\0\0", 8)));
    }

    void workspaceNames() {
        QVERIFY(isValidWorkspaceName("Home"));
        QVERIFY(isValidWorkspaceName("Équipe — 東京"));
        QVERIFY(!isValidWorkspaceName(""));
        QVERIFY(!isValidWorkspaceName("tab\there"));
        QVERIFY(!isValidWorkspaceName("\xff"));
        QVERIFY(!isValidWorkspaceName("\xc3"));  // truncated sequence
        std::string hundred;
        for (int i = 0; i < 100; ++i) {
            hundred += "\xc3\xa9";  // 100 characters, 200 bytes
        }
        QVERIFY(isValidWorkspaceName(hundred));
        QVERIFY(!isValidWorkspaceName(hundred + "e"));
    }

    void stateKeysUseOneHashTag() {
        const auto keys = StateKeys::forScope("u_1", "ws-2");
        QVERIFY(keys.has_value());
        QCOMPARE(keys->state(), std::string("dashboard:state:{u_1:ws-2}"));
        QCOMPARE(keys->version(), std::string("dashboard:state:{u_1:ws-2}:version"));
        QCOMPARE(keys->modified(), std::string("dashboard:state:{u_1:ws-2}:modified"));
        QCOMPARE(keys->checksum(), std::string("dashboard:state:{u_1:ws-2}:checksum"));
        QCOMPARE(keys->history(), std::string("dashboard:state:{u_1:ws-2}:history"));
        QCOMPARE(keys->eventsChannel(), std::string("dashboard:events:{u_1:ws-2}"));
    }
};

QTEST_APPLESS_MAIN(IdentifiersTest)
#include "tst_identifiers.moc"
