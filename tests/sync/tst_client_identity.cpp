// The client names itself with the project version and the Qt it runs on.
#include <QTest>

#include <deskboard/sync/client_identity.h>
#include <deskboard/version.h>

class ClientIdentityTest : public QObject {
    Q_OBJECT

  private slots:
    void userAgentNamesVersionAndQt() {
        const QString agent = deskboard::sync::userAgent();
        QCOMPARE(deskboard::sync::clientVersion(), QString::fromLatin1(deskboard::kVersion));
        QVERIFY(agent.startsWith(QStringLiteral("Deskboard/") +
                                 QString::fromLatin1(deskboard::kVersion)));
        QVERIFY(agent.contains(QString::fromLatin1(qVersion())));
    }
};

QTEST_GUILESS_MAIN(ClientIdentityTest)
#include "tst_client_identity.moc"
