// PRODUCT.md's save table, row by row: accept when newer, idempotent retry of the same
// content, conflict for older versions, other content at the same version, or after a delete.
#include <QTest>

#include <deskboard/protocol/save_decision.h>

using namespace deskboard::protocol;

Q_DECLARE_METATYPE(SaveOutcome)

class SaveDecisionTest : public QObject {
    Q_OBJECT

  private slots:
    void table_data() {
        QTest::addColumn<qint64>("current");
        QTest::addColumn<bool>("stored");
        QTest::addColumn<QString>("storedChecksum");
        QTest::addColumn<qint64>("incoming");
        QTest::addColumn<QString>("incomingChecksum");
        QTest::addColumn<SaveOutcome>("expected");

        QTest::newRow("first save ever")
            << qint64(0) << false << "" << qint64(1) << "aa" << SaveOutcome::Accept;
        QTest::newRow("first save with a high version")
            << qint64(0) << false << "" << qint64(77) << "aa" << SaveOutcome::Accept;
        QTest::newRow("newer version")
            << qint64(5) << true << "aa" << qint64(6) << "bb" << SaveOutcome::Accept;
        QTest::newRow("newer version, same content")
            << qint64(5) << true << "aa" << qint64(6) << "aa" << SaveOutcome::Accept;
        QTest::newRow("newer version after a delete")
            << qint64(5) << false << "" << qint64(6) << "aa" << SaveOutcome::Accept;
        QTest::newRow("same version, same content")
            << qint64(5) << true << "aa" << qint64(5) << "aa" << SaveOutcome::Idempotent;
        QTest::newRow("same version, other content")
            << qint64(5) << true << "aa" << qint64(5) << "bb" << SaveOutcome::Conflict;
        QTest::newRow("same version after a delete")
            << qint64(5) << false << "" << qint64(5) << "aa" << SaveOutcome::Conflict;
        QTest::newRow("older version")
            << qint64(5) << true << "aa" << qint64(4) << "aa" << SaveOutcome::Conflict;
        QTest::newRow("older version after a delete")
            << qint64(5) << false << "" << qint64(1) << "aa" << SaveOutcome::Conflict;
    }

    void table() {
        QFETCH(qint64, current);
        QFETCH(bool, stored);
        QFETCH(QString, storedChecksum);
        QFETCH(qint64, incoming);
        QFETCH(QString, incomingChecksum);
        QFETCH(SaveOutcome, expected);
        const std::string storedText = storedChecksum.toStdString();
        const std::optional<std::string_view> storedView =
            stored ? std::optional<std::string_view>(storedText) : std::nullopt;
        QCOMPARE(decideSave(current, storedView, incoming, incomingChecksum.toStdString()),
                 expected);
    }
};

QTEST_APPLESS_MAIN(SaveDecisionTest)
#include "tst_save_decision.moc"
